/**
 * Drives one SMTP session over a socket: turns bytes, timers and handler promises into events for
 * the pure `Session.step`, and performs the requests it returns.
 *
 * **Gotchas**
 * - Backpressure: the socket is paused while a chunk's processing waits (handler calls, spool
 *   writes, output room) and resumed afterwards; a chunk answered at once is fed in a microtask,
 *   before the socket's next read, without a pause. The next command is not read before the
 *   previous one is answered. Lines are handled strictly one at a time. Output counts too: while
 *   more than `maxPendingOutput` bytes of replies wait to be sent (a client that pipelines and
 *   never reads), no further line is run and the socket stays paused until it drains; a client
 *   that does not read for `idleTimeoutMs` is disconnected. Memory per session stays bounded
 *   whatever it sends.
 * - Fairness: after every `LINES_PER_TURN` pipelined lines the session yields to the event loop,
 *   so a client pipelining thousands of commands per read does not delay everybody else.
 * - Replies are coalesced (RFC 2920 §3.2): while the lines of one read are being run their replies
 *   collect in `pending` and go out in one write when the batch is done (the session then waits
 *   for input), at every fairness turn, before DATA's content is read (354), before the TLS
 *   handshake (220) and before a close. A client that waits for each reply gets each at once: its
 *   read holds one line.
 * - Lifetime: `maxSessionMs` after the connect the session gets 421 4.4.2 at the next event.
 * - Stress: while the listener is nearly full (`stressed()`), idle timers are armed with
 *   `stressIdleTimeoutMs` instead, so silent clients give their slots back quickly.
 * - `whenFinished` fires as soon as the closing reply (221, 421, ...) has been written, before the
 *   client has closed its end: the listener frees the connection slot there.
 * - Early talker: bytes that arrive before our greeting are dropped and turn the greeting into
 *   554 + close (`greetingDelayMs` gives a client time to betray itself, as postscreen does).
 * - STARTTLS: the plaintext 'data' listener is removed and every buffered plaintext byte discarded
 *   in the same tick as the 220 is written, before `new tls.TLSSocket(...)` takes over the handle
 *   (CVE-2011-0411). The handshake has its own timeout (CVE-2014-3430 style stalls).
 * - Idle timeout: re-armed by complete command lines and by DATA chunks, not by single bytes, so a
 *   client trickling one byte at a time into a command still times out (slowloris). It does not
 *   run while a handler call is in flight: handler calls have their own deadlines (451 4.3.0).
 * - After a closing reply the socket is half-closed (`end`) and further input is read and thrown
 *   away, so the client can read our reply; it is destroyed after `CLOSE_GRACE_MS`, or as soon as
 *   more than `MAX_DISCARD_AFTER_CLOSE` bytes arrive (a flooding client gets no free CPU).
 * - QUIT with nothing pipelined behind it: the client has nothing more to say, so the socket is
 *   closed as soon as the 221 and our FIN are written, without waiting for the client's FIN. A
 *   client that closes without reading the 221 (Postfix smtp-source) would otherwise answer our
 *   late reply with RST and send every session through the socket error path. Bytes behind QUIT
 *   (in the same read, or already buffered) keep the half-closed path above: closing a socket
 *   with unread input makes the kernel send RST, which can destroy the 221 before the client
 *   reads it. Input that arrives only after the close meets the same RST; a client that
 *   pipelines after QUIT has no claim to a reply.
 * - A handler that outlives its deadline keeps running (promises cannot be cancelled); its late
 *   answer is ignored and the spool it was given is disposed once the 451 has been sent.
 *
 * Size: ~640 lines with comments, over the 250 aim because request dispatch, TLS upgrade, output back-pressure
 * and timers share the same small amount of mutable connection state; splitting them would spread
 * that state around. The pieces without that state live beside it (`OutputGate`, `HopCounter`,
 * `FreeSpace`, `AuthLimiter`, `ConnectionOptions`).
 *
 * @category models
 * @since 0.1.0
 */
