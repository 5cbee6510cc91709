/**
 * Our SMTP / LMTP client for the hand-off to the downstream server (before-queue relay): greeting,
 * EHLO (LHLO), STARTTLS, MAIL FROM, one RCPT per recipient with its own reply, DATA streamed
 * through the dot-stuffing `WireEncoder`, and the final reply (one per recipient in LMTP,
 * RFC 2033 §4.2). Towards an SMTP server that offers CHUNKING (RFC 3030), a message held whole in
 * memory goes as one `BDAT <size> LAST` instead of DATA: one round trip (DATA and its 354) less.
 *
 * Two ways to use it: step by step (`connect`, `begin` or `mailFrom`, `rcptTo`, `data`, `reset`,
 * `quit`; the gateway opens the downstream transaction while the client is still sending RCPT so
 * a downstream refusal goes back per recipient), or `transaction` / `send` for a whole one.
 *
 * When the server offers PIPELINING (RFC 2920), `begin` sends MAIL and its RCPTs in one write and
 * `transaction` sends MAIL, the RCPTs and DATA in one write; the replies are then read in order
 * and mapped to their commands exactly as one by one. Without PIPELINING they go one by one.
 *
 * **Gotchas**
 * - TLS modes: `none` never upgrades; `starttls` upgrades when the server offers STARTTLS and
 *   otherwise stays in clear; `required` fails (temporary) when STARTTLS is not offered. Whenever
 *   we do upgrade, the certificate chain and the name (`servername`, default `host`) are verified
 *   and a failure is a temporary error: we never fall back to clear text after an attempt.
 * - Every step has a deadline (`timeouts`); a timeout, a lost connection, a malformed reply or a
 *   4xx is a temporary `DeliveryError`, only a 5xx is permanent. `data` does not throw for the
 *   final reply: it returns it per recipient, since LMTP may accept some and refuse others.
 * - What goes on the wire after DATA has no CR/LF outside CRLF pairs, no NUL, and is dot-stuffed
 *   (the WireEncoder), whatever the source contains.
 * - `SIZE=` is sent when the server advertises SIZE and a size is known; `BODY=8BITMIME` and
 *   `SMTPUTF8` only when asked for and advertised.
 * - BDAT is used only in SMTP (LMTP keeps DATA: no LMTP peer here proves its per-recipient
 *   replies after BDAT) and only for a source that is a plain iterable (held whole, so its size
 *   is known before the first byte goes out); a streamed source goes by DATA. Its content has the
 *   same guarantees as DATA's, minus the dot-stuffing BDAT does not use. After a refused BDAT the
 *   transaction counts as still open (RFC 3030 calls it failed, not ended on the server's side),
 *   so the connection is reset before it carries another.
 * - In a pipelined group every reply is read before a refusal is reported, so the connection stays
 *   in step for the next transaction; a 421 fails the connection at once. A pipelined DATA that
 *   gets 354 although no recipient was accepted cannot be taken back: the connection is closed
 *   (nothing is sent) and the recipients' refusals are returned.
 *
 * Size: ~370 lines, over the 250 aim: the step-by-step and the pipelined paths share the
 * transaction state (extensions, accepted recipients, open transaction) and the reply checks;
 * the pieces without that state live beside it (`RelaySocket`, `ReplyChannel`,
 * `MessageTransfer`).
 *
 * @category services
 * @since 0.1.0
 */
import { hostname as osHostname } from "node:os"
import { DeliveryError } from "./DeliveryError.ts"
import {
  isPlainIterable,
  type MessageSource,
  plainReply,
  type RecipientResult,
  sendChunked,
  sendMessage
} from "./MessageTransfer.ts"
import type { ParsedReply } from "./ReplyParser.ts"
import { openSocket, upgrade } from "./RelaySocket.ts"
import { ReplyChannel } from "./ReplyChannel.ts"

export type { MessageSource, RecipientResult } from "./MessageTransfer.ts"

export type RelayTlsMode = "none" | "starttls" | "required"

export interface RelayTimeouts {
  /** TCP connect (default 30 s). */
  readonly connectMs?: number
  /** Greeting, EHLO, STARTTLS handshake (default 60 s). */
  readonly greetingMs?: number
  /** MAIL, RCPT, DATA, RSET replies (default 60 s). */
  readonly commandMs?: number
  /** Each wait for the socket to drain while sending the message (default 60 s). */
  readonly dataBlockMs?: number
  /** The final reply(ies) after the terminating dot (default 120 s, under the ingress's 300 s). */
  readonly dataEndMs?: number
}

