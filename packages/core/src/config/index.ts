/**
 * The gateway configuration: one Effect Schema for the whole file (`ConfigSchema.ts`), loaded
 * from YAML or JSON plus `MAILMOAT_*` environment overrides, with one clear line per problem:
 * `<path>: expected <what>, got <value>`.
 *
 * ```ts
 * const loaded = GatewayConfig.decodeText(text, { source: "mailmoat.yaml", env })
 * if (!loaded.ok) for (const p of loaded.problems) console.error(`mailmoat: config: ${p}`)
 * ```
 *
 * **Gotchas**
 * - Every problem is collected (not only the first); unknown keys are problems (a typo like
 *   `smtp.prot` is named, with a suggestion).
 * - An empty value (`port:` in YAML) means "not set": the default applies.
 * - Cross-field checks (`state.url` for redis, classifier thresholds, `delivery` maildir vs
 *   downstream, `protocols.clamd`, `tempReject.analysisUrl`) run once their section's own values
 *   decode (Effect checks a struct after its fields), so they show up after those are fixed.
 * - Listen ports (`smtp.port`, `admin.port`, listener `listen`) accept 0 = any free port; ports
 *   we connect to are 1..65535.
 * - Nothing here does I/O: `@mailmoat/platform-node`'s `ConfigFile.load` reads the file and
 *   hands the text to `decodeText` (or its read error to `unreadable`).
 *
 * @since 0.1.0
 */
import { Result, Schema } from "effect"
import { type Config, Config as ConfigSchema } from "./ConfigSchema.ts"
import { toYaml } from "./DefaultsYaml.ts"
import { apply, origin, type Override, parseEnv } from "./EnvOverrides.ts"
import { isMapping, normalise } from "./Normalise.ts"
import { fromIssue, render } from "./Problems.ts"
import { parse } from "./Yaml.ts"

export type {
  AdminConfig,
  AntispamConfig,
  ClassifierConfig,
  Config,
  DeliveryConfig,
  LogConfig,
  PluginConfig,
  ProtocolsConfig,
  QuarantineConfig,
  SmtpConfig,
  StateConfig
} from "./ConfigSchema.ts"
export { ConfigSchema as schema }
export { Antispam as antispamSchema } from "./AntispamSchema.ts"
export { PREFIX as ENV_PREFIX } from "./EnvOverrides.ts"

export type Decoded = { readonly ok: true; readonly config: Config } | { readonly ok: false; readonly problems: ReadonlyArray<string> }

const decodeResult = Schema.decodeUnknownResult(ConfigSchema)
const options = { errors: "all", onExcessProperty: "error", reportInput: true } as const

const decodeWith = (input: unknown, overrides: ReadonlyArray<Override>): Decoded => {
  let result: ReturnType<typeof decodeResult>
  try {
    result = decodeResult(normalise(input), options)
  } catch (error) {
    // Defensive: decoding plain data does not throw, but a getter or proxy in the input could.
    return { ok: false, problems: [`(top level): cannot be read: ${error instanceof Error ? error.message : String(error)}`] }
  }
  if (Result.isSuccess(result)) return { ok: true, config: result.success }
  return {
    ok: false,
    problems: fromIssue(result.failure.issue).map((p) => {
      const from = origin(p.path, overrides)
      return from === undefined ? render(p) : `${render(p)} (set by ${from})`
    })
  }
}

/** Decodes a configuration object (a parsed file, or an already decoded `Config`). Never throws. */
export const decode = (input: unknown): Decoded => decodeWith(input, [])

let cachedDefaults: Config | undefined

/** The complete configuration when nothing is set. */
export const defaults = (): Config => {
  if (cachedDefaults === undefined) {
    const d = decode({})
    if (!d.ok) throw new Error(`the configuration defaults do not decode: ${d.problems.join("; ")}`)
    cachedDefaults = d.config
  }
  return cachedDefaults
}

/** The defaults as a commented YAML file; it decodes to `defaults()`. */
export const defaultsYaml = (): string =>
  toYaml(ConfigSchema.ast, defaults(), [
    "Mailmoat gateway configuration: every key with its default.",
    "Environment overrides: MAILMOAT_<PATH> with __ between segments, e.g. MAILMOAT_SMTP__PORT=2626.",
    "Relative paths are taken from this file's directory."
  ])

export interface TextOptions {
  /** Name used in syntax-error messages (a file name). */
  readonly source?: string | undefined
  readonly env?: Readonly<Record<string, string | undefined>> | undefined
}

const combine = (fileValue: unknown, fileProblems: ReadonlyArray<string>, env: TextOptions["env"]): Decoded => {
  const fromEnv = parseEnv(env ?? {}, ConfigSchema.ast)
  if (fileProblems.length > 0) return { ok: false, problems: [...fileProblems, ...fromEnv.problems] }
  const input = isMapping(fileValue) ? apply(fileValue, fromEnv.overrides) : fileValue
  const decoded = decodeWith(input, fromEnv.overrides)
  const problems = [...fromEnv.problems, ...(decoded.ok ? [] : decoded.problems)]
  return problems.length === 0 ? decoded : { ok: false, problems }
}

/** Decodes YAML/JSON text plus environment overrides (no I/O). */
export const decodeText = (text: string, options: TextOptions = {}): Decoded => {
  const parsed = parse(text, options.source ?? "configuration")
  return parsed.ok ? combine(parsed.value ?? {}, [], options.env) : combine(undefined, parsed.problems, options.env)
}

/** The outcome for a configuration file that could not be read (`problem` names the file). */
export const unreadable = (problem: string, env?: TextOptions["env"]): Decoded => combine(undefined, [problem], env)
