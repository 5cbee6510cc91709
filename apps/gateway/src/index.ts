/**
 * The bundled gateway: configuration -> hand-off (Maildir or before-queue relay), quarantine,
 * engine -> SMTP listener + IMAP/POP3 proxies + admin API. `startGateway` is what `npm start`,
 * `mailmoat gateway`, the smoke test and the benchmark run: it builds the gateway's layers
 * (`runtime/Gateway.ts`) in one scope and hands back what they provide.
 *
 * **Gotchas**
 * - Everything the gateway opens (delivery, quarantine, plugins and stores, listeners) is owned
 *   by that one Effect `Scope`: a failed start releases what was opened so far and rejects with
 *   the error as thrown (`ConfigError`, `PluginLoadError`, `StartupError`); `close()` closes the
 *   scope, releasing in reverse order: digest schedule, admin API, proxies, then SMTP gracefully
 *   (stop accepting, let transactions in flight finish, idle sessions get 421 at once), the
 *   engine's plugins and stores, the quarantine and the downstream connections.
 * - `protected` in the status is true while SMTP listens and every enabled module is active; an
 *   enabled module that is not available makes it false (antispam switched off does not).
 *
 * @category services
 * @since 0.1.0
 */
import type { GatewayConfig } from "@mailmoat/antispam"
import { Cause, Context, Effect, Exit, Layer, Scope } from "effect"
import type { Evaluate } from "./GatewayHandler.ts"
import type { GatewayLog, Level } from "./Log.ts"
import type { ProxyListenerInfo } from "./ProxyListeners.ts"
import type { ReloadOutcome } from "./reload/Reloader.ts"
import { gateway } from "./runtime/Gateway.ts"
import {
  Admin,
  type GatewayStatus,
  MailPath,
  Proxies,
  QuarantineService,
  Reloader,
  SmtpListener,
  Started,
  Status
} from "./runtime/Services.ts"
import type { GatewaySettings } from "./Settings.ts"
import type { SweepReport } from "./StartupSweep.ts"

export type { Evaluate } from "./GatewayHandler.ts"
export type { Counters } from "./Metrics.ts"
export { PluginLoadError } from "./Plugins.ts"
export type { ProxyListenerInfo } from "./ProxyListeners.ts"
export { type DeliverGroup, type Plan, plan, type QuarantineGroup } from "./RecipientPlan.ts"
export { ConfigError, type DeliverySettings, type GatewaySettings, resolveSettings } from "./Settings.ts"
export { certificateDatesProblem } from "./StartupChecks.ts"
export { type CaCheck, checkInterceptionCa } from "./InterceptionCa.ts"
export { StartupError, type StartupReason } from "./StartupError.ts"
export * as StateStores from "./StateStores.ts"
export type { StateSettings } from "./StateStores.ts"
export * as SharedState from "./SharedState.ts"
export * as Log from "./Log.ts"
export * as ReleaseScan from "./ReleaseScan.ts"
export { type Wiring, type WiringOptions, wire } from "./Wiring.ts"
export { receivedHeader, rfc5322Date } from "./TraceHeaders.ts"
export { collect, learnMessage, virusNotLearned } from "./admin/Learn.ts"
export { resolveAdminToken } from "./admin/AdminToken.ts"
export { makeReputationAdmin, type ReputationAdmin } from "./admin/ReputationAdmin.ts"
export { deliverMessage, type ReinjectResult, reinject } from "./admin/Reinject.ts"
export { DigestBusyError, type DigestOptions, type DigestResult, runDigest } from "./digest/DigestRun.ts"
export type { ReloadOutcome } from "./reload/Reloader.ts"
export type { GatewayStatus } from "./runtime/Services.ts"

export interface GatewayOptions {
  /** Base directory for relative paths in the configuration (default: the working directory). */
  readonly base?: string
  /**
   * Where log lines go, formatted per `log.format` and stamped by the gateway's clock; with
   * neither this nor `logger`, nothing is logged.
   */
  readonly log?: (line: string) => void
  /** The least severe level written to `log` (default debug: every line). */
  readonly logLevel?: Level
  /** A logger of the caller's own, used as is instead of `log`. */
  readonly logger?: GatewayLog
  /**
   * The antispam evaluation. Default: the server antispam module built from the configuration's
   * `antispam` and `state` sections (nothing is scanned when `antispam.enabled` is false).
   */
  readonly evaluate?: Evaluate
  /** Extra module states for /status (lists health, classifier). */
  readonly moduleStatus?: () => Readonly<Record<string, unknown>>
  /** False: leave crash leftovers alone (default true: swept before the listener opens). */
  readonly sweep?: boolean
  /** Graceful shutdown deadline (default 30 s). */
  readonly shutdownTimeoutMs?: number
  /**
   * Reads the configuration again for a reload (SIGHUP, `POST /api/reload`); `main` re-reads the
   * file. Default: the configuration object given to `startGateway`.
   */
  readonly reloadConfig?: (() => GatewayConfig.Decoded) | undefined
}

export interface RunningGateway {
  readonly smtp: { readonly host: string; readonly port: number }
  readonly admin?: { readonly host: string; readonly port: number } | undefined
  /** Where accepted mail goes ("maildir /path" or the downstream). */
  readonly delivery: string
  readonly quarantine: string
  /** The IMAP/POP3 proxy listeners (`protocols.listeners`; none when `protocols.filtering` is off). */
  readonly proxies: ReadonlyArray<ProxyListenerInfo>
  /** The settings in force (a reload replaces them). */
  readonly settings: GatewaySettings
  /** Crash leftovers removed at start. */
  readonly swept: SweepReport
  status(): GatewayStatus
  /** Re-reads the configuration; a valid one applies to new sessions, an invalid one is refused. */
  reload(): Promise<ReloadOutcome>
  close(): Promise<void>
}

/** Starts the gateway from a decoded configuration object (`{}` = embedded defaults). */
export const startGateway = async (config: unknown, options: GatewayOptions = {}): Promise<RunningGateway> => {
  // Everything opened is owned by one scope: a failed start releases what was opened so far,
  // close() releases it all, in the reverse order (listeners first).
  const scope = Scope.makeUnsafe("sequential")
  const layer = gateway({
    config,
    base: options.base ?? process.cwd(),
    evaluate: options.evaluate,
    shutdownTimeoutMs: options.shutdownTimeoutMs ?? 30_000,
    reloadConfig: options.reloadConfig,
    logger: options.logger,
    log: options.log,
    logLevel: options.logLevel,
    moduleStatus: options.moduleStatus,
    sweep: options.sweep
  })
  const built = await Effect.runPromiseExit(Layer.buildWithScope(layer, scope))
  if (Exit.isFailure(built)) {
    await Effect.runPromise(Scope.close(scope, built))
    throw Cause.squash(built.cause)
  }
  const services = built.value
  type Provided = typeof services extends Context.Context<infer R> ? R : never
  const get = <I extends Provided, S>(tag: Context.Key<I, S>): S => Context.get(services, tag)
  const wiring = get(MailPath)
  const proxies = get(Proxies)
  let closed: Promise<void> | undefined
  return {
    smtp: get(SmtpListener).address,
    admin: get(Admin)?.address,
    get delivery() {
      return wiring.current().handoff.describe
    },
    quarantine: get(QuarantineService).describe,
    proxies: proxies?.listeners ?? [],
    get settings() {
      return wiring.current().settings
    },
    swept: get(Started).swept,
    status: get(Status).status,
    reload: get(Reloader).reload,
    close: () => {
      closed ??= Effect.runPromise(Scope.close(scope, Exit.void))
      return closed
    }
  }
}
