/**
 * The gateway's services, one `Context.Service` each, provided by the layers in `Layers.ts`:
 * the start input (configuration, base directory, options), the logger, the metrics, the
 * quarantine, the mail path (the wiring a reload swaps), the SMTP listener, the IMAP/POP3
 * proxies, the reloader and the admin API.
 *
 * @category services
 * @since 0.1.0
 */
import type { SharedState } from "../SharedState.ts"
import type { Smtp } from "@mailmoat/protocols"
import { Context } from "effect"
import type { AdminServer } from "../AdminServer.ts"
import type { Evaluate } from "../GatewayHandler.ts"
import type { GatewayLog, Level } from "../Log.ts"
import type { Metrics } from "../Metrics.ts"
import type { ProxyListeners } from "../ProxyListeners.ts"
import type { Quarantine } from "../Quarantine.ts"
import type { makeReloader } from "../reload/Reloader.ts"
import type { SwappableHandler } from "../reload/SwappableHandler.ts"
import type { GatewaySettings } from "../Settings.ts"
import type { SweepReport } from "../StartupSweep.ts"
import type { GatewayConfig } from "@mailmoat/antispam"

export interface StartInput {
  /** The configuration object given to `startGateway`. */
  readonly config: unknown
  /** Directory relative paths are resolved from. */
  readonly base: string
  /** The settings at start (a reload replaces those of the mail path, not these). */
  readonly settings: GatewaySettings
  readonly spoolDir: string
  readonly evaluate?: Evaluate | undefined
  readonly shutdownTimeoutMs: number
  readonly reloadConfig?: (() => GatewayConfig.Decoded) | undefined
  /** A logger given by the caller (`main`); else one is made from `log` or nothing is logged. */
  readonly logger?: GatewayLog | undefined
  readonly log?: ((line: string) => void) | undefined
  readonly logLevel?: Level | undefined
  /** False: leave crash leftovers alone (a process that shares the data directory with others). */
  readonly sweep?: boolean | undefined
  /** Extra module states for /status. */
  readonly moduleStatus?: (() => Readonly<Record<string, unknown>>) | undefined
}

export class Input extends Context.Service<Input, StartInput>()("@mailmoat/gateway/Input") {}

export class Logger extends Context.Service<Logger, GatewayLog>()("@mailmoat/gateway/Logger") {}

export class GatewayMetrics extends Context.Service<GatewayMetrics, Metrics>()("@mailmoat/gateway/Metrics") {}

/** What the start found and when it began. */
export class Started extends Context.Service<Started, { readonly swept: SweepReport; readonly at: number }>()(
  "@mailmoat/gateway/Started"
) {}

/** The fleet's shared state (DNS cache, counters, lists), opened once per process. */
export class SharedStateService extends Context.Service<SharedStateService, SharedState>()(
  "@mailmoat/gateway/SharedState"
) {}

export class QuarantineService extends Context.Service<QuarantineService, Quarantine>()(
  "@mailmoat/gateway/Quarantine"
) {}

/** The wiring in force (handoff, engine, SMTP handler); a reload swaps it. */
export class MailPath extends Context.Service<MailPath, SwappableHandler>()("@mailmoat/gateway/MailPath") {}

export class SmtpListener extends Context.Service<SmtpListener, Smtp.SmtpServerHandle>()(
  "@mailmoat/gateway/SmtpListener"
) {}

/** Undefined when `protocols.filtering` is off or no listener is configured. */
export class Proxies extends Context.Service<Proxies, ProxyListeners | undefined>()("@mailmoat/gateway/Proxies") {}

export class Reloader extends Context.Service<Reloader, ReturnType<typeof makeReloader>>()(
  "@mailmoat/gateway/Reloader"
) {}

export interface GatewayStatus {
  readonly protected: boolean
  readonly version: string
  readonly uptimeSeconds: number
  readonly smtp: { readonly host: string; readonly port: number; readonly tls: boolean; readonly connections: number }
  readonly delivery: string
  readonly quarantine: string
  readonly modules: Readonly<Record<string, unknown>>
  readonly counters: Readonly<Record<string, number>>
}

/** The status `/status` and the start banner show. */
export class Status extends Context.Service<Status, { readonly status: () => GatewayStatus }>()(
  "@mailmoat/gateway/Status"
) {}

/** Undefined when `admin.enabled` is false. */
export class Admin extends Context.Service<Admin, AdminServer | undefined>()("@mailmoat/gateway/Admin") {}
