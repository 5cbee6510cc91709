/**
 * From the decoded `state` section to `RedisConnectionOptions`: reads the password and TLS files
 * the configuration names (relative to the configuration file's directory) and the password
 * environment variable, so a problem stops the start with the key to fix instead of a connection
 * that never authenticates.
 *
 * **Gotchas**
 * - Secrets are read once, here; they end up in the client's options only, never in an error
 *   message, `describe` or a log line.
 * - A password file holds the password on its first line (a trailing newline is not part of it).
 *
 * @category constructors
 * @since 0.1.0
 */
import { readFileSync } from "node:fs"
import { resolve } from "node:path"
import type { GatewayConfig } from "@mailmoat/core"
import type { HostPort, RedisConnectionOptions } from "./RedisConnection.ts"

/** A `state` section that cannot be used; each problem names its key. */
export class RedisConfigError extends Error {
  override readonly name = "RedisConfigError"
  constructor(readonly problems: ReadonlyArray<string>) {
    super(problems.join("\n"))
  }
}

export interface SettingsContext {
  /** Directory relative file names are taken from (the configuration file's). */
  readonly base: string
  readonly env: Readonly<Record<string, string | undefined>>
}

const hostPort = (s: string): HostPort => {
  const colon = s.lastIndexOf(":")
  return { host: s.slice(0, colon).replace(/^\[(.*)\]$/, "$1"), port: Number(s.slice(colon + 1)) }
}

/** The connection options for a `state` section with `backend: redis`; undefined for embedded. */
export const fromConfig = (
  state: GatewayConfig.StateConfig,
  context: SettingsContext
): RedisConnectionOptions | undefined => {
  if (state.backend !== "redis") return undefined
  const problems: Array<string> = []
  const read = (file: string, key: string): string | undefined => {
    try {
      return readFileSync(resolve(context.base, file), "utf8")
    } catch (error) {
      problems.push(
        `${key}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`
      )
      return undefined
    }
  }
  const firstLine = (file: string, key: string): string | undefined => {
    const text = read(file, key)
    if (text === undefined) return undefined
    const line = text.split(/\r?\n/, 1)[0] ?? ""
    if (line === "") problems.push(`${key}: ${file} is empty (the password goes on its first line)`)
    return line
  }
  const r = state.redis ?? {}
  let password = r.password
  if (r.passwordFile !== undefined) password = firstLine(r.passwordFile, "state.redis.passwordFile")
  if (r.passwordEnv !== undefined) {
    password = context.env[r.passwordEnv]
    if (password === undefined || password === "")
      problems.push(`state.redis.passwordEnv: the environment variable ${r.passwordEnv} is not set`)
  }
  const tls = r.tls && {
    ca: r.tls.caFile === undefined ? undefined : read(r.tls.caFile, "state.redis.tls.caFile"),
    cert: r.tls.certFile === undefined ? undefined : read(r.tls.certFile, "state.redis.tls.certFile"),
    key: r.tls.keyFile === undefined ? undefined : read(r.tls.keyFile, "state.redis.tls.keyFile"),
    servername: r.tls.serverName
  }
  const s = r.sentinel
  const sentinel = s && {
    masterName: s.masterName,
    nodes: s.nodes.map(hostPort),
    username: s.username,
    password: s.passwordFile === undefined ? s.password : firstLine(s.passwordFile, "state.redis.sentinel.passwordFile")
  }
  if (problems.length > 0) throw new RedisConfigError(problems)
  return {
    url: state.url,
    username: r.username,
    password,
    tls,
    sentinel,
    cluster: r.cluster && { nodes: r.cluster.nodes.map(hostPort) },
    keyPrefix: state.keyPrefix,
    commandTimeoutMillis: r.commandTimeoutMillis,
    connectTimeoutMillis: r.connectTimeoutMillis
  }
}