export interface RelayOptions {
  readonly host: string
  readonly port: number
  /** Default "smtp". */
  readonly protocol?: "smtp" | "lmtp"
  /** Default "none". */
  readonly tls?: RelayTlsMode
  /** Name the certificate must carry (default `host`). */
  readonly servername?: string
  /** Extra trust anchors (PEM), e.g. a private CA for the downstream. */
  readonly ca?: string | ReadonlyArray<string>
  /** Our name in EHLO/LHLO (default `os.hostname()`). */
  readonly heloName?: string
  readonly timeouts?: RelayTimeouts
}

export interface MailParams {
  /** Message size in bytes, sent as SIZE= when advertised. */
  readonly size?: number | undefined
  readonly eightBitMime?: boolean | undefined
  readonly smtputf8?: boolean | undefined
}

export class SmtpRelayClient {
  private readonly extensions = new Map<string, string>()
  private recipients: Array<string> = []
  private secure = false
  private open = false

  private constructor(
    private readonly channel: ReplyChannel,
    private readonly options: RelayOptions,
    private readonly t: Required<RelayTimeouts>
  ) {}

  /** Connects, reads the greeting, says EHLO/LHLO and upgrades to TLS as configured. */
  static async connect(options: RelayOptions): Promise<SmtpRelayClient> {
    const t: Required<RelayTimeouts> = {
      connectMs: options.timeouts?.connectMs ?? 30_000,
      greetingMs: options.timeouts?.greetingMs ?? 60_000,
      commandMs: options.timeouts?.commandMs ?? 60_000,
      dataBlockMs: options.timeouts?.dataBlockMs ?? 60_000,
      dataEndMs: options.timeouts?.dataEndMs ?? 120_000
    }
    const { socket, reads } = await openSocket(options.host, options.port, t.connectMs)
    const client = new SmtpRelayClient(new ReplyChannel(socket, reads), options, t)
    try {
      await client.expect(await client.channel.reply(t.greetingMs, "the greeting"), 2, "greeting")
      await client.hello()
      await client.maybeStartTls()
      return client
    } catch (error) {
      client.close()
      throw error
    }
  }

  /** True when the session runs over TLS. */
  get tls(): boolean {
    return this.secure
  }

  /** EHLO keywords (upper case) and their parameters. */
  get advertised(): ReadonlyMap<string, string> {
    return this.extensions
  }

  /** Recipients the downstream accepted in the current transaction, in order. */
  get acceptedRecipients(): ReadonlyArray<string> {
    return this.recipients
  }

  /** False once the connection failed; a failed client must not be reused. */
  get usable(): boolean {
    return this.channel.failed === undefined
  }

  private async hello(): Promise<void> {
    const verb = this.options.protocol === "lmtp" ? "LHLO" : "EHLO"
    this.channel.command(`${verb} ${this.options.heloName ?? osHostname()}`)
    const reply = await this.expect(await this.channel.reply(this.t.greetingMs, verb), 2, verb)
    this.extensions.clear()
    for (const line of reply.lines.slice(1)) {
      const [keyword = "", ...rest] = line.trim().split(/\s+/)
      if (keyword !== "") this.extensions.set(keyword.toUpperCase(), rest.join(" "))
    }
  }

  private async maybeStartTls(): Promise<void> {
    const mode = this.options.tls ?? "none"
    if (mode === "none") return
    if (!this.extensions.has("STARTTLS")) {
      if (mode === "required")
        throw new DeliveryError("TlsFailed", "downstream does not offer STARTTLS (tls: required)")
      return
    }
    this.channel.command("STARTTLS")
    const reply = await this.channel.reply(this.t.greetingMs, "STARTTLS")
    if (reply.code !== 220)
      throw new DeliveryError(
        "TlsFailed",
        `downstream refused STARTTLS: ${reply.code} ${reply.text}`,
        plainReply(reply)
      )
    const plain = this.channel.release()
    const secure = await upgrade(plain, this.options, this.t.greetingMs)
    this.channel.swap(secure)
    this.secure = true
    // RFC 3207 §4.2: forget everything learnt before TLS and ask again.
    await this.hello()
  }

  /** True when the server offers PIPELINING (RFC 2920): a transaction's commands go out in one write. */
  get pipelining(): boolean {
    return this.extensions.has("PIPELINING")
  }