import type * as net from "node:net"
import * as tls from "node:tls"
import { closeDone, destroyAfter } from "./CloseGrace.ts"
import type { ConnectionOptions } from "./ConnectionOptions.ts"
import { DataDecoder } from "./DataDecoder.ts"
import { afterReadyInput } from "./DataPhaseStart.ts"
import { roomForMail } from "./FreeSpace.ts"
import type { Envelope } from "@mailmoat/core"
import { type Answer, isPending } from "./Answer.ts"
import type { AuthRequest, SmtpReply, SmtpSessionInfo, Spool } from "./Handler.ts"
import { SmtpLineReader } from "./LineReader.ts"
import { HopCounter } from "./HopCounter.ts"
import { formatLogLine } from "./LogLine.ts"
import { outputRoom } from "./OutputGate.ts"
import { Common, formatReply } from "./Reply.ts"
import * as Session from "./Session.ts"
import {
  type ConnectionFacts,
  initial,
  type SessionEvent,
  type SessionRequest,
  type SessionState,
  sessionInfo
} from "./SessionState.ts"
import { SpoolWriter } from "./SpoolWriter.ts"
import { TaskQueue } from "./TaskQueue.ts"

export type { ConnectionOptions } from "./ConnectionOptions.ts"

const CLOSE_GRACE_MS = 5000
/** Pipelined command lines run before other connections get a turn of the event loop. */
const LINES_PER_TURN = 16
/** Input thrown away after the closing reply before the socket is destroyed (a flood would burn CPU). */
const MAX_DISCARD_AFTER_CLOSE = 64 * 1024

type Mode = "command" | "data" | "tls" | "closed"

type Outcome<A> = { readonly ok: true; readonly value: A } | { readonly ok: false; readonly reason: string }

const failure = (error: unknown): { readonly ok: false; readonly reason: string } => ({
  ok: false,
  reason: error instanceof Error ? error.message : String(error)
})

export class Connection {
  private state: SessionState
  private reader: SmtpLineReader
  private decoder: DataDecoder | undefined
  private writer: SpoolWriter | undefined
  private mode: Mode = "command"
  private greeted = false
  private earlyTalker = false
  private inFlight = false
  private closed = false
  private readonly queue = new TaskQueue(
    () => this.flush(),
    (error: unknown) => {
      this.log("internal_error", { error: error instanceof Error ? error.message : String(error) })
      this.socket.destroy()
    }
  )
  private idleTimer: ReturnType<typeof setTimeout> | undefined
  private idleMs = 0
  private lifetimeTimer: ReturnType<typeof setTimeout> | undefined
  private hops: HopCounter | undefined
  /** Start of the current DATA transfer and bytes received since, for the minimum data rate. */
  private dataStartedAt = 0
  private dataBytes = 0
  private readonly onClosed: Array<() => void> = []
  private readonly onFinished: Array<() => void> = []
  private finished = false
  private discarded = 0
  /** Replies not yet written: the answers to the batch of lines being run. */
  private pending = ""
  private sessionView: SmtpSessionInfo | undefined
  /** Settles the handler call in flight (calls run one at a time); undefined between calls. */
  private callOpen: ((outcome: { readonly ok: false; readonly reason: string }) => void) | undefined
  /** The handler calls' deadline: one timer per connection, re-armed for each call. */
  private callTimer: ReturnType<typeof setTimeout> | undefined
  private callTimerMs = 0

  constructor(
    private socket: net.Socket,
    facts: ConnectionFacts,
    private readonly options: ConnectionOptions
  ) {
    this.state = initial(options.config, facts)
    this.reader = new SmtpLineReader(options.maxLineLength)
  }

  get id(): string {
    return this.state.connection.id
  }

  whenClosed(f: () => void): void {
    if (this.closed) f()
    else this.onClosed.push(f)
  }

  /** Runs `f` once the session is over: its closing reply was written, or the socket closed. */
  whenFinished(f: () => void): void {
    if (this.finished) f()
    else this.onFinished.push(f)
  }

  private finish(): void {
    if (this.finished) return
    this.finished = true
    clearTimeout(this.lifetimeTimer)
    try {
      this.options.handler.onDisconnect?.(this.info())
    } catch (error) {
      this.log("handler_error", { reason: error instanceof Error ? error.message : String(error) })
    }
    for (const f of this.onFinished.splice(0)) f()
  }

