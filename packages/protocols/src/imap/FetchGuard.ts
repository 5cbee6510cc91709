/**
 * Partial and section fetches through the scanning proxy. The whole-message scan sees `BODY[]`,
 * `RFC822` and `BINARY[]`; a client asking for `BODY.PEEK[]<0.1000>`, `BODY[1]` or `BODY[TEXT]`
 * would get content no scan saw. So, for a FETCH that reads content that way:
 *
 * 1. The command is held (with everything the client sends after it) until the commands sent
 *    before it are answered, so the proxy's own commands meet a quiet server.
 * 2. `<own> [UID] FETCH <the client's set> (UID RFC822.SIZE)` tells which messages the set names.
 * 3. `<own> UID FETCH <uids> (BODY.PEEK[])` fetches those not judged yet in this session (PEEK:
 *    `\Seen` is not set) and not over the scan limit; each is scanned as a full fetch would be.
 * 4. The client's command goes to the server. A response for a message the scan rewrote is held
 *    whole and its partial and section items are served from the rewritten message: offsets
 *    applied to what a full fetch gives, so pieces put together are the full fetch's bytes. A
 *    clean message's response passes untouched.
 *
 * Header-only items (`HEADER`, `HEADER.FIELDS`, `RFC822.HEADER`: a message list) fetch nothing of
 * their own; they are served from the rewritten message when this session judged it already,
 * found by the UID the response names first (UID FETCH, as Dovecot answers it) or, by sequence
 * number, through the numbers of the messages it rewrote, kept in step with the mailbox
 * (`SequenceNumbers`: EXPUNGE, EXISTS, VANISHED).
 *
 * **Gotchas**
 * - Numbered parts of a message whose body the rewrite changed (a threat replaced) are computed
 *   from the rewritten message (`MimeParts`); one it does not have is withheld (an empty string)
 *   and logged. A rewrite that changed the header alone (a spam tag) leaves every body part as
 *   the server has it.
 * - Messages held for scanning take room from the shared `ScanBudget`; when it is spent the
 *   client's command is answered `NO [UNAVAILABLE]` without reaching the server (nothing read,
 *   nothing lost: the client tries again).
 * - Sequence numbers of the client's command are those of the proxy's sizing fetch, just before;
 *   an `EXPUNGE` in between (allowed during UID FETCH) shifts them. A header-only FETCH by
 *   number finds the messages the session judged itself, as one by UID does (a message judged by
 *   a whole fetch alone, the connection's scan, is in neither).
 *
 * Size: ~420 lines, over the 250 aim: the four steps share one state; split, each would need it all.
 *
 * @category models
 * @since 0.1.0
 */
import type { ScanBudget } from "../proxy/ScanBudget.ts"
import type { FetchCommand } from "./FetchCommand.ts"
import { literalValue, parseFetchResponse, renderFetchResponse } from "./FetchResponse.ts"
import { partialOf, sameBody, sectionOf } from "./MessageSections.ts"
import { binarySection, partSection } from "./MimeParts.ts"
import { applyChange, sequenceChange } from "./SequenceNumbers.ts"
import { type Judged, SessionVerdicts } from "./SessionVerdicts.ts"

export interface GuardSink {
  /** Bytes for the client, at a response boundary. */
  client(bytes: Uint8Array): void
  /** A command line for the server. */
  server(bytes: Uint8Array): void
  /** Scan `content` (a whole message); `done` gets the outcome (undefined: not judged). */
  judge(content: Uint8Array, reserved: number, done: (rewritten: Uint8Array | undefined, failed: boolean) => void): void
  log(event: string, fields?: Record<string, string | number | boolean>): void
}

interface Held {
  readonly command: FetchCommand
  readonly line: Uint8Array
  stage: "waiting" | "sizing" | "fetching"
  ownTag: string
  /** seq -> uid, from the sizing fetch. */
  readonly seqs: Map<number, number>
  readonly sizes: Map<number, number>
  /** Verdicts this command is answered with (kept here: the session's store may forget). */
  readonly verdicts: Map<number, Judged>
  unavailable: boolean
}

interface Answering {
  readonly tag: string
  readonly seqs: Map<number, number>
  readonly verdicts: Map<number, Judged>
  /** Requested length by answered name (`BODY[]<0>` -> 1000). */
  readonly lengths: Map<string, number>
}

const ITEM = /^(BODY|BINARY)\[([^\]]*)\](?:<(\d+)>)?$/
const WHOLE = new Set(["RFC822", "BODY[]", "BINARY[]"])
const HEAD = /^\* (\d{1,10}) (FETCH \(|EXPUNGE)/i
/** Sequence numbers of rewritten messages kept at most (a mailbox's spam, not the mailbox). */
const MAX_REWRITTEN_SEQS = 10_000
const FIRST_UID = /^UID (\d{1,10})[ )]/i
const UID_SO_FAR = /^(?:U(?:I(?:D(?: \d{0,10})?)?)?)?$/i

