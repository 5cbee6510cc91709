/**
 * Reads the gateway configuration file (YAML or JSON) and decodes it with a configuration codec
 * (core's `GatewayConfig.make` for a stage set; the built-in one is `@mailmoat/antispam`'s
 * `GatewayConfig.codec`) plus the `MAILMOAT_*` environment overrides. `node:fs` is available on
 * Node, Bun and Deno.
 *
 * @category constructors
 * @since 0.1.0
 */
import { readFileSync } from "node:fs"
import type { ConfigCodec, ConfigDecoded } from "@mailmoat/core"

export interface LoadOptions {
  /** YAML or JSON file; without it, the defaults (plus `env`). */
  readonly file?: string | undefined
  /** Usually `process.env`; only `MAILMOAT_*` variables are read. */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined
}

export const readText = (
  file: string
): { readonly ok: true; readonly text: string } | { readonly ok: false; readonly error: string } => {
  try {
    return { ok: true, text: readFileSync(file, "utf8") }
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) }
  }
}

/** Reads, parses and decodes the configuration file, then applies the environment overrides. */
export const load = <C>(codec: ConfigCodec<C>, options: LoadOptions = {}): ConfigDecoded<C> => {
  if (options.file === undefined) return codec.decodeText("", { env: options.env })
  const text = readText(options.file)
  if (!text.ok)
    return codec.unreadable(`${options.file}: cannot read the configuration file: ${text.error}`, options.env)
  return codec.decodeText(text.text, { source: options.file, env: options.env })
}