  start(): void {
    this.attach(this.socket)
    if (this.logs("connect"))
      this.log("connect", { client: this.state.connection.clientAddress, port: this.state.connection.clientPort })
    this.armIdle()
    this.lifetimeTimer = setTimeout(
      () => this.enqueue(() => this.run({ _tag: "LifetimeExceeded" })),
      this.options.maxSessionMs
    )
    this.enqueue(() => this.run({ _tag: "Connected" }))
  }

  /** The listener became stressed: re-arm the idle timer now with the short stress timeout. */
  tighten(): void {
    if (!this.inFlight) this.armIdle()
  }

  /** Graceful shutdown: 421 now if idle, else after the transaction in flight. */
  shutdown(): void {
    this.enqueue(() => this.run({ _tag: "Shutdown" }))
  }

  private attach(socket: net.Socket): void {
    // Replies are small and often pipelined: Nagle + delayed ACK would add ~40 ms per reply.
    socket.setNoDelay(true)
    socket.on("data", this.onData)
    socket.on("error", (error: Error) => this.log("socket_error", { error: error.message }))
    socket.once("close", () => this.onClose())
  }

  private readonly onData = (chunk: Buffer): void => {
    if (this.mode === "closed") {
      this.discarded += chunk.length
      if (this.discarded > MAX_DISCARD_AFTER_CLOSE) this.socket.destroy()
      return
    }
    if (!this.greeted) {
      this.earlyTalker = true
      return
    }
    if (this.mode === "data") {
      this.armIdle()
      if (this.tooSlow(chunk.length)) {
        this.socket.pause()
        this.mode = "closed"
        this.enqueue(() => this.run({ _tag: "DataTooSlow" }))
        return
      }
    }
    const socket = this.socket
    // Nothing runs: the chunk is fed in the queue's next microtask, before any further read of
    // this socket, and the socket is paused only if feeding it waits (a handler call, storage,
    // output room). Most chunks are answered at once, and a pause/resume pair per chunk is a
    // trip through the stream's 'pause' and 'resume' machinery and a `process.nextTick`.
    if (this.queue.idle) {
      // One task per connection for this: the chunk waits in a field, not in a closure per read.
      this.idleChunk = chunk
      this.idleSocket = socket
      this.enqueue(this.feedIdle)
      return
    }
    // Behind work in flight (several chunks delivered in one turn of the stream): held back.
    socket.pause()
    this.enqueue(() => {
      const consuming = this.consume(chunk)
      return consuming === undefined ? this.chunkDone(socket) : consuming.then(() => this.chunkDone(socket))
    })
  }

  /** The chunk read while the queue was idle and its socket, for `feedIdle` (the queue's next task). */
  private idleChunk: Buffer | undefined
  private idleSocket: net.Socket | undefined
  private readonly feedIdle = (): Promise<void> | undefined => {
    const chunk = this.idleChunk!
    const socket = this.idleSocket!
    this.idleChunk = undefined
    this.idleSocket = undefined
    return this.feed(chunk, socket)
  }

  /** Feeds a chunk read while nothing ran; pauses the socket only when that waits. */
  private feed(chunk: Buffer, socket: net.Socket): Promise<void> | undefined {
    const consuming = this.consume(chunk)
    if (consuming !== undefined) {
      socket.pause()
      return consuming.then(() => this.chunkDone(socket))
    }
    this.flush()
    if (!this.outputFull(socket)) return undefined
    socket.pause()
    return this.outputRoom(socket).then(() => this.readOn(socket))
  }

  private enqueue(task: () => Promise<void> | undefined): void {
    this.queue.push(task)
  }

  /** After a chunk: its replies go out, and the socket is read again once the client has room. */
  private chunkDone(socket: net.Socket): Promise<void> | undefined {
    this.flush()
    if (this.outputFull(socket)) return this.outputRoom(socket).then(() => this.readOn(socket))
    this.readOn(socket)
    return undefined
  }

  private readOn(socket: net.Socket): void {
    if (socket === this.socket && !this.closed && this.mode !== "tls") socket.resume()
  }