  /** True when `source` would go as one BDAT ... LAST (RFC 3030): SMTP, CHUNKING offered, held whole. */
  private chunks(source: MessageSource): source is Iterable<Uint8Array> {
    return this.options.protocol !== "lmtp" && this.extensions.has("CHUNKING") && isPlainIterable(source)
  }

  /** True between an accepted MAIL FROM and the end of the transaction (final reply, RSET). */
  get inTransaction(): boolean {
    return this.open
  }

  private mailLine(address: string, params: MailParams): string {
    let line = `MAIL FROM:<${address}>`
    if (params.size !== undefined && this.extensions.has("SIZE")) line += ` SIZE=${params.size}`
    if (params.eightBitMime === true && this.extensions.has("8BITMIME")) line += " BODY=8BITMIME"
    if (params.smtputf8 === true && this.extensions.has("SMTPUTF8")) line += " SMTPUTF8"
    return line
  }

  /** Starts a transaction; a refusal throws (`Rejected`, temporary for 4xx). */
  async mailFrom(address: string, params: MailParams = {}): Promise<void> {
    this.channel.command(this.mailLine(address, params))
    this.recipients = []
    const refused = this.refusal(await this.channel.reply(this.t.commandMs, "MAIL FROM"), 2, "MAIL FROM")
    if (refused !== undefined) throw refused
    this.open = true
  }

  /** Adds a recipient; the downstream's answer is returned, not thrown. */
  async rcptTo(recipient: string): Promise<RecipientResult> {
    this.channel.command(`RCPT TO:<${recipient}>`)
    return this.rcptAnswered(recipient, await this.channel.reply(this.t.commandMs, "RCPT TO"))
  }

  private rcptAnswered(recipient: string, parsed: ParsedReply): RecipientResult {
    const accepted = parsed.code >= 200 && parsed.code < 300
    if (accepted) this.recipients.push(recipient)
    return { recipient, accepted, reply: plainReply(parsed) }
  }

  /**
   * Starts a transaction for `recipients` (MAIL and the RCPTs in one write when pipelining) and
   * returns each RCPT's answer; a refused MAIL throws (`Rejected`, temporary for 4xx).
   */
  async begin(
    address: string,
    params: MailParams,
    recipients: ReadonlyArray<string>
  ): Promise<ReadonlyArray<RecipientResult>> {
    if (!this.pipelining) {
      await this.mailFrom(address, params)
      const results: Array<RecipientResult> = []
      for (const r of recipients) results.push(await this.rcptTo(r))
      return results
    }
    this.channel.commands([this.mailLine(address, params), ...recipients.map((r) => `RCPT TO:<${r}>`)])
    const group = await this.readGroup(recipients)
    if (group.refused !== undefined) throw group.refused
    return group.results
  }

  /**
   * Reads the replies to a pipelined MAIL and its RCPTs, in order. A refused MAIL is returned
   * (not thrown) once every reply of the group is read; a 421 throws at once (the connection is
   * gone). A transport failure throws.
   */
  private async readGroup(
    recipients: ReadonlyArray<string>
  ): Promise<{ readonly refused: DeliveryError | undefined; readonly results: Array<RecipientResult> }> {
    this.recipients = []
    const refused = this.refusal(await this.channel.reply(this.t.commandMs, "MAIL FROM"), 2, "MAIL FROM")
    if (refused !== undefined && this.channel.failed !== undefined) throw refused
    this.open = refused === undefined
    const results: Array<RecipientResult> = []
    for (const r of recipients)
      results.push(this.rcptAnswered(r, await this.channel.reply(this.t.commandMs, "RCPT TO")))
    // RCPTs after a refused MAIL cannot have been accepted, whatever a confused server said.
    if (refused !== undefined) this.recipients = []
    return { refused, results }
  }

  /**
   * Sends the message to the accepted recipients and returns one result per recipient: the same
   * reply for all in SMTP, each recipient's own reply in LMTP. Transport failures throw.
   */
  async data(source: MessageSource): Promise<ReadonlyArray<RecipientResult>> {
    if (this.recipients.length === 0) throw new DeliveryError("Protocol", "DATA without an accepted recipient")
    if (this.chunks(source)) return this.transfer(source)
    this.channel.command("DATA")
    const refused = this.refusal(await this.channel.reply(this.t.commandMs, "DATA"), 3, "DATA")
    if (refused !== undefined) throw refused
    return this.transfer(source)
  }

