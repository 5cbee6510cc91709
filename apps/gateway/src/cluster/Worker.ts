/**
 * What changes for a gateway worker of the multi-process mode: the configuration it runs (worker
 * 0 keeps the admin API and the digest schedule, the others switch them off, so /status,
 * /metrics and the daily digest exist once) and the start-up sweep, which only the primary runs.
 * A worker is otherwise the whole single-process gateway.
 *
 * @category constructors
 * @since 0.1.0
 */
import type { GatewayConfig } from "@mailmoat/antispam"

/** The configuration worker `index` runs: the same, minus the once-only surfaces after worker 0. */
export const workerConfig = (config: GatewayConfig.Config, index: number): GatewayConfig.Config =>
  index === 0
    ? config
    : {
        ...config,
        admin: { ...config.admin, enabled: false },
        quarantine: { ...config.quarantine, digest: { ...config.quarantine.digest, enabled: false } }
      }

/** A configuration (re)load as worker `index` sees it; problems pass through unchanged. */
export const workerDecoded = (decoded: GatewayConfig.Decoded, index: number): GatewayConfig.Decoded =>
  decoded.ok ? { ok: true, config: workerConfig(decoded.config, index) } : decoded

/**
 * Calls `drain` when the primary asks the workers to finish (its SIGTERM/SIGINT) or is gone (the
 * IPC channel closed): a worker never outlives its primary. A request instead of a signal, so a
 * worker that already got the terminal's SIGINT does not take the primary's as a second one.
 */
export const onDrainRequest = (drain: () => void): void => {
  process.on("message", (m: unknown) => {
    if (typeof m === "object" && m !== null && (m as { mailmoat?: unknown }).mailmoat === "drain") drain()
  })
  process.on("disconnect", drain)
}

/** The primary's side of `onDrainRequest`. */
export const DRAIN_MESSAGE = { mailmoat: "drain" } as const