  /**
   * Feeds a chunk through the session. A promise only when a step waits (a handler call, storage,
   * output room, a fairness turn): a chunk whose lines are all answered at once builds none.
   */
  private consume(chunk: Uint8Array | undefined): Promise<void> | undefined {
    let input = chunk
    while (input !== undefined && input.length > 0 && !this.closed) {
      if (this.mode === "data") {
        const fed = this.consumeData(input)
        if (fed instanceof Promise) return fed.then(this.consumeRest)
        input = fed
        continue
      }
      if (this.mode !== "command") return undefined
      this.reader.push(input)
      // drainLines may have switched to DATA: the bytes behind the DATA line are message content.
      const mode = this.drainLines()
      if (typeof mode !== "string")
        return mode.then((m) => (m === "data" ? this.consume(this.reader.takeRest()) : undefined))
      input = mode === "data" ? this.reader.takeRest() : undefined
    }
    return undefined
  }

  /**
   * Runs the buffered lines until input runs out or the mode changes; returns the mode (in a
   * promise only when a line waited). `ran` counts the lines of this chunk run so far.
   */
  private drainLines(ran = 0): Promise<Mode> | Mode {
    while (this.mode === "command" && !this.closed) {
      // Lines run as microtasks: without a turn of the event loop now and then, one pipelining
      // client would keep every other connection waiting for its whole chunk.
      if (++ran % LINES_PER_TURN === 0) {
        this.flush()
        return new Promise((r) => setImmediate(r)).then(() => this.drainOn(this.nextLine(ran, false), ran))
      }
      const step = this.nextLine(ran, false)
      if (step !== true) return this.drainOn(step, ran)
    }
    return this.mode
  }

  /**
   * Runs the next buffered line once the client has room for more replies: `true` when it was
   * answered at once (the caller goes on), `false` when there is nothing more to run now, or a
   * promise of the mode that also runs the lines behind it.
   */
  private nextLine(ran: number, roomChecked: boolean): Promise<Mode> | boolean {
    if (!roomChecked && this.outputFull(this.socket))
      return this.outputRoom(this.socket).then(() => this.drainOn(this.nextLine(ran, true), ran))
    const ev = this.reader.next()
    if (ev === undefined) return false
    if (ev._tag === "TooLong") {
      const answering = this.run({ _tag: "LineTooLong" })
      return answering === undefined ? false : answering.then(() => this.mode)
    }
    this.armIdle()
    const running = this.run({
      _tag: "Line",
      line: ev.line,
      bareLf: ev.bareLf,
      pipelined: this.reader.hasPending(),
      at: Date.now()
    })
    return running === undefined ? true : running.then(() => this.drainLines(ran))
  }

  /** Goes on after `nextLine`: the loop again, the mode when it stopped, or its promise. */
  private drainOn(step: Promise<Mode> | boolean, ran: number): Promise<Mode> | Mode {
    if (step === true) return this.drainLines(ran)
    return step === false ? this.mode : step
  }

  /** `consume` for the bytes behind a message, once its answer is there (one function per connection). */
  private readonly consumeRest = (rest: Uint8Array | undefined): Promise<void> | undefined => this.consume(rest)

  /** Collects the decoder's runs of a chunk (one array and one callback per connection, reused). */
  private readonly dataRuns: Array<Uint8Array> = []
  private readonly collectRun = (bytes: Uint8Array): void => {
    this.dataRuns.push(bytes)
  }

  /**
   * Feeds DATA bytes: `undefined` while the message goes on, the input left behind the terminator
   * once DATA has ended and been answered. A promise only when that waits: the spool's file, or the
   * message's answer (the handler's call); a chunk of a message kept in memory builds none.
   */
  private consumeData(input: Uint8Array): Promise<Uint8Array | undefined> | Uint8Array | undefined {
    const decoder = this.decoder!
    const writer = this.writer!
    const hops = this.hops!
    const runs = this.dataRuns
    runs.length = 0
    const rest = decoder.push(input, this.collectRun)
    const storing = this.store(runs, 0, writer, hops)
    if (storing === undefined) return this.dataFed(rest, decoder, writer, hops)
    return storing.then(() => this.dataFed(rest, decoder, writer, hops))
  }

