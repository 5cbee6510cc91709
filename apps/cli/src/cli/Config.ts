/**
 * The configuration as the commands use it: the file given with `--config` (or the embedded
 * defaults) with the `MAILMOAT_*` environment overrides, decoded and validated once by core's
 * `GatewayConfig`, plus the places every command shares with the gateway (data directory,
 * quarantine directory).
 *
 * The gateway's full settings (delivery target, TLS files read) come from the gateway app's own
 * `resolveSettings`, loaded only by the commands that need them (`config validate`,
 * `quarantine release`): importing the gateway costs more start-up time than the rest.
 *
 * A configuration problem is an `InputError` listing every problem on its own line (exit 2).
 *
 * @since 0.1.0
 */
import { dirname, join, resolve } from "node:path"
import { GatewayConfig } from "@mailmoat/antispam"
import { ConfigFile } from "@mailmoat/platform-node"
import type { GatewaySettings, StateSettings } from "@mailmoat/gateway"
import { RedisSettings } from "@mailmoat/redis"
import { InputError } from "./Errors.ts"

type Obj = Readonly<Record<string, unknown>>

export interface LoadedConfig {
  /** The decoded configuration (every default filled in by the schema). */
  readonly config: GatewayConfig.Config
  /** The same, as a plain object for section lookups. */
  readonly raw: Obj
  /** Directory relative paths are resolved against (the file's, or the working directory). */
  readonly base: string
  readonly file?: string | undefined
  /** `dataDir`, absolute. */
  readonly dataDir: string
  /** `quarantine.path`, absolute (schema-documented default `<dataDir>/quarantine`). */
  readonly quarantinePath: string
}

export const section = (v: unknown, key: string): Obj => {
  const s = (v as Obj | undefined)?.[key]
  return typeof s === "object" && s !== null && !Array.isArray(s) ? (s as Obj) : {}
}

const heading = (file: string | undefined) => `mailmoat: invalid configuration${file ? ` ${file}` : ""}:`

/** Loads and decodes the configuration (`--config`, else `$MAILMOAT_CONFIG`, else the defaults); throws an `InputError` with every problem. */
export const loadConfig = (given: string | undefined): LoadedConfig => {
  // MAILMOAT_CONFIG is the default --config.
  const file = given ?? (process.env.MAILMOAT_CONFIG || undefined)
  const loaded = ConfigFile.load(GatewayConfig.codec, { file, env: process.env })
  if (!loaded.ok) throw new InputError(loaded.problems, heading(file))
  const config = loaded.config
  const base = file === undefined ? process.cwd() : dirname(resolve(file))
  const dataDir = resolve(base, config.dataDir)
  return {
    config,
    raw: config as unknown as Obj,
    base,
    file,
    dataDir,
    quarantinePath: resolve(base, config.quarantine.path ?? `${dataDir}/quarantine`)
  }
}

/** The gateway's resolved settings (reads the TLS files the configuration names). */
export const gatewaySettings = async (c: LoadedConfig): Promise<GatewaySettings> => {
  const { ConfigError, resolveSettings, StartupError } = await import("@mailmoat/gateway")
  try {
    return resolveSettings(c.config, c.base)
  } catch (e) {
    if (e instanceof ConfigError) throw new InputError(e.problems, heading(c.file))
    if (e instanceof StartupError) throw new InputError([e.message], heading(c.file))
    throw e
  }
}

/** Where `mailmoat lists import` stores lists (the gateway reads them from the same place). */
export const listsDir = (c: LoadedConfig): string => join(c.dataDir, "lists")

/** The `state` section resolved (Redis password and TLS files read); a problem is an `InputError`. */
export const stateSettings = (c: LoadedConfig): StateSettings => {
  try {
    return {
      backend: c.config.state.backend,
      redis: RedisSettings.fromConfig(c.config.state, { base: c.base, env: process.env }),
      waitReplicas: c.config.state.redis?.waitReplicas
    }
  } catch (e) {
    if (e instanceof RedisSettings.RedisConfigError) throw new InputError(e.problems, heading(c.file))
    throw e
  }
}
