/**
 * The gateway's resolved view of its configuration: the decoded `GatewayConfig.Config` (core's
 * schema: keys, defaults, validation) mapped to what the listeners need, with paths made
 * absolute, sizes in bytes, timeouts in ms and PEM files read. Key names and defaults live in
 * the schema (`packages/core/src/config/`); this file only maps.
 *
 * **Gotchas**
 * - `resolveSettings` also accepts a raw configuration object (tests, bench, the runtime smoke):
 *   it decodes it first, and throws a `ConfigError` with every problem when it does not decode.
 *   Decoding an already decoded `Config` is a no-op.
 * - An unreadable or unusable PEM file, and a recipient directory that cannot be read, throw a
 *   `StartupError` naming the key (`smtp.tls.certFile: ...`); `main` exits 2 for it.
 *
 * @category models
 * @since 0.1.0
 */
import { readFileSync } from "node:fs"
import { hostname as osHostname } from "node:os"
import { resolve } from "node:path"
import { GatewayConfig } from "@mailmoat/antispam"
import type { DovecotSettings } from "./DovecotAuth.ts"
import { ConfigError } from "./ConfigError.ts"
import { checkKeyPair, ensureReadable } from "./StartupChecks.ts"
import { type StateSettings, stateSettings } from "./StateStores.ts"
import { StartupError } from "./StartupError.ts"
import type { Smtp } from "@mailmoat/protocols"
import type { RateLimitSettings } from "./RateLimits.ts"

export type DeliverySettings =
  | {
      readonly mode: "maildir"
      readonly path: string
      /** Lower-case local domains; `"every"` when the Maildir takes every domain (see `maildirDomains`). */
      readonly domains: ReadonlyArray<string> | "every"
    }
  | {
      readonly mode: "relay"
      readonly host: string
      readonly port: number
      readonly protocol: "smtp" | "lmtp"
      readonly tls: "none" | "starttls" | "required"
      readonly servername?: string | undefined
      readonly ca?: string | undefined
      /** Deadline for the downstream's final reply, in ms. */
      readonly dataEndMs: number
      /** Deadline for every other downstream step (connect, greeting, EHLO, STARTTLS, MAIL, RCPT, DATA, blocks), in ms. */
      readonly commandMs: number
    }

export interface GatewaySettings {
  readonly dataDir: string
  readonly smtp: {
    readonly host: string
    readonly port: number
    readonly hostname: string
    readonly maxMessageSize: number
    readonly maxRecipients: number
    readonly maxConnections: number
    readonly maxConnectionsPerIp: number
    readonly bareLineEndings: "normalise" | "reject"
    readonly tls?: { readonly key: string; readonly cert: string } | undefined
    /** Listener resource limits, as `SmtpServer.listen` options (free-space paths are added at start). */
    readonly limits: SmtpLimits
    /** SMTP AUTH accounts (offered inside TLS only); with no `dovecot` either, AUTH is not offered. */
    readonly users: ReadonlyArray<{
      readonly username: string
      readonly password: string
      readonly bypassAntispam: boolean
    }>
    /** Dovecot's auth service checks the users no account names (`smtp.auth.dovecot`). */
    readonly dovecot?: DovecotSettings | undefined
  }
  readonly delivery: DeliverySettings
  readonly quarantine: { readonly path: string }
  readonly admin: { readonly enabled: boolean; readonly host: string; readonly port: number }
  /** The decoded `antispam` section: assignable to `@mailmoat/antispam`'s `AntispamInput`. */
  readonly antispam: GatewayConfig.AntispamConfig
  /** `state`, resolved: how to reach Redis with its secrets read (`state.redis` files checked at start). */
  readonly state: StateSettings
  /** The whole decoded configuration (state, classifier, protocols, plugins, log). */
  readonly config: GatewayConfig.Config
}

export { ConfigError } from "./ConfigError.ts"

/** Reads a PEM file named in the configuration, with an error that names the key. */
export const readPem = (path: string, key: string, base: string): string => {
  try {
    return readFileSync(resolve(base, path), "utf8")
  } catch (error) {
    throw new StartupError({
      key,
      reason: "MissingFile",
      detail: `cannot read ${path}: ${(error as Error).message}`,
      cause: error
    })
  }
}