  /** Counts and stores the runs from `from` on; a promise only when the spool waits for its file. */
  private store(
    runs: Array<Uint8Array>,
    from: number,
    writer: SpoolWriter,
    hops: HopCounter
  ): Promise<void> | undefined {
    for (let i = from; i < runs.length; i++) {
      const bytes = runs[i]!
      hops.push(bytes)
      // A looping message is refused at the end: storing the rest of it would only cost disk.
      if (hops.hops > this.options.config.maxHops) continue
      const writing = writer.write(bytes)
      if (writing !== undefined) return writing.then(() => this.store(runs, i + 1, writer, hops))
    }
    return undefined
  }

  /** After a chunk's runs are stored: at the terminator, the message is answered and its spool released. */
  private dataFed(
    rest: Uint8Array | undefined,
    decoder: DataDecoder,
    writer: SpoolWriter,
    hops: HopCounter
  ): Promise<Uint8Array | undefined> | Uint8Array | undefined {
    if (rest === undefined) return undefined
    this.mode = "command"
    this.decoder = undefined
    const stats = decoder.stats()
    if (this.logs("data_end"))
      this.log("data_end", { size: stats.size, bareLf: stats.bareLf, bareCr: stats.bareCr, nul: stats.nul })
    let answering: Promise<void> | undefined
    try {
      answering = this.run({ _tag: "DataEnded", stats, storeFailed: writer.failed, hops: hops.hops })
    } catch (error) {
      this.released(writer)
      throw error
    }
    if (answering === undefined) return this.released(writer, rest)
    return answering.then(
      () => this.released(writer, rest),
      (error: unknown) => {
        this.released(writer)
        throw error
      }
    )
  }

  /** The message's spool is freed (its file deleted) before the input behind it is read. */
  private released(writer: SpoolWriter, rest?: Uint8Array): Promise<Uint8Array | undefined> | Uint8Array | undefined {
    const releasing = writer.release()
    if (this.writer === writer) this.writer = undefined
    return releasing === undefined ? rest : releasing.then(() => rest)
  }

  /**
   * Runs one event through the session. Most steps only answer: they finish here, with no promise
   * (the caller awaits one only when a request went to the handler or to storage).
   */
  private run(ev: SessionEvent): Promise<void> | undefined {
    const info = this.info()
    const next = Session.step(this.state, ev)
    this.state = next.state
    if (next.log !== undefined) this.log(next.log)
    if (next.aborted) this.abortTransaction(info)
    for (const reply of next.replies) this.write(formatReply(reply))
    if (ev._tag === "ConnectAnswered") this.greeted = true
    if (next.close) {
      this.close(next.clientDone === true)
      return undefined
    }
    return next.request === undefined ? undefined : this.perform(next.request)
  }

  private perform(request: SessionRequest): Promise<void> | undefined {
    switch (request._tag) {
      case "ReceiveData":
        this.receiveData()
        return undefined
      case "StartTls":
        this.upgrade()
        return undefined
      default:
        return this.ask(request)
    }
  }

  /** Switches to DATA: the decoder and the spool for the message that follows the 354. */
  private receiveData(): void {
    this.decoder = new DataDecoder(this.options.config.maxMessageSize)
    this.writer = new SpoolWriter(this.options.spool)
    this.hops = new HopCounter()
    this.mode = "data"
    // The rate's time on the monotonic clock: a wall clock stepped forward would read as a stall.
    this.dataStartedAt = performance.now()
    this.dataBytes = 0
    this.armIdle()
    // The client sends the content only after the 354.
    this.flush()
  }

