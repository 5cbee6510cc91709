/**
 * The gateway's resolved view of its configuration: every value it needs, defaults filled in,
 * paths made absolute. `resolveSettings` reads the decoded configuration object (from the core
 * loader, or the embedded defaults when there is no file) and is the only place that knows the
 * configuration's key names, so a schema change touches this file only.
 *
 * Keys read (all optional):
 * ```yaml
 * dataDir: ./data
 * smtp: { host: 127.0.0.1, port: 2525, hostname: mx.example, maxMessageSizeKB: 65536,
 *         maxRecipients: 100, maxConnections: 100, maxConnectionsPerIp: 20,
 *         bareLineEndings: normalise, tls: { certFile: cert.pem, keyFile: key.pem } }
 * delivery:                        # default: maildir under <dataDir>/maildir
 *   maildir: ./data/maildir        # or:
 *   downstream: { host: 127.0.0.1, port: 10025, protocol: smtp|lmtp,
 *                 tls: none|starttls|required, servername: mx.example, caFile: ca.pem,
 *                 timeoutSeconds: 120 }
 * quarantine: { path: ./data/quarantine }
 * admin: { enabled: true, host: 127.0.0.1, port: 8025 }
 * antispam: { enabled: true }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
import { readFileSync } from "node:fs"
import { hostname as osHostname } from "node:os"
import { resolve } from "node:path"

export type DeliverySettings =
  | { readonly mode: "maildir"; readonly path: string }
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
  }
  readonly delivery: DeliverySettings
  readonly quarantine: { readonly path: string }
  readonly admin: { readonly enabled: boolean; readonly host: string; readonly port: number }
  readonly antispam: { readonly enabled: boolean }
}

type Obj = Readonly<Record<string, unknown>>

const obj = (v: unknown): Obj => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Obj) : {})
const str = (v: unknown, d: string): string => (typeof v === "string" && v !== "" ? v : d)
const num = (v: unknown, d: number): number => (typeof v === "number" && Number.isFinite(v) ? v : d)
const bool = (v: unknown, d: boolean): boolean => (typeof v === "boolean" ? v : d)
const oneOf = <A extends string>(v: unknown, options: ReadonlyArray<A>, d: A): A => (options.includes(v as A) ? (v as A) : d)

/** Reads a PEM file named in the configuration, with an error that names the key. */
const readPem = (path: string, key: string, base: string): string => {
  try {
    return readFileSync(resolve(base, path), "utf8")
  } catch (error) {
    throw new Error(`${key}: cannot read ${path}: ${(error as Error).message}`)
  }
}

/**
 * Resolves settings from a decoded configuration object; relative paths are taken from `base`
 * (the working directory, or the configuration file's directory).
 */
export const resolveSettings = (config: unknown, base = process.cwd()): GatewaySettings => {
  const c = obj(config)
  const dataDir = resolve(base, str(c.dataDir, "./data"))
  const smtp = obj(c.smtp)
  const smtpTls = obj(smtp.tls)
  const delivery = obj(c.delivery)
  const downstream = delivery.downstream === undefined ? undefined : obj(delivery.downstream)
  const admin = obj(c.admin)
  return {
    dataDir,
    smtp: {
      host: str(smtp.host, "127.0.0.1"),
      port: num(smtp.port, 2525),
      hostname: str(smtp.hostname, osHostname()),
      maxMessageSize: num(smtp.maxMessageSizeKB, 64 * 1024) * 1024,
      maxRecipients: num(smtp.maxRecipients, 100),
      maxConnections: num(smtp.maxConnections, 100),
      maxConnectionsPerIp: num(smtp.maxConnectionsPerIp, 20),
      bareLineEndings: oneOf(smtp.bareLineEndings, ["normalise", "reject"], "normalise"),
      tls:
        typeof smtpTls.certFile === "string" && typeof smtpTls.keyFile === "string"
          ? { cert: readPem(smtpTls.certFile, "smtp.tls.certFile", base), key: readPem(smtpTls.keyFile, "smtp.tls.keyFile", base) }
          : undefined
    },
    delivery:
      downstream === undefined
        ? { mode: "maildir", path: resolve(base, str(delivery.maildir, `${dataDir}/maildir`)) }
        : {
            mode: "relay",
            host: str(downstream.host, "127.0.0.1"),
            port: num(downstream.port, 25),
            protocol: oneOf(downstream.protocol, ["smtp", "lmtp"], "smtp"),
            tls: oneOf(downstream.tls, ["none", "starttls", "required"], "none"),
            servername: typeof downstream.servername === "string" ? downstream.servername : undefined,
            ca: typeof downstream.caFile === "string" ? readPem(downstream.caFile, "delivery.downstream.caFile", base) : undefined,
            dataEndMs: num(downstream.timeoutSeconds, 120) * 1000
          },
    quarantine: { path: resolve(base, str(obj(c.quarantine).path, `${dataDir}/quarantine`)) },
    admin: { enabled: bool(admin.enabled, true), host: str(admin.host, "127.0.0.1"), port: num(admin.port, 8025) },
    antispam: { enabled: bool(obj(c.antispam).enabled, true) }
  }
}