  /**
   * A whole transaction on this connection: MAIL, the RCPTs and DATA in one write when
   * pipelining, then the message to the accepted recipients. One result per recipient, in the
   * order given: its RCPT refusal, or the reply after the message. A refused MAIL throws.
   */
  async transaction(
    address: string,
    params: MailParams,
    recipients: ReadonlyArray<string>,
    source: MessageSource
  ): Promise<ReadonlyArray<RecipientResult>> {
    // With BDAT the content cannot wait behind a pipelined 354: MAIL and the RCPTs, then the chunk.
    if (!this.pipelining || this.chunks(source)) {
      const answered = await this.begin(address, params, recipients)
      return this.recipients.length === 0 ? answered : merge(answered, await this.data(source))
    }
    this.channel.commands([this.mailLine(address, params), ...recipients.map((r) => `RCPT TO:<${r}>`), "DATA"])
    const { refused, results } = await this.readGroup(recipients)
    const dataReply = await this.channel.reply(this.t.commandMs, "DATA")
    if (dataReply.code !== 354) {
      if (refused !== undefined) throw refused
      // RFC 2920 §3.1: with no accepted recipient the server refuses DATA; nothing was sent.
      if (this.recipients.length === 0) return results
      throw this.refusal(dataReply, 3, "DATA")!
    }
    if (refused !== undefined || this.recipients.length === 0) {
      this.channel.fail(new DeliveryError("Protocol", "downstream accepted DATA without an accepted recipient"))
      this.open = false
      this.recipients = []
      if (refused !== undefined) throw refused
      return results
    }
    return merge(results, await this.transfer(source))
  }

  /**
   * The message, then the final reply (one per recipient in LMTP): after the 354, or as one BDAT
   * ... LAST chunk. A refused chunk leaves the transaction open until an RSET.
   */
  private async transfer(source: MessageSource): Promise<ReadonlyArray<RecipientResult>> {
    const recipients = this.recipients
    this.recipients = []
    const options = { lmtp: this.options.protocol === "lmtp", blockMs: this.t.dataBlockMs, endMs: this.t.dataEndMs }
    const chunked = this.chunks(source)
    const results = chunked
      ? await sendChunked(this.channel, source, recipients, options)
      : await sendMessage(this.channel, source, recipients, options)
    this.open = chunked && results[0]?.accepted !== true
    return results
  }

  /** Ends the current transaction without sending (RSET). */
  async reset(): Promise<void> {
    this.channel.command("RSET")
    this.recipients = []
    await this.expect(await this.channel.reply(this.t.commandMs, "RSET"), 2, "RSET")
    this.open = false
  }

  /** Says QUIT (best effort, short wait) and closes. Never throws. */
  async quit(): Promise<void> {
    try {
      if (this.usable) {
        this.channel.command("QUIT")
        await this.channel.reply(Math.min(this.t.commandMs, 5000), "QUIT")
      }
    } catch {
      // The hand-off is already decided; a missing 221 changes nothing.
    } finally {
      this.close()
    }
  }

  close(): void {
    this.channel.close()
  }

  private async expect(reply: ParsedReply, cls: 2 | 3, what: string): Promise<ParsedReply> {
    const refused = this.refusal(reply, cls, what)
    if (refused !== undefined) throw refused
    return reply
  }

  /** The error for a reply of another class than `cls`; a 421 also fails the connection. */
  private refusal(reply: ParsedReply, cls: 2 | 3, what: string): DeliveryError | undefined {
    if (Math.floor(reply.code / 100) === cls) return undefined
    const error = new DeliveryError(
      "Rejected",
      `downstream refused ${what}: ${reply.code} ${reply.text}`,
      plainReply(reply)
    )
    if (reply.code === 421) this.channel.fail(error)
    return error
  }
}

/** The RCPT answers, with the reply after the message for each recipient that was accepted. */
const merge = (
  answered: ReadonlyArray<RecipientResult>,
  delivered: ReadonlyArray<RecipientResult>
): ReadonlyArray<RecipientResult> => {
  const final = new Map(delivered.map((r) => [r.recipient, r]))
  return answered.map((r) => (r.accepted ? (final.get(r.recipient) ?? r) : r))
}

/** One whole transaction on a fresh connection, closed afterwards. */
export const send = async (
  options: RelayOptions,
  envelope: { readonly mailFrom: string; readonly rcptTo: ReadonlyArray<string> } & MailParams,
  source: MessageSource
): Promise<ReadonlyArray<RecipientResult>> => {
  const client = await SmtpRelayClient.connect(options)
  try {
    return await client.transaction(envelope.mailFrom, envelope, envelope.rcptTo, source)
  } finally {
    await client.quit()
  }
}