  /**
   * The requests answered by the handler (or the auth limiter, or storage), under their deadlines.
   * A MAIL, RCPT or connect the handler answers at once (a plain value, not a promise) is answered
   * here at once too: no promise, no microtask.
   */
  private ask(request: Exclude<SessionRequest, { _tag: "ReceiveData" | "StartTls" }>): Promise<void> | undefined {
    const h = this.options.handler
    const info = this.info()
    const t = this.options.commandTimeoutMs
    switch (request._tag) {
      case "Connect": {
        const answering = this.call(() => h.onConnect?.(info), t)
        const delayMs = this.options.greetingDelayMs
        if (delayMs > 0)
          return Promise.all([answering, new Promise((r) => setTimeout(r, delayMs))]).then(([answer]) =>
            this.connectAnswered(answer)
          )
        return answering instanceof Promise
          ? answering.then((answer) => this.connectAnswered(answer))
          : this.connectAnswered(answering)
      }
      case "MailFrom": {
        const room = this.roomFor(request.params)
        if (room !== true)
          return room.then((ok) =>
            ok ? this.mailFrom(request, info) : this.run({ _tag: "Answered", reply: Common.noStorage })
          )
        return this.mailFrom(request, info)
      }
      case "RcptTo": {
        const a = this.call(() => h.onRcptTo?.(info, request.mailFrom, request.recipient, request.accepted), t)
        return a instanceof Promise ? a.then(this.answered) : this.answered(a)
      }
      case "Auth":
        return this.auth(request.request, info)
      case "Data":
        return this.data(request.envelope, info)
    }
  }

  private connectAnswered(answer: Outcome<SmtpReply | undefined>): Promise<void> | undefined {
    return answer.ok
      ? this.run({ _tag: "ConnectAnswered", reply: answer.value, earlyTalker: this.earlyTalker })
      : this.failed(answer.reason)
  }

  private mailFrom(
    request: Extract<SessionRequest, { _tag: "MailFrom" }>,
    info: SmtpSessionInfo
  ): Promise<void> | undefined {
    const h = this.options.handler
    const a = this.call(() => h.onMailFrom?.(info, request.address, request.params), this.options.commandTimeoutMs)
    return a instanceof Promise ? a.then(this.answered) : this.answered(a)
  }

  /** A MAIL's, RCPT's or DATA's answer goes through the session (a failure is 451). */
  private readonly answered = (a: Outcome<SmtpReply | undefined>): Promise<void> | undefined =>
    a.ok ? this.run({ _tag: "Answered", reply: a.value }) : this.failed(a.reason)

  private async auth(request: AuthRequest, info: SmtpSessionInfo): Promise<void> {
    const onAuth = this.options.handler.onAuth
    const limiter = this.options.authLimiter
    const { username } = request
    if (limiter !== undefined && (await limiter.locked(info.clientAddress, username)))
      return this.run({ _tag: "AuthLocked" })
    const a = await this.call(() => (onAuth ? onAuth(info, request) : { ok: false }), this.options.commandTimeoutMs)
    if (!a.ok) return this.failed(a.reason)
    if (limiter !== undefined && a.value.ok) await limiter.succeeded(username)
    if (limiter !== undefined && !a.value.ok) await this.pause(await limiter.failed(info.clientAddress, username))
    return this.run({ _tag: "AuthAnswered", result: a.value })
  }

  /**
   * Hands the message to the handler, once the loop's other ready input has run
   * (`DataPhaseStart.ts`). Its spool is released by `dataFed` once the answer is there (or the
   * call failed).
   */
  private data(envelope: Envelope.Envelope, info: SmtpSessionInfo): Promise<void> | undefined {
    const finished = this.writer!.finish()
    if (!(finished instanceof Promise)) return this.handOver(envelope, info, finished)
    return finished.then(
      (spool) => this.handOver(envelope, info, spool),
      () => this.failed("spool could not be finished")
    )
  }

  private handOver(envelope: Envelope.Envelope, info: SmtpSessionInfo, spool: Spool): Promise<void> {
    // After the loop's other ready input: see DataPhaseStart.ts.
    return afterReadyInput(() => {
      const h = this.options.handler
      const a = this.call(() => h.onData(info, envelope, spool), this.options.dataTimeoutMs)
      return a instanceof Promise ? a.then(this.answered) : this.answered(a)
    })
  }

  /** Whether storage has room for the MAIL's message; `true` without a promise when that is known already. */
  private roomFor(params: ReadonlyMap<string, string>): Promise<boolean> | true {
    const free = this.options.freeSpace
    const known = free === undefined ? true : roomForMail(free, params)
    if (known === true) return true
    return known.then((ok) => {
      if (!ok) this.log("insufficient_storage", { size: params.get("SIZE") ?? "none" })
      return ok
    })
  }

  /** True while more reply bytes wait for the client than `maxPendingOutput` (checked without a promise). */
  private outputFull(socket: net.Socket): boolean {
    return !this.closed && !socket.destroyed && socket.writableLength > this.options.maxPendingOutput
  }

