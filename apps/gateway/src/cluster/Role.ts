/**
 * Which part a process plays in the multi-process mode (`smtp.processes` > 1): the primary
 * (supervises, owns the shared embedded state, never handles mail) or one of the workers (each a
 * whole gateway, sharing the listening sockets through `node:cluster`).
 *
 * A worker knows its index from `MM_GATEWAY_WORKER_INDEX`, which the primary sets when it forks it;
 * a replacement for a crashed worker gets the same index. Worker 0 alone runs the admin API and
 * the digest schedule, so /status, /metrics and the daily digest exist once.
 *
 * **Gotchas**
 * - `node:cluster` works on Node, and (checked with Bun 1.4 and Deno 2.9) through their Node
 *   compatibility, where the workers listen with `SO_REUSEPORT` instead of sharing the handle.
 *
 * @category models
 * @since 0.1.0
 */
import cluster from "node:cluster"
import { availableParallelism, cpus } from "node:os"

// Not MAILMOAT_*: those are configuration overrides.
export const WORKER_INDEX_ENV = "MM_GATEWAY_WORKER_INDEX"

/** `smtp.processes` as a number of processes: `auto` is one per core. */
export const processCount = (setting: number | "auto"): number => {
  if (setting !== "auto") return setting
  const cores = typeof availableParallelism === "function" ? availableParallelism() : cpus().length
  return Math.max(1, cores)
}

/** The worker index when this process is a gateway worker forked by our primary, else undefined. */
export const workerIndex = (): number | undefined => {
  const raw = process.env[WORKER_INDEX_ENV]
  if (!cluster.isWorker || raw === undefined || !/^\d+$/.test(raw)) return undefined
  return Number(raw)
}

/** True in the process that should supervise workers rather than serve mail itself. */
export const shouldSupervise = (processes: number): boolean => processes > 1 && cluster.isPrimary
