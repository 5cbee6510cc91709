/**
 * The configuration as the commands use it: the file given with `--config` (or the embedded
 * defaults), decoded and validated once, plus the gateway's resolved settings (data directory,
 * quarantine path, delivery) so every command finds the same places the gateway uses.
 *
 * A configuration problem is an `InputError` listing every problem on its own line (exit 2).
 *
 * @since 0.1.0
 */
import { dirname, join, resolve } from "node:path"
import { GatewayConfig } from "@mailmoat/core"
import { type GatewaySettings, resolveSettings } from "@mailmoat/gateway"
import { InputError } from "./Errors.ts"

export interface LoadedConfig {
  /** The decoded configuration object (defaults filled where the schema has them). */
  readonly raw: Readonly<Record<string, unknown>>
  /** Directory relative paths are resolved against (the file's, or the working directory). */
  readonly base: string
  readonly file?: string | undefined
  readonly settings: GatewaySettings
}

type Obj = Readonly<Record<string, unknown>>
export const section = (v: unknown, key: string): Obj => {
  const s = (v as Obj | undefined)?.[key]
  return typeof s === "object" && s !== null && !Array.isArray(s) ? (s as Obj) : {}
}

/**
 * Loads the configuration through core's `GatewayConfig` (file + `MAILMOAT_*` environment
 * overrides), throwing an `InputError` with every problem when it does not decode.
 */
export const loadConfig = (file: string | undefined): LoadedConfig => {
  const loaded = GatewayConfig.load({ file, env: process.env })
  if (!loaded.ok) throw new InputError(loaded.problems, `mailmoat: invalid configuration${file ? ` ${file}` : ""}:`)
  const raw = loaded.config as unknown as Obj
  const base = file === undefined ? process.cwd() : dirname(resolve(file))
  let settings: GatewaySettings
  try {
    settings = resolveSettings(raw, base)
  } catch (e) {
    throw new InputError([(e as Error).message], `mailmoat: invalid configuration${file ? ` ${file}` : ""}:`)
  }
  return { raw, base, file, settings }
}

/** Where `mailmoat lists import` stores lists (the gateway reads them from the same place). */
export const listsDir = (c: LoadedConfig): string => join(c.settings.dataDir, "lists")

export interface StateSettings {
  readonly backend: "embedded" | "redis"
  readonly url?: string | undefined
  readonly keyPrefix: string
}

export const stateSettings = (c: LoadedConfig): StateSettings => {
  const s = section(c.raw, "state")
  return {
    backend: s.backend === "redis" ? "redis" : "embedded",
    url: typeof s.url === "string" ? s.url : undefined,
    keyPrefix: typeof s.keyPrefix === "string" ? s.keyPrefix : "mailmoat:"
  }
}