  private outputRoom(socket: net.Socket): Promise<void> {
    if (this.closed) return Promise.resolve()
    return outputRoom(socket, {
      maxPending: this.options.maxPendingOutput,
      stallTimeoutMs: this.options.idleTimeoutMs,
      onWait: (queued) => this.log(queued < 0 ? "output_stalled" : "output_backpressure", { queued })
    })
  }

  /** Waits `ms` with the session held (the idle timer does not run meanwhile). */
  private async pause(ms: number): Promise<void> {
    if (ms <= 0) return
    this.inFlight = true
    await new Promise((r) => setTimeout(r, ms))
    this.inFlight = false
    this.armIdle()
  }

  private failed(reason: string): Promise<void> | undefined {
    this.log("handler_error", { reason })
    return this.run({ _tag: "HandlerFailed", reason })
  }

  /**
   * Runs a handler callback under a deadline; a throw, a rejection and a timeout are all failures.
   * A callback that answers at once (a value, or a throw) is its outcome at once: no promise and
   * no timer. Otherwise the first of answer and deadline settles it (one promise per call, no
   * race); a late answer is ignored. The deadline is the connection's one call timer, re-armed
   * (`refresh`) rather than made anew for each call: a timer that fires between calls finds none
   * open and does nothing.
   */
  private call<A>(f: () => Answer<A>, timeoutMs: number): Outcome<A> | Promise<Outcome<A>> {
    let answer: Answer<A>
    try {
      answer = f()
    } catch (error) {
      this.armIdle()
      return failure(error)
    }
    if (!isPending(answer)) {
      this.armIdle()
      return { ok: true, value: answer }
    }
    // Another library's promise is adopted (a native one is returned as it is).
    const pending = Promise.resolve(answer)
    this.inFlight = true
    return new Promise<Outcome<A>>((resolve) => {
      const settle = (outcome: Outcome<A>): void => {
        if (this.callOpen !== settle) return
        this.callOpen = undefined
        this.inFlight = false
        // A closed session makes no further call: its timer must not hold the connection.
        if (this.closed) this.clearCallTimer()
        this.armIdle()
        resolve(outcome)
      }
      this.callOpen = settle
      this.armCallTimer(timeoutMs)
      pending.then(
        (value) => settle({ ok: true, value }),
        (error: unknown) => settle(failure(error))
      )
    })
  }

  private armCallTimer(ms: number): void {
    if (this.callTimer !== undefined && this.callTimerMs === ms) {
      this.callTimer.refresh()
      return
    }
    this.clearCallTimer()
    this.callTimerMs = ms
    this.callTimer = setTimeout(this.callDeadline, ms)
  }

  private readonly callDeadline = (): void => {
    this.callOpen?.({ ok: false, reason: `handler timed out after ${this.callTimerMs} ms` })
  }

  private clearCallTimer(): void {
    if (this.callTimer !== undefined) clearTimeout(this.callTimer)
    this.callTimer = undefined
  }

  private upgrade(): void {
    // The 220 goes out in clear text, before the socket is handed to TLS.
    this.flush()
    const raw = this.socket
    raw.removeListener("data", this.onData)
    const discarded = this.reader.takeRest()
    if (discarded.length > 0) this.log("starttls_plaintext_discarded", { bytes: discarded.length })
    this.reader = new SmtpLineReader(this.options.maxLineLength)
    this.mode = "tls"
    this.clearIdle()
    const secure = new tls.TLSSocket(raw, { isServer: true, secureContext: this.options.secureContext()! })
    const timer = setTimeout(() => {
      this.log("tls_handshake_timeout")
      secure.destroy()
    }, this.options.tlsHandshakeTimeoutMs)
    secure.on("error", (error: Error) => {
      clearTimeout(timer)
      this.log("tls_error", { error: error.message })
      secure.destroy()
      raw.destroy()
    })
    secure.once("secure", () => {
      clearTimeout(timer)
      if (this.closed) return
      this.socket = secure
      this.mode = "command"
      secure.setNoDelay(true)
      secure.on("data", this.onData)
      secure.once("close", () => this.onClose())
      this.armIdle()
      this.enqueue(() => this.run({ _tag: "TlsEstablished" }))
    })
  }