/** `1,2,3,7` -> `1:3,7`. */
const uidSet = (uids: ReadonlyArray<number>): string => {
  const sorted = [...new Set(uids)].sort((a, b) => a - b)
  const parts: Array<string> = []
  for (let i = 0; i < sorted.length; ) {
    let j = i
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}:${sorted[j]}`)
    i = j + 1
  }
  return parts.join(",")
}

export class FetchGuard {
  private readonly store = new SessionVerdicts()
  /** seq -> uid of the messages the store holds rewritten (a header-only FETCH by number finds them). */
  private readonly rewritten = new Map<number, number>()
  /** seq -> uid of the messages being judged, until their verdict comes. */
  private readonly judging = new Map<number, number>()
  private held: Held | undefined
  private readonly answering: Array<Answering> = []
  private readonly outstanding = new Map<string, number>()
  private counter = 0
  private readonly prefix = `MM${Math.random().toString(36).slice(2, 8).toUpperCase()}`

  constructor(
    private readonly maxMessageBytes: number,
    private readonly budget: ScanBudget | undefined
  ) {}

  /** A client command line: `hold` when the proxy must fetch first. */
  command(tag: string, command: FetchCommand | undefined, line: Uint8Array): "hold" | "forward" {
    if (command?.items.some((i) => i.kind === "content")) {
      this.held = {
        command,
        line,
        stage: "waiting",
        ownTag: "",
        seqs: new Map(),
        sizes: new Map(),
        verdicts: new Map(),
        unavailable: false
      }
      return "hold"
    }
    this.sent(tag)
    if (command?.items.some((i) => i.kind === "header"))
      this.answering.push({ tag, seqs: new Map(), verdicts: new Map(), lengths: lengthsOf(command) })
    return "forward"
  }

  /** The held command may start once nothing sent before it is unanswered. */
  start(sink: GuardSink): void {
    const h = this.held
    if (h === undefined || h.stage !== "waiting" || this.outstanding.size > 0) return
    h.stage = "sizing"
    h.ownTag = `${this.prefix}${++this.counter}`
    const verb = h.command.uid ? "UID FETCH" : "FETCH"
    sink.server(Buffer.from(`${h.ownTag} ${verb} ${h.command.set} (UID RFC822.SIZE)\r\n`, "latin1"))
  }

  /** Whether responses must be looked at (a command held or being answered). */
  get active(): boolean {
    return this.held !== undefined || this.answering.length > 0
  }

  /** While the proxy's own command runs, every response is held whole and read here. */
  get owning(): boolean {
    return this.held !== undefined && this.held.stage !== "waiting"
  }

  /**
   * How a response starting with `head` is handled: held whole (`hold`), passed as it comes
   * (`stream`), or not known yet (`undecided`: more bytes are needed).
   */
  mode(head: string): "hold" | "stream" | "undecided" {
    if (this.owning) return "hold"
    const context = this.answering[0]
    if (context === undefined) return "stream"
    const ended = head.includes("\n") || head.length >= 64
    const m = HEAD.exec(head)
    if (m === null) return ended || head.length >= 32 ? "stream" : "undecided"
    if (m[2]!.toUpperCase() === "EXPUNGE") return "stream"
    const rest = head.slice(m[0].length)
    const u = FIRST_UID.exec(rest)
    // `UID 7` may still be `UID 71`: wait for what ends the number.
    if (u === null && UID_SO_FAR.test(rest) && !ended) return "undecided"
    const seq = Number(m[1])
    const uid = u !== null ? Number(u[1]) : (context.seqs.get(seq) ?? this.rewritten.get(seq))
    return uid !== undefined && this.verdictOf(context, uid)?.kind === "rewrite" ? "hold" : "stream"
  }

  /** A message literal of `size` in a held response of the proxy's own fetch: keep it? */
  keepOwnMessage(size: number): boolean {
    if (this.held?.stage !== "fetching") return false
    if (this.budget !== undefined && !this.budget.tryReserve(size)) {
      this.held.unavailable = true
      return false
    }
    return true
  }

  /**
   * A response ended: `head` its first bytes, `raw` all of them when it was held, `kept` the
   * budget reserved for the message it carries.
   */
  responseEnd(
    response: { readonly tag: string; readonly status: string; readonly head: string },
    raw: Uint8Array | undefined,
    kept: number,
    sink: GuardSink
  ): void {
    const { tag, status, head } = response
    const h = this.held
    if (h !== undefined && h.stage !== "waiting") {
      if (tag === h.ownTag) this.ownDone(h, status, sink)
      else if (raw !== undefined) this.ownUntagged(h, raw, head, kept, sink)
      return
    }
    if (raw !== undefined) {
      const context = this.answering[0]
      sink.client(context === undefined ? raw : this.serve(context, raw, sink))
    }
    if (tag === "*") {
      this.sequencesMoved(head)
      return
    }
    const n = this.outstanding.get(tag)
    if (n !== undefined) {
      if (n <= 1) this.outstanding.delete(tag)
      else this.outstanding.set(tag, n - 1)
    }
    const i = this.answering.findIndex((a) => a.tag === tag)
    if (i !== -1) this.answering.splice(i, 1)
    this.start(sink)
  }

  /** `[UIDVALIDITY n]` came: another mailbox (or the same anew) is selected. */
  mailboxSelected(): void {
    this.store.clear()
    this.rewritten.clear()
    this.judging.clear()
  }

  /** The held command goes to the server (or is refused when the budget was spent). */
  private release(h: Held, sink: GuardSink): void {
    this.held = undefined
    if (h.unavailable) {
      sink.log("scan_budget_exhausted", { tag: h.command.tag })
      sink.client(
        Buffer.from(`${h.command.tag} NO [UNAVAILABLE] The scanning proxy is busy; try again shortly\r\n`, "latin1")
      )
      return
    }
    this.sent(h.command.tag)
    this.answering.push({ tag: h.command.tag, seqs: h.seqs, verdicts: h.verdicts, lengths: lengthsOf(h.command) })
    sink.server(h.line)
  }

  /** Whether the held command was released by the last `responseEnd` (the client may be read). */
  get released(): boolean {
    return this.held === undefined
  }

  private sent(tag: string): void {
    this.outstanding.set(tag, (this.outstanding.get(tag) ?? 0) + 1)
  }

  private ownDone(h: Held, status: string, sink: GuardSink): void {
    if (status !== "OK") sink.log("partial_fetch_unguarded", { tag: h.command.tag, status })
    if (h.stage === "fetching" || status !== "OK") {
      this.release(h, sink)
      return
    }
    const wanted: Array<number> = []
    for (const [seq, uid] of h.seqs) {
      const known = this.store.get(uid)
      if (known !== undefined) {
        h.verdicts.set(uid, known)
        if (known.kind === "rewrite") this.remember(seq, uid)
        continue
      }
      const size = h.sizes.get(seq) ?? 0
      if (size > this.maxMessageBytes) {
        sink.log("message_too_large_unscanned", { size, uid })
        this.store.set(uid, { kind: "pass" })
      } else wanted.push(uid)
    }
    if (wanted.length === 0) {
      this.release(h, sink)
      return
    }
    h.stage = "fetching"
    h.ownTag = `${this.prefix}${++this.counter}`
    sink.server(Buffer.from(`${h.ownTag} UID FETCH ${uidSet(wanted)} (BODY.PEEK[])\r\n`, "latin1"))
  }

  /** An untagged response while the proxy's own command runs: ours, or the client's. */
  private ownUntagged(h: Held, raw: Uint8Array, head: string, kept: number, sink: GuardSink): void {
    const parsed = parseFetchResponse(raw)
    const own = h.stage === "sizing" ? "RFC822.SIZE" : "BODY[]"
    const at = parsed?.items.findIndex((i) => i.name === own) ?? -1
    if (parsed === undefined || at === -1) {
      if (kept > 0) this.budget?.release(kept)
      this.sequencesMoved(head)
      sink.client(raw)
      return
    }
    const uidItem = parsed.items.find((i) => i.name === "UID")
    const uid = uidItem === undefined ? undefined : Number(latin1(raw.subarray(uidItem.valueStart, uidItem.valueEnd)))
    const value = parsed.items[at]!
    if (uid !== undefined && Number.isSafeInteger(uid)) {
      if (h.stage === "sizing") {
        h.seqs.set(parsed.seq, uid)
        h.sizes.set(parsed.seq, Number(latin1(raw.subarray(value.valueStart, value.valueEnd))))
      } else if (value.literal !== undefined && kept > 0) {
        const original = raw.slice(value.literal.start, value.literal.end)
        // Its number now; responses read before the verdict comes may move it.
        this.judging.set(parsed.seq, uid)
        sink.judge(original, kept, (rewritten, failed) => {
          const seq = this.judged(uid)
          if (failed) return
          const judged: Judged =
            rewritten === undefined
              ? { kind: "pass" }
              : { kind: "rewrite", bytes: rewritten, sameBody: sameBody(original, rewritten) }
          h.verdicts.set(uid, judged)
          if (this.store.set(uid, judged) && judged.kind === "rewrite" && seq !== undefined) this.remember(seq, uid)
        })
      } else if (kept > 0) this.budget?.release(kept)
    }
    // Anything else the server put in the same response (a flag change) is the client's.
    const ours = new Set(["UID", "RFC822.SIZE", "BODY[]", "MODSEQ"])
    const rest = parsed.items.map((item, i) => (ours.has(item.name) ? i : -1)).filter((i) => i !== -1)
    if (rest.length < parsed.items.length)
      sink.client(Buffer.concat(renderFetchResponse(raw, parsed, new Map(), new Set(rest))))
  }

  /** An untagged response that may move sequence numbers (`SequenceNumbers`). */
  private sequencesMoved(head: string): void {
    const idle = this.answering.length === 0 && this.held === undefined
    if (idle && this.rewritten.size === 0 && this.judging.size === 0) return
    const change = sequenceChange(head)
    if (change === undefined) return
    const maps = new Set([this.rewritten, this.judging, ...this.answering.map((a) => a.seqs)])
    if (this.held !== undefined) maps.add(this.held.seqs)
    for (const seqs of maps) applyChange(seqs, change)
  }

  /** `uid`'s verdict came: its sequence number now, no longer watched as one being judged. */
  private judged(uid: number): number | undefined {
    for (const [seq, judging] of this.judging)
      if (judging === uid) {
        this.judging.delete(seq)
        return seq
      }
    return undefined
  }

  /** Message `seq` is `uid`, which the store holds rewritten. */
  private remember(seq: number, uid: number): void {
    if (this.rewritten.size < MAX_REWRITTEN_SEQS || this.rewritten.has(seq)) this.rewritten.set(seq, uid)
  }

  private verdictOf(context: Answering, uid: number): Judged | undefined {
    return context.verdicts.get(uid) ?? this.store.get(uid)
  }

  /** A held response for a message the scan rewrote: its items from the rewritten message. */
  private serve(context: Answering, raw: Uint8Array, sink: GuardSink): Uint8Array {
    const parsed = parseFetchResponse(raw)
    if (parsed === undefined) {
      sink.log("fetch_response_unparsed", { size: raw.length })
      return raw
    }
    const uidItem = parsed.items.find((i) => i.name === "UID")
    const uid =
      uidItem !== undefined
        ? Number(latin1(raw.subarray(uidItem.valueStart, uidItem.valueEnd)))
        : (context.seqs.get(parsed.seq) ?? this.rewritten.get(parsed.seq))
    const judged = uid === undefined ? undefined : this.verdictOf(context, uid)
    if (judged?.kind !== "rewrite") return raw
    if (uidItem !== undefined) this.remember(parsed.seq, uid!)
    const replace = new Map<number, Array<Uint8Array>>()
    parsed.items.forEach((item, i) => {
      // The size a client reads the message in pieces by is the rewritten message's.
      if (item.name === "RFC822.SIZE") {
        replace.set(i, [Buffer.from(String(judged.bytes.length), "latin1")])
        return
      }
      const content = this.itemContent(context, judged, item.name, item.literal)
      if (content === "keep") return
      if (content === "withheld") sink.log("section_withheld", { uid: uid!, item: item.name })
      replace.set(i, literalValue(item.name, content === "withheld" ? new Uint8Array(0) : content))
    })
    if (replace.size > 0) sink.log("section_rewritten", { uid: uid!, items: replace.size })
    return Buffer.concat(renderFetchResponse(raw, parsed, replace))
  }

  private itemContent(
    context: Answering,
    judged: Extract<Judged, { kind: "rewrite" }>,
    name: string,
    literal: { start: number; end: number } | undefined
  ): Uint8Array | "keep" | "withheld" {
    const r = judged.bytes
    if (WHOLE.has(name)) return r
    if (name === "RFC822.HEADER") return sectionOf(r, "HEADER")!
    if (name === "RFC822.TEXT") return sectionOf(r, "TEXT")!
    const m = ITEM.exec(name)
    if (m === null) return "keep"
    const section = m[2]!
    // A rewrite that changed the header alone (a tag) leaves every part as the server has it.
    if (/^[1-9]/.test(section) && judged.sameBody) return "keep"
    const content =
      m[1] === "BINARY"
        ? section === ""
          ? r
          : binarySection(r, section)
        : (sectionOf(r, section) ?? partSection(r, section))
    if (content === undefined) return "withheld"
    if (m[3] === undefined) return content
    const length = context.lengths.get(name) ?? (literal === undefined ? 0 : literal.end - literal.start)
    return partialOf(content, Number(m[3]), length)
  }
}

const lengthsOf = (command: FetchCommand): Map<string, number> =>
  new Map(command.items.flatMap((i) => (i.partial === undefined ? [] : [[i.name, i.partial.length] as const])))

const latin1 = (b: Uint8Array): string => Buffer.from(b).toString("latin1")
