/**
 * Configuration reload (SIGHUP, `POST /api/reload`): re-read the configuration, check it
 * completely (schema, files it names, admin token, plugins), build a new wiring from it and
 * hand that to `install`. An invalid configuration is refused with one line per problem and the
 * running one stays in force; the log says why either way. Reloads run one at a time.
 *
 * What the listeners were started with (addresses, ports, whether they offer TLS, size and
 * connection limits, data directory, quarantine store, IMAP/POP3 proxies but for their
 * `serverNames`, mint rates and TLS files, admin address) cannot change under them: such changes
 * are reported in `restartNeeded` and take effect at the next start. Certificates are reloaded
 * (`Certificates.ts`): checked before anything is built, put in force once the new wiring is
 * installed; a bad one refuses the reload and is logged at error.
 *
 * @category services
 * @since 0.1.0
 */
import type { GatewayLog } from "../Log.ts"
import type { GatewayConfig } from "@mailmoat/antispam"
import { resolveAdminToken } from "../admin/AdminToken.ts"
import { type CertificateSource, isCertificateProblem, prepareAll } from "./Certificates.ts"
import { PluginLoadError } from "../Plugins.ts"
import { fixedProtocols } from "../ProxyListeners.ts"
import { ConfigError, type GatewaySettings, resolveSettings } from "../Settings.ts"

export type ReloadOutcome =
  | { readonly ok: true; readonly restartNeeded: ReadonlyArray<string> }
  | { readonly ok: false; readonly problems: ReadonlyArray<string> }

export interface ReloaderOptions<W> {
  /** Reads and decodes the configuration source again. */
  readonly load: () => GatewayConfig.Decoded
  readonly base: string
  readonly current: () => GatewaySettings
  /** Builds everything a new configuration needs; rejects with the problems. */
  readonly build: (settings: GatewaySettings) => Promise<W>
  readonly install: (wiring: W, settings: GatewaySettings) => void
  /** The listeners' TLS material, read again at each reload (none: certificates are not reloaded). */
  readonly certificates?: ReadonlyArray<CertificateSource> | undefined
  readonly logger: GatewayLog
}

/** Keys fixed at start: [name shown, what is compared]. */
const FIXED: ReadonlyArray<readonly [string, (s: GatewaySettings) => unknown]> = [
  ["dataDir", (s) => s.dataDir],
  ["smtp.host", (s) => s.smtp.host],
  ["smtp.port", (s) => s.smtp.port],
  // Whether STARTTLS is offered; the certificate itself is reloaded.
  ["smtp.tls", (s) => s.smtp.tls !== undefined],
  ["smtp.auth", (s) => s.smtp.users.length > 0 || s.smtp.dovecot !== undefined],
  ["smtp.maxMessageSizeKB", (s) => s.smtp.maxMessageSize],
  ["smtp.maxConnections", (s) => s.smtp.maxConnections],
  ["smtp.maxConnectionsPerIp", (s) => s.smtp.maxConnectionsPerIp],
  ["smtp.maxRecipients", (s) => s.smtp.maxRecipients],
  ["smtp.bareLineEndings", (s) => s.smtp.bareLineEndings],
  ["smtp.limits", (s) => s.smtp.limits],
  ["quarantine.path", (s) => s.quarantine.path],
  // The Redis client's TLS files by content: renewed in place they still need a restart.
  ["state", (s) => ({ config: s.config.state, tls: s.state.redis?.tls })],
  ["protocols", (s) => fixedProtocols(s.config.protocols)],
  ["admin.enabled", (s) => s.admin.enabled],
  ["admin.host", (s) => s.admin.host],
  ["admin.port", (s) => s.admin.port]
]

const problemsOf = (e: unknown): ReadonlyArray<string> =>
  e instanceof ConfigError || e instanceof PluginLoadError ? e.problems : [e instanceof Error ? e.message : String(e)]

export const makeReloader = <W>(options: ReloaderOptions<W>) => {
  let queue: Promise<unknown> = Promise.resolve()

  const attempt = async (): Promise<ReloadOutcome> => {
    const loaded = options.load()
    let settings: GatewaySettings
    let wiring: W
    let certificates: ReadonlyArray<() => void>
    try {
      if (!loaded.ok) throw new ConfigError(loaded.problems)
      settings = resolveSettings(loaded.config, options.base)
      resolveAdminToken(settings.config.admin, options.base)
      // Checked before the wiring is built: a bad certificate costs no mail path.
      certificates = await prepareAll(options.certificates ?? [], settings)
      wiring = await options.build(settings)
    } catch (e) {
      const problems = problemsOf(e)
      // A certificate that cannot replace the one in use is an outage waiting for its expiry.
      const level = isCertificateProblem(e) ? "error" : "warn"
      for (const p of problems)
        options.logger.event(level, "reload_refused", {
          text: `reload refused: ${p}${level === "error" ? "; the certificate in use stays in force" : ""}`
        })
      options.logger.warn("reload_refused", { text: "reload refused: the running configuration stays in force" })
      return { ok: false, problems }
    }
    const before = options.current()
    const restartNeeded = FIXED.filter(
      ([, pick]) => JSON.stringify(pick(before)) !== JSON.stringify(pick(settings))
    ).map(([name]) => name)
    options.install(wiring, settings)
    for (const apply of certificates) apply()
    options.logger.info("reload_applied", {
      text: `reload: configuration applied to new sessions${restartNeeded.length > 0 ? `; needs a restart to change: ${restartNeeded.join(", ")}` : ""}`
    })
    return { ok: true, restartNeeded }
  }

  return {
    reload: (): Promise<ReloadOutcome> => {
      const run = queue.then(attempt, attempt)
      queue = run
      return run
    }
  }
}