  /** The handler's view of the session, rebuilt only when one of its fields changed (EHLO, TLS, AUTH). */
  private info(): SmtpSessionInfo {
    const s = this.state
    const c = this.sessionView
    if (
      c === undefined ||
      c.helo !== s.helo ||
      c.tls !== s.tls ||
      c.authenticatedUser !== s.authenticatedUser ||
      c.sessionFlags !== s.flags
    )
      this.sessionView = sessionInfo(s)
    return this.sessionView!
  }

  private abortTransaction(info: SmtpSessionInfo): void {
    try {
      this.options.handler.onTransactionAbort?.(info)
    } catch (error) {
      this.log("handler_error", { reason: error instanceof Error ? error.message : String(error) })
    }
  }

  private write(text: string): void {
    this.pending += text
  }

  /** Writes the replies collected so far, in one write. */
  private readonly flush = (): void => {
    if (this.pending === "") return
    const text = this.pending
    this.pending = ""
    if (!this.closed && this.socket.writable) this.socket.write(text)
  }

  /**
   * Sends the closing reply and our FIN. `clientDone` (QUIT with nothing behind it): the socket is
   * closed once they are written (`closeDone`: at once for a plain socket whose reply is in the
   * kernel). Otherwise, or when bytes arrived after all (still buffered here), it stays
   * half-closed and what the client sends is thrown away until it closes, so closing on unread
   * input (which makes the kernel answer with RST) cannot cost the client our reply.
   */
  private close(clientDone = false): void {
    this.flush()
    this.mode = "closed"
    this.clearIdle()
    this.finish()
    const socket = this.socket
    if (clientDone && socket.readableLength === 0) {
      if (closeDone(socket)) return
    } else {
      socket.end()
      socket.resume()
    }
    destroyAfter(socket, CLOSE_GRACE_MS)
  }

  private onClose(): void {
    if (this.closed) return
    this.closed = true
    this.mode = "closed"
    this.clearIdle()
    // A call still open keeps its deadline (it settles the call, and the timer then goes).
    if (this.callOpen === undefined) this.clearCallTimer()
    const writer = this.writer
    this.writer = undefined
    if (writer !== undefined) void writer.dispose()
    // After the work in flight and the transaction's abort: the handler's resources are free then.
    this.enqueue(async () => {
      try {
        await this.run({ _tag: "Disconnected" })
      } finally {
        this.finish()
      }
    })
    this.log("close")
    for (const f of this.onClosed.splice(0)) f()
  }

  /** Counts DATA bytes; true when the transfer has fallen below the minimum rate. */
  private tooSlow(bytes: number): boolean {
    this.dataBytes += bytes
    const { minDataRate, minDataRateGraceMs } = this.options
    if (minDataRate <= 0) return false
    const elapsed = performance.now() - this.dataStartedAt
    return elapsed > minDataRateGraceMs && (this.dataBytes * 1000) / elapsed < minDataRate
  }

  /** (Re)starts the idle timer; re-arming with the same duration reuses the timer (every line re-arms it). */
  private armIdle(): void {
    if (this.closed || this.mode === "closed" || this.mode === "tls") {
      this.clearIdle()
      return
    }
    const ms = this.options.stressed() ? this.options.stressIdleTimeoutMs : this.options.idleTimeoutMs
    if (this.idleTimer !== undefined && this.idleMs === ms) {
      this.idleTimer.refresh()
      return
    }
    this.clearIdle()
    this.idleMs = ms
    this.idleTimer = setTimeout(() => {
      if (this.inFlight) return this.armIdle()
      this.enqueue(() => this.run({ _tag: "IdleTimeout" }))
    }, ms)
  }

  private clearIdle(): void {
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer)
    this.idleTimer = undefined
  }

  /** False for an event the listener does not log: its fields need not be built. */
  private logs(event: string): boolean {
    return !this.options.quietEvents.has(event)
  }

  private log(event: string, fields: Record<string, string | number | boolean> = {}): void {
    if (this.options.quietEvents.has(event)) return
    this.options.log(formatLogLine(this.id, event, fields))
  }
}
