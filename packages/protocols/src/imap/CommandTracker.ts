/**
 * Follows the IMAP client-to-server stream command by command, so the proxy knows where each
 * command starts (never mistaking literal octets, e.g. an APPENDed message, for a command) and can
 * act on the few commands that change the transport: STARTTLS and COMPRESS.
 *
 * - Command lines are held until their LF (bounded by `maxLineLength`; a longer line is passed on
 *   in pieces and is then never a command we act on). Literal octets are streamed through.
 * - `STARTTLS`: the bytes up to and including the command are forwarded, everything after it in
 *   the same read (and until the handshake) is discarded — CVE-2011-0411 class injection.
 * - `COMPRESS DEFLATE` (RFC 4978) is served by the proxy on the client's leg only (the proxy
 *   must read the server's stream): the server gets `<tag> NOOP`, whose tagged answer is replaced
 *   by `<tag> OK DEFLATE active`, and the connection compresses from there on (`compress`). Bytes
 *   the client sent after the command in the same read are discarded, as after STARTTLS. Another
 *   algorithm gets BAD, a second COMPRESS `NO [COMPRESSIONACTIVE]`, and STARTTLS once compressed
 *   BAD (TLS cannot go under a compression layer that is already running). COMPRESS belongs to
 *   the authenticated and selected states (RFC 4978's grammar adds it to `command-auth`): before
 *   the server accepted a LOGIN or AUTHENTICATE (or greeted with PREAUTH) it gets BAD, the RFC's
 *   result for a command that is invalid there; an accepted UNAUTHENTICATE (RFC 8437) goes back.
 * - Synchronising literals (`{n}`): the client sends the octets only after the server's `+`. If the
 *   server answers the command with a tagged response instead, the literal is cancelled
 *   (`serverResponse`), so the next line is read as a command again.
 * - Literal limits (LiteralLimit.ts): a command whose first line announces a bad or too big
 *   synchronising literal is not forwarded; the server gets `<tag> NOOP` instead, and
 *   `takeRefusals` hands the session the reply that must replace the server's answer to that
 *   tag, so the refusal reaches the client in order. A bad or too big literal later in a command
 *   (the server already has its start) or a too big `{n+}` closes the connection.
 *
 * @category models
 * @since 0.1.0
 */
import { HeldLine } from "../proxy/HeldLine.ts"
import type { ClientStep } from "../proxy/ProxySession.ts"
import { checkLiteral } from "./LiteralLimit.ts"

type ClientAction = ClientStep["action"]

/** A tracker step; on `hold`, `rest` is what the client sent after the held command. */
export type TrackerStep = ClientStep & { readonly rest?: Uint8Array }

/**
 * Told of every command line (its first line); `hold` keeps a literal-free line from the server
 * (the tracker stops there; the caller forwards it later).
 */
export type CommandHook = (tag: string, line: Uint8Array, hasLiteral: boolean) => "hold" | "forward"

const LF = 0x0a
/** Login commands whose answers are awaited at once; a client pipelining more is misbehaving. */
const MAX_PENDING_LOGINS = 16
const COMMAND = /^([^ \r\n]+) ([A-Za-z0-9-]+)(?: ([^\r\n]*))?\r?\n$/

export class ImapCommandTracker {
  private readonly held: HeldLine
  private literalLeft = 0
  private literalSync = false
  private literalStarted = false
  private tag = ""
  private continued = false
  private refusals: Array<{ readonly tag: string; readonly reply: string }> = []
  private closeReason: string | undefined
  private compressed = false
  /** Whether the server accepted a login (`authenticated`), by what it answered. */
  private loggedIn = false
  /** Tags of LOGIN / AUTHENTICATE (true) and UNAUTHENTICATE (false) waiting for their answer. */
  private readonly logins = new Map<string, boolean>()
  /** See `CommandHook`. */
  commandHook: CommandHook | undefined

  /**
   * @param startTls whether the proxy can serve STARTTLS; when not, the command is forwarded under
   *   a name the server rejects, so the client gets a NO/BAD and stays in plaintext knowingly.
   */
  constructor(
    maxLineLength = 65_536,
    private readonly startTls = true,
    /** Largest client literal passed to the server. */
    private readonly maxLiteralBytes = Number.POSITIVE_INFINITY
  ) {
    this.held = new HeldLine(maxLineLength)
  }

  push(chunk: Uint8Array): TrackerStep {
    const forward: Array<Uint8Array> = []
    let pos = 0
    while (pos < chunk.length) {
      if (this.literalLeft > 0) {
        const take = Math.min(this.literalLeft, chunk.length - pos)
        forward.push(chunk.subarray(pos, pos + take))
        this.literalLeft -= take
        this.literalStarted = true
        pos += take
        continue
      }
      const lf = chunk.indexOf(LF, pos)
      const end = lf === -1 ? chunk.length : lf + 1
      this.held.append(chunk.subarray(pos, end), forward)
      pos = end
      if (lf === -1) break
      const action = this.lineDone(forward)
      if (action === "hold") return { forward, action, discarded: 0, rest: chunk.subarray(pos) }
      if (action === "starttls" || action === "compress") return { forward, action, discarded: chunk.length - pos }
      if (this.closeReason !== undefined)
        return { forward, action: "close", reason: this.closeReason, discarded: chunk.length - pos }
    }
    return { forward, action: "none", discarded: 0 }
  }