/** The SMTP certificate and key, read and checked (PEM, and the key belongs to the certificate). */
const smtpTls = (tls: GatewayConfig.SmtpConfig["tls"], base: string): GatewaySettings["smtp"]["tls"] => {
  if (tls === undefined) return undefined
  const pair = {
    cert: readPem(tls.certFile, "smtp.tls.certFile", base),
    key: readPem(tls.keyFile, "smtp.tls.keyFile", base)
  }
  checkKeyPair(
    pair,
    { certFile: "smtp.tls.certFile", keyFile: "smtp.tls.keyFile" },
    { cert: tls.certFile, key: tls.keyFile }
  )
  return pair
}

/** `antispam` with the recipient directory resolved from `base` and checked to be readable. */
const antispamSection = (a: GatewayConfig.AntispamConfig, base: string): GatewayConfig.AntispamConfig => {
  if (a.bypass.directory === undefined) return a
  const directory = resolve(base, a.bypass.directory)
  ensureReadable(directory, "antispam.bypass.directory")
  return { ...a, bypass: { ...a.bypass, directory } }
}

const isLoopback = (host: string) => /^(127\.|::1$|::ffff:127\.|localhost$)/i.test(host)

/**
 * The Maildir's local domains. Unset is allowed only while the listener is on loopback (a test
 * or a quick start, nobody else can reach it); on a reachable listener it is a configuration
 * error, because a Maildir that takes every domain lets anyone create mailboxes on our disk.
 */
const maildirDomains = (
  c: GatewayConfig.Config,
  configured: ReadonlyArray<string> | undefined
): ReadonlyArray<string> | "every" => {
  if (configured === undefined) {
    if (isLoopback(c.smtp.host)) return "every"
    throw new ConfigError([
      `delivery.maildir.domains: expected the local domains (or ["*"] for every domain) when smtp.host (${c.smtp.host}) is not a loopback address, got nothing`
    ])
  }
  if (configured.includes("*")) return "every"
  return configured.map((d) => d.toLowerCase().replace(/\.$/, ""))
}

const delivery = (c: GatewayConfig.Config, dataDir: string, base: string): DeliverySettings => {
  const d = c.delivery.downstream
  if (d === undefined) {
    const m = c.delivery.maildir
    const section = typeof m === "string" ? { path: m } : (m ?? {})
    return {
      mode: "maildir",
      path: resolve(base, section.path ?? `${dataDir}/maildir`),
      domains: maildirDomains(c, section.domains)
    }
  }
  return {
    mode: "relay",
    host: d.host,
    port: d.port,
    protocol: d.protocol,
    tls: d.tls,
    servername: d.servername,
    ca: d.caFile === undefined ? undefined : readPem(d.caFile, "delivery.downstream.caFile", base),
    dataEndMs: d.timeoutSeconds * 1000,
    commandMs: d.commandTimeoutSeconds * 1000
  }
}

export interface SmtpLimits {
  readonly maxConnectionsPerNetwork: number
  readonly stressIdleTimeoutMs: number
  readonly maxSessionMs: number
  readonly maxCommands: number
  readonly maxTransactions: number
  readonly maxHops: number
  /** Bytes kept free beyond the declared SIZE; 0 turns the check off. */
  readonly minFreeBytes: number
  readonly authLimit: { readonly maxFailures: number; readonly windowMs: number; readonly lockoutMs: number }
  /** Connection and message rates per client IP and network (0 = no limit), counted in the shared state. */
  readonly rates: RateLimitSettings
}

/** The listener's limit options: `smtp.limits`, with the directories whose free space is checked at MAIL. */
export const listenerLimits = (
  s: GatewaySettings,
  spoolDir: string,
  authFailures?: Smtp.AuthFailureStore
): Partial<Smtp.SmtpServerOptions> => {
  const l = s.smtp.limits
  const stores = [spoolDir, s.quarantine.path, ...(s.delivery.mode === "maildir" ? [s.delivery.path] : [])]
  return {
    maxConnectionsPerNetwork: l.maxConnectionsPerNetwork,
    stressIdleTimeoutMs: l.stressIdleTimeoutMs,
    maxSessionMs: l.maxSessionMs,
    maxCommands: l.maxCommands,
    maxTransactions: l.maxTransactions,
    maxHops: l.maxHops,
    authLimit: authFailures === undefined ? l.authLimit : { ...l.authLimit, store: authFailures },
    freeSpace: l.minFreeBytes > 0 ? { paths: stores, reserveBytes: l.minFreeBytes } : false
  }
}

