// Drives the pure Session.step the way the socket driver does, synchronously and without sockets:
// each input chunk is one client write (so `pipelined` is true only for bytes in the same chunk),
// requests are answered by `answer` (default: accept), STARTTLS "succeeds" at once.
import type { Envelope } from "@mailmoat/core"
import {
  concat,
  DataDecoder,
  HopCounter,
  initialState,
  Reply,
  Session,
  type SessionConfig,
  type SessionEvent,
  type SessionRequest,
  SmtpLineReader,
  type SmtpReply
} from "../../../src/smtp/index.ts"

export const baseConfig: SessionConfig = {
  hostname: "mx.test",
  banner: "ESMTP Mailmoat",
  maxMessageSize: 1000,
  maxRecipients: 3,
  maxBadCommands: 5,
  tlsAvailable: true,
  authAvailable: true,
  maxDataLineLength: 998,
  bareLineEndings: "normalise",
  maxCommands: 1000,
  maxTransactions: 50,
  maxHops: 100
}

export interface Simulation {
  readonly replies: Array<SmtpReply>
  readonly codes: Array<number>
  readonly wire: string
  readonly messages: Array<{ envelope: Envelope.Envelope; body: string }>
  readonly requests: Array<SessionRequest>
  readonly closed: boolean
  readonly aborted: number
}

export const simulate = (
  chunks: ReadonlyArray<string | Uint8Array>,
  options: {
    config?: Partial<SessionConfig>
    answer?: (request: SessionRequest) => SessionEvent | undefined
    connect?: SessionEvent
    /** Pretend the spool failed (ENOSPC) during DATA. */
    storeFailed?: boolean
  } = {}
): Simulation => {
  const config = { ...baseConfig, ...options.config }
  let state = initialState(config, {
    id: "t1",
    clientAddress: "::ffff:192.0.2.1",
    clientPort: 4000,
    localAddress: "127.0.0.1",
    localPort: 25
  })
  const replies: Array<SmtpReply> = []
  const messages: Simulation["messages"] = []
  const requests: Array<SessionRequest> = []
  let closed = false
  let aborted = 0
  let reader = new SmtpLineReader(512)
  let decoder: DataDecoder | undefined
  let hops = new HopCounter()
  let body: Array<Uint8Array> = []

  const apply = (ev: SessionEvent): void => {
    const next = Session.step(state, ev)
    state = next.state
    replies.push(...next.replies)
    if (next.aborted) aborted++
    if (next.close) {
      closed = true
      return
    }
    const req = next.request
    if (req === undefined) return
    requests.push(req)
    const custom = options.answer?.(req)
    switch (req._tag) {
      case "Connect":
        apply(custom ?? options.connect ?? { _tag: "ConnectAnswered", reply: undefined, earlyTalker: false })
        return
      case "ReceiveData":
        decoder = new DataDecoder(config.maxMessageSize)
        hops = new HopCounter()
        body = []
        return
      case "StartTls":
        reader = new SmtpLineReader(512)
        apply({ _tag: "TlsEstablished" })
        return
      case "Data":
        messages.push({ envelope: req.envelope, body: new TextDecoder().decode(concat(body)) })
        apply(custom ?? { _tag: "Answered", reply: Reply.make(250, "2.0.0", "Queued") })
        return
      case "Auth":
        apply(custom ?? { _tag: "AuthAnswered", result: { ok: req.request.password === "secret" } })
        return
      default:
        apply(custom ?? { _tag: "Answered", reply: undefined })
        return
    }
  }

  apply({ _tag: "Connected" })
  for (const chunk of chunks) {
    let input: Uint8Array | undefined = typeof chunk === "string" ? new TextEncoder().encode(chunk) : chunk
    while (input !== undefined && input.length > 0 && !closed) {
      if (decoder !== undefined) {
        const rest: Uint8Array | undefined = decoder.push(input, (b) => {
          hops.push(b)
          body.push(b.slice())
        })
        input = rest
        if (rest !== undefined) {
          const d = decoder
          decoder = undefined
          apply({ _tag: "DataEnded", stats: d.stats(), storeFailed: options.storeFailed ?? false, hops: hops.hops })
        }
        continue
      }
      reader.push(input)
      input = undefined
      for (;;) {
        if (closed || decoder !== undefined) break
        const ev = reader.next()
        if (ev === undefined) break
        if (ev._tag === "TooLong") {
          apply({ _tag: "LineTooLong" })
          break
        }
        apply({ _tag: "Line", line: ev.line, bareLf: ev.bareLf, pipelined: reader.hasPending(), at: 1000 })
      }
      if (decoder !== undefined && !closed) input = reader.takeRest()
    }
  }
  return {
    replies,
    codes: replies.map((r) => r.code),
    wire: replies.map(Reply.formatReply).join(""),
    messages,
    requests,
    closed,
    aborted
  }
}

/** Splits `bytes` at the given cut points (any values; clamped, sorted, deduplicated). */
export const splitAt = (bytes: Uint8Array, cuts: ReadonlyArray<number>): Array<Uint8Array> => {
  const points = [...new Set(cuts.map((c) => Math.min(Math.max(c, 0), bytes.length)))].sort((a, b) => a - b)
  const out: Array<Uint8Array> = []
  let prev = 0
  for (const p of [...points, bytes.length]) {
    out.push(bytes.subarray(prev, p))
    prev = p
  }
  return out
}

export const bytes = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff)
export const latin1 = (b: Uint8Array): string => Array.from(b, (x) => String.fromCharCode(x)).join("")
