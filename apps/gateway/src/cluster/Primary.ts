/**
 * The primary of the multi-process mode: it clears crash leftovers once, forks one gateway worker
 * per process, keeps the shared embedded state (`SharedState`), replaces a worker that dies, and
 * drains them all on SIGTERM/SIGINT. It handles no mail itself; the workers share the listening
 * sockets through `node:cluster` (the primary accepts and hands connections out in turn).
 *
 * Start-up sweeps run here, before any worker exists, because at that moment nothing is in
 * flight anywhere. A worker never sweeps: the embedded quarantine's `tmp/` and the spool hold
 * its siblings' messages in flight. (Spool and Maildir `tmp/` names carry the writer's pid and
 * are only removed for dead processes anyway; the quarantine's `tmp/` has no owner in the name.)
 * What a crashed worker leaves behind therefore waits for the next start of the gateway.
 *
 * **Gotchas**
 * - A worker that exits with status 2 could not start (configuration, port in use, certificate):
 *   starting it again would fail the same way, so the primary stops the others and exits 2.
 * - A worker that dies over and over (5 times within a minute) stops the gateway (exit 1)
 *   rather than looping.
 * - SIGHUP is passed to every worker (each re-reads the configuration); a second SIGTERM or
 *   SIGINT is passed on too, so the workers exit at once.
 *
 * @category services
 * @since 0.1.0
 */
import cluster, { type Worker } from "node:cluster"
import { join } from "node:path"
import { describeSweep, sweepLeftovers } from "../StartupSweep.ts"
import type { GatewaySettings } from "../Settings.ts"
import { WORKER_INDEX_ENV } from "./Role.ts"
import { makeStateHost } from "./SharedState.ts"
import { DRAIN_MESSAGE } from "./Worker.ts"

export interface PrimaryOptions {
  readonly processes: number
  readonly settings: GatewaySettings
  readonly log?: (line: string) => void
  readonly error?: (line: string) => void
}

const RESTART_WINDOW_MS = 60_000
const RESTART_LIMIT = 5

/** Runs the primary until every worker has exited; resolves with the process exit code. */
export const runPrimary = async (options: PrimaryOptions): Promise<number> => {
  const log = options.log ?? ((line: string) => console.log(line))
  const error = options.error ?? ((line: string) => console.error(line))
  const swept = describeSweep(await sweepLeftovers(options.settings, join(options.settings.dataDir, "spool")))
  if (swept !== undefined) log(`mailmoat: ${swept}`)

  const state = makeStateHost()
  const workers = new Map<number, Worker>()
  const restarts: Array<number> = []
  let stopping = false
  let exitCode = 0

  const fork = (index: number): void => {
    const worker = cluster.fork({ [WORKER_INDEX_ENV]: String(index) })
    workers.set(index, worker)
    state.attach(worker)
    worker.on("exit", (code, signal) => {
      if (workers.get(index) === worker) workers.delete(index)
      if (stopping) {
        if (code !== 0 && code !== null) exitCode = exitCode || 1
        return maybeDone()
      }
      const how = signal ? `signal ${signal}` : `status ${code}`
      if (code === 2) {
        error(`mailmoat: worker ${index} (pid ${worker.process.pid}) could not start (${how}); stopping the gateway`)
        exitCode = 2
        return stop("SIGTERM")
      }
      // The restart window on the monotonic clock (a step of the wall clock must not widen it).
      const now = performance.now()
      restarts.push(now)
      while (restarts.length > 0 && restarts[0]! < now - RESTART_WINDOW_MS) restarts.shift()
      if (restarts.length > RESTART_LIMIT) {
        error(
          `mailmoat: worker ${index} (pid ${worker.process.pid}) exited (${how}); more than ${RESTART_LIMIT} restarts within a minute, stopping the gateway`
        )
        exitCode = 1
        return stop("SIGTERM")
      }
      error(`mailmoat: worker ${index} (pid ${worker.process.pid}) exited (${how}); starting a new one`)
      fork(index)
    })
  }

  let done: (code: number) => void = () => undefined
  const finished = new Promise<number>((resolve) => {
    done = resolve
  })
  const maybeDone = () => {
    if (stopping && workers.size === 0) done(exitCode)
  }
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      // A second signal: the workers exit at once.
      for (const w of workers.values()) w.process.kill(signal)
      return
    }
    stopping = true
    log(`mailmoat: ${signal}, draining ${workers.size} worker process(es)...`)
    for (const w of workers.values()) if (w.isConnected()) w.send(DRAIN_MESSAGE)
    maybeDone()
  }

  const onTerm = () => stop("SIGTERM")
  const onInt = () => stop("SIGINT")
  const onHup = () => {
    for (const w of workers.values()) w.process.kill("SIGHUP")
  }
  process.on("SIGTERM", onTerm)
  process.on("SIGINT", onInt)
  process.on("SIGHUP", onHup)
  log(`mailmoat: primary pid ${process.pid}, ${options.processes} worker processes`)
  for (let i = 0; i < options.processes; i++) fork(i)
  const code = await finished
  process.removeListener("SIGTERM", onTerm)
  process.removeListener("SIGINT", onInt)
  process.removeListener("SIGHUP", onHup)
  log("mailmoat: all workers stopped")
  return code
}