  /**
   * The server finished a response: a tagged answer to a command waiting on `+` cancels its
   * literal, and an answer to a login command (or a PREAUTH greeting) changes `authenticated`.
   */
  serverResponse(tag: string, status = ""): void {
    if (this.literalLeft > 0 && this.literalSync && !this.literalStarted && tag === this.tag) {
      this.literalLeft = 0
      this.continued = false
    }
    if (tag === "*" && status === "PREAUTH") this.loggedIn = true
    const login = this.logins.get(tag)
    if (login === undefined) return
    this.logins.delete(tag)
    if (status === "OK") this.loggedIn = login
  }

  /** True once the server accepted a login (the authenticated or selected state). */
  get authenticated(): boolean {
    return this.loggedIn
  }

  /** True while a LOGIN or AUTHENTICATE awaits the server's answer. */
  get loginPending(): boolean {
    for (const login of this.logins.values()) if (login) return true
    return false
  }

  /** End of stream: an unfinished command line that was being held. */
  flush(): Uint8Array {
    return this.held.flush()
  }

  /** Commands refused here (replaced by NOOP upstream): the reply each tag must get instead. */
  takeRefusals(): Array<{ readonly tag: string; readonly reply: string }> {
    return this.refusals.splice(0)
  }

  /** Tag of the command being read (or last read). */
  currentTag(): string {
    return this.tag
  }

  /** Starts over (after a TLS upgrade the command stream is new). */
  reset(): void {
    this.held.reset()
    this.literalLeft = 0
    this.continued = false
  }

  private lineDone(forward: Array<Uint8Array>): ClientAction {
    const { line, overlong: wasOverlong } = this.held.take()
    const check = wasOverlong ? ({ _tag: "none" } as const) : checkLiteral(line, this.maxLiteralBytes)
    const marker = check._tag === "ok" ? check.marker : undefined
    const first = !this.continued
    if (check._tag !== "none" && check._tag !== "ok") return this.refuse(check, first, line, forward)
    if (marker !== undefined) {
      this.continued = true
      this.literalLeft = marker.size
      this.literalSync = !marker.nonSync
      this.literalStarted = false
    } else {
      this.continued = false
    }
    if (wasOverlong) return "none"
    const m = first ? COMMAND.exec(Buffer.from(line).toString("latin1")) : null
    if (first) this.tag = m?.[1] ?? ""
    if (m !== null) this.noteLogin(m[1]!, m[2]!.toUpperCase())
    if (m !== null && this.commandHook?.(m[1]!, line, marker !== undefined) === "hold") return "hold"
    if (m === null || marker !== undefined) {
      forward.push(line)
      return "none"
    }
    const verb = m[2]!.toUpperCase()
    if (verb === "COMPRESS") return this.compress(m[1]!, m[3], forward)
    if (verb === "STARTTLS" && this.compressed) {
      this.answerHere(m[1]!, "BAD STARTTLS is not allowed once COMPRESS is active", forward)
      return "none"
    }
    if (verb === "STARTTLS" && !this.startTls) {
      forward.push(Buffer.from(`${m[1]} X-MAILMOAT-STARTTLS-UNAVAILABLE\r\n`, "latin1"))
      return "none"
    }
    forward.push(line)
    return verb === "STARTTLS" && m[3] === undefined ? "starttls" : "none"
  }

  /** A command that changes the state by its answer (`serverResponse`); a few are pending at most. */
  private noteLogin(tag: string, verb: string): void {
    const login = verb === "LOGIN" || verb === "AUTHENTICATE" ? true : verb === "UNAUTHENTICATE" ? false : undefined
    if (login === undefined) return
    if (this.logins.size >= MAX_PENDING_LOGINS) this.logins.delete(this.logins.keys().next().value!)
    this.logins.set(tag, login)
  }

  /** `COMPRESS <mechanism>`: DEFLATE is served here; anything else is answered here. */
  private compress(tag: string, args: string | undefined, forward: Array<Uint8Array>): ClientAction {
    if (this.compressed) {
      this.answerHere(tag, "NO [COMPRESSIONACTIVE] DEFLATE is already active", forward)
      return "none"
    }
    if (!this.loggedIn) {
      this.answerHere(tag, "BAD Command invalid in this state: COMPRESS is valid once authenticated", forward)
      return "none"
    }
    if (args === undefined || args.toUpperCase() !== "DEFLATE") {
      this.answerHere(tag, "BAD Unsupported compression mechanism (DEFLATE is)", forward)
      return "none"
    }
    this.compressed = true
    this.answerHere(tag, "OK DEFLATE active", forward)
    return "compress"
  }

  /** The server gets `<tag> NOOP`; the answer to `tag` is replaced by `<tag> <reply>`, in order. */
  private answerHere(tag: string, reply: string, forward: Array<Uint8Array>): void {
    forward.push(Buffer.from(`${tag} NOOP\r\n`, "latin1"))
    this.refusals.push({ tag, reply: `${tag} ${reply}\r\n` })
  }

  private refuse(
    check: Exclude<ReturnType<typeof checkLiteral>, { _tag: "none" | "ok" }>,
    first: boolean,
    line: Uint8Array,
    forward: Array<Uint8Array>
  ): ClientAction {
    this.continued = false
    const tag = first ? COMMAND.exec(Buffer.from(line).toString("latin1"))?.[1] : undefined
    if (check._tag === "close" || tag === undefined) {
      this.closeReason =
        check._tag === "bad"
          ? check.text
          : `literal of ${check.size} octets is over this proxy's limit of ${this.maxLiteralBytes}${check._tag === "close" ? " (non-synchronising, cannot be refused)" : ""}`
      return "none"
    }
    this.tag = tag
    this.answerHere(
      tag,
      check._tag === "bad"
        ? `BAD ${check.text}`
        : `NO [TOOBIG] literal of ${check.size} octets is over this proxy's limit of ${this.maxLiteralBytes}`,
      forward
    )
    return "none"
  }
}