const smtpLimits = (l: GatewayConfig.Config["smtp"]["limits"]): SmtpLimits => ({
  maxConnectionsPerNetwork: l.maxConnectionsPerNetwork,
  stressIdleTimeoutMs: l.stressIdleTimeoutSeconds * 1000,
  maxSessionMs: l.maxSessionSeconds * 1000,
  maxCommands: l.maxCommandsPerSession,
  maxTransactions: l.maxTransactionsPerSession,
  maxHops: l.maxHops,
  minFreeBytes: l.minFreeSpaceMB * 1024 * 1024,
  authLimit: {
    maxFailures: l.authMaxFailures,
    windowMs: l.authWindowSeconds * 1000,
    lockoutMs: l.authLockoutSeconds * 1000
  },
  rates: {
    windowMs: l.rateWindowSeconds * 1000,
    connectionsPerIp: l.connectionRatePerIp,
    connectionsPerNetwork: l.connectionRatePerNetwork,
    messagesPerIp: l.messageRatePerIp,
    messagesPerNetwork: l.messageRatePerNetwork
  }
})

/**
 * Resolves settings from the decoded configuration (or a raw object, decoded here); relative
 * paths are taken from `base` (the working directory, or the configuration file's directory).
 */
/** AUTH needs TLS (credentials never cross in clear): accounts without `smtp.tls` are a config error. */
const authUsers = (c: GatewayConfig.Config): GatewaySettings["smtp"]["users"] => {
  const users = c.smtp.auth?.users ?? []
  if ((users.length > 0 || c.smtp.auth?.dovecot !== undefined) && c.smtp.tls === undefined)
    throw new ConfigError([
      "smtp.auth: expected smtp.tls to be set too (AUTH is offered inside TLS only), got accounts or dovecot without a certificate"
    ])
  return users
}

/** `smtp.auth.dovecot` with its socket path taken from `base`. */
const dovecotAuth = (c: GatewayConfig.Config, base: string): DovecotSettings | undefined => {
  const d = c.smtp.auth?.dovecot
  if (d === undefined) return undefined
  return {
    endpoint: d.socket !== undefined ? { path: resolve(base, d.socket) } : { host: d.host!, port: d.port! },
    timeoutMs: Math.round(d.timeoutSeconds * 1000),
    bypassAntispam: d.bypassAntispam
  }
}

export function resolveSettings(config: GatewayConfig.Config, base?: string): GatewaySettings
export function resolveSettings(config: unknown, base?: string): GatewaySettings
export function resolveSettings(config: unknown, base = process.cwd()): GatewaySettings {
  const decoded = GatewayConfig.decode(config)
  if (!decoded.ok) throw new ConfigError(decoded.problems)
  const c = decoded.config
  const dataDir = resolve(base, c.dataDir)
  const tls = c.smtp.tls
  return {
    dataDir,
    smtp: {
      host: c.smtp.host,
      port: c.smtp.port,
      hostname: c.smtp.hostname ?? osHostname(),
      maxMessageSize: c.smtp.maxMessageSizeKB * 1024,
      maxRecipients: c.smtp.maxRecipients,
      maxConnections: c.smtp.maxConnections,
      maxConnectionsPerIp: c.smtp.maxConnectionsPerIp,
      bareLineEndings: c.smtp.bareLineEndings,
      tls: smtpTls(tls, base),
      users: authUsers(c),
      dovecot: dovecotAuth(c, base),
      limits: smtpLimits(c.smtp.limits)
    },
    delivery: delivery(c, dataDir, base),
    quarantine: { path: resolve(base, c.quarantine.path ?? `${dataDir}/quarantine`) },
    admin: c.admin,
    antispam: antispamSection(c.antispam, base),
    state: stateSettings(c.state, base),
    config: c
  }
}
