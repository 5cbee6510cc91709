/**
 * Adds `COMPRESS=DEFLATE` to the capabilities the server announces once the session is
 * authenticated, since the proxy serves COMPRESS itself (RFC 4978) whether or not the server
 * offers it: in `* CAPABILITY ...` responses and in `[CAPABILITY ...]` response codes (a
 * `* PREAUTH` greeting, the tagged OK of LOGIN or AUTHENTICATE). A list that names it already
 * (any case) is left as it is, so it is never there twice. Before authentication nothing is
 * added: the proxy refuses COMPRESS there, as the RFC has it.
 *
 * Only the start of each response is looked at: a response that is none of these passes at once
 * (a FETCH after its first few bytes); one that is, is held to its end (a line; at most
 * `MAX_HELD` bytes, past which it passes unchanged) and then written with the capability added
 * when the session is authenticated at that point (the response that authenticates it included).
 * A list that comes while a login awaits its answer waits for the end of the next response (the
 * login's answer, as Dovecot sends them), so that answer decides it.
 *
 * @category models
 * @since 0.1.0
 */
const MAX_HELD = 16_384
/** `[CAPABILITY ` is looked for this far into a response at most (a tag is short). */
const MAX_HEAD = 160
const CODE = "[CAPABILITY "
const STATUS = new Set(["OK", "NO", "BAD", "PREAUTH", "BYE"])
const ADVERTISED = /(?:^| )COMPRESS=DEFLATE(?: |$)/i

/** `list`: `* CAPABILITY ...`; `code`: a status response with `[CAPABILITY ...]`. */
type Verdict = "list" | "code" | "other" | "undecided"

/** Whether a response starting with `head` carries a capability list. */
const classify = (head: string): Verdict => {
  const lineEnded = head.includes("\n")
  const sp1 = head.indexOf(" ")
  if (sp1 === -1) return lineEnded || head.length >= MAX_HEAD ? "other" : "undecided"
  const sp2 = head.indexOf(" ", sp1 + 1)
  if (sp2 === -1) return lineEnded || head.length - sp1 > 12 ? "other" : "undecided"
  const word = head.slice(sp1 + 1, sp2).toUpperCase()
  if (head.startsWith("* ") && word === "CAPABILITY") return "list"
  if (!STATUS.has(word)) return "other"
  const code = head.slice(sp2 + 1, sp2 + 1 + CODE.length)
  if (code.length < CODE.length && !lineEnded && head.length < MAX_HEAD) return "undecided"
  return code.toUpperCase() === CODE ? "code" : "other"
}

/** `response` (a whole capability-bearing response) with `COMPRESS=DEFLATE` in its list. */
export const withCompress = (response: string): string => {
  const upper = response.toUpperCase()
  const code = upper.indexOf(CODE)
  const start = code !== -1 ? code + CODE.length : upper.indexOf("CAPABILITY ") + "CAPABILITY ".length
  const close = code !== -1 ? response.indexOf("]", start) : -1
  const lf = response.indexOf("\n", start)
  const end = close !== -1 ? close : lf === -1 ? response.length : lf > 0 && response[lf - 1] === "\r" ? lf - 1 : lf
  const list = response.slice(start, end).trimEnd()
  if (ADVERTISED.test(list.trim())) return response
  return `${response.slice(0, start)}${list}${list.trim() === "" ? "" : " "}COMPRESS=DEFLATE${response.slice(end)}`
}

export class CapabilityAdvert {
  private state: "start" | "list" | "code" | "pass" = "start"
  private held: Array<Uint8Array> = []
  private heldBytes = 0
  private head = ""
  /** A capability list that came while a login awaited its answer, held until the next response ends. */
  private deferred: Array<Uint8Array> | undefined

  /** Bytes of the current server response; what may go on is passed to `emit`. */
  bytes(bytes: Uint8Array, emit: (b: Uint8Array) => void): void {
    if (this.state === "pass" && this.deferred === undefined) {
      emit(bytes)
      return
    }
    this.held.push(bytes)
    this.heldBytes += bytes.length
    if (this.state === "start") {
      if (this.head.length < MAX_HEAD)
        this.head += Buffer.from(bytes.subarray(0, MAX_HEAD - this.head.length)).toString("latin1")
      const verdict = classify(this.head)
      if (verdict === "undecided") return
      this.state = verdict === "other" ? "pass" : verdict
      if (this.state === "pass" && this.deferred === undefined) {
        this.flush(emit)
        return
      }
    }
    if (this.heldBytes > MAX_HELD) this.flush(emit)
  }

  /**
   * The response ended: what was held, with the capability added when `authenticated`. A
   * `* CAPABILITY` that comes while a login awaits its answer (`loginPending`; Dovecot sends the new list
   * untagged just before the login's OK) is decided once the next response has ended.
   */
  responseEnd(authenticated: boolean, loginPending: boolean, emit: (b: Uint8Array) => void): void {
    const advert = this.state === "list" || this.state === "code"
    const list = this.state === "list"
    const response = this.held
    this.held = []
    this.heldBytes = 0
    this.state = "start"
    this.head = ""
    const earlier = this.deferred
    this.deferred = undefined
    if (earlier !== undefined) this.emitList(earlier, authenticated, emit)
    if (list && !authenticated && loginPending && earlier === undefined) this.deferred = response
    else if (advert) this.emitList(response, authenticated, emit)
    else for (const b of response) emit(b)
  }

  /** Passes on whatever is held as it is (before a message literal, or when the server ends). */
  flush(emit: (b: Uint8Array) => void): void {
    for (const b of this.deferred ?? []) emit(b)
    this.deferred = undefined
    for (const b of this.held) emit(b)
    this.held = []
    this.heldBytes = 0
    // The rest of this response passes as it comes (`responseEnd` starts the next one afresh).
    this.state = "pass"
  }

  private emitList(response: ReadonlyArray<Uint8Array>, authenticated: boolean, emit: (b: Uint8Array) => void): void {
    if (!authenticated) for (const b of response) emit(b)
    else emit(Buffer.from(withCompress(Buffer.concat(response).toString("latin1")), "latin1"))
  }
}
