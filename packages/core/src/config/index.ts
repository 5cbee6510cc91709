/**
 * The gateway configuration: one Effect Schema for the whole file (`ConfigSchema.ts`), loaded
 * from YAML or JSON plus `MAILMOAT_*` environment overrides, with one clear line per problem:
 * `<path>: expected <what>, got <value>`. The `antispam` section belongs to the stage set, so
 * the codec is made for one: `make(section)`, with a section composed by
 * `composeAntispam(stageFields)` (the built-in one is `@mailmoat/antispam`'s `GatewayConfig`).
 *
 * ```ts
 * const config = GatewayConfig.make(GatewayConfig.composeAntispam([{ options: { rbl: RblSection } }]))
 * const loaded = config.decodeText(text, { source: "mailmoat.yaml", env })
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
import type { AnySection } from "./AntispamSection.ts"
import { type ConfigOf, make as makeSchema } from "./ConfigSchema.ts"
import { toYaml } from "./DefaultsYaml.ts"
import { apply, origin, type Override, parseEnv } from "./EnvOverrides.ts"
import { isMapping, normalise } from "./Normalise.ts"
import { fromIssue, render } from "./Problems.ts"
import { parse } from "./Yaml.ts"

export type {
  AdminConfig,
  ClassifierConfig,
  ConfigOf,
  DeliveryConfig,
  LogConfig,
  PluginConfig,
  ProtocolsConfig,
  QuarantineConfig,
  SmtpConfig,
  StateConfig
} from "./ConfigSchema.ts"
export {
  type AnySection,
  compose as composeAntispam,
  type Contribution,
  type MergedFields,
  policyFields,
  type Section
} from "./AntispamSection.ts"
export { type ClamdDeadline, clamdSchema } from "./ClamdSchema.ts"
export { autolearnDefaults } from "./ClassifierSchema.ts"
export { PREFIX as ENV_PREFIX } from "./EnvOverrides.ts"
/** The value builders (with the `expected` phrases problems use) for stage option schemas. */
export * as Fields from "./Fields.ts"
/** The value formats (CIDR, zone, resolver, URL, ...) shared by the sections. */
export * as Formats from "./Formats.ts"

export type Decoded<C> =
  | { readonly ok: true; readonly config: C }
  | { readonly ok: false; readonly problems: ReadonlyArray<string> }

export interface TextOptions {
  /** Name used in syntax-error messages (a file name). */
  readonly source?: string | undefined
  readonly env?: Readonly<Record<string, string | undefined>> | undefined
}

/** The configuration codec for one `antispam` section: decoding, defaults, the commented defaults file. */
export interface Codec<C> {
  readonly schema: Schema.Codec<C, unknown>
  /** Decodes a configuration object (a parsed file, or an already decoded configuration). Never throws. */
  readonly decode: (input: unknown) => Decoded<C>
  /** Decodes YAML/JSON text plus environment overrides (no I/O). */
  readonly decodeText: (text: string, options?: TextOptions) => Decoded<C>
  /** The outcome for a configuration file that could not be read (`problem` names the file). */
  readonly unreadable: (problem: string, env?: TextOptions["env"]) => Decoded<C>
  /** The complete configuration when nothing is set. */
  readonly defaults: () => C
  /** The defaults as a commented YAML file; it decodes to `defaults()`. */
  readonly defaultsYaml: () => string
}

const options = { errors: "all", onExcessProperty: "error", reportInput: true } as const

const HEADER = [
  "Mailmoat gateway configuration: every key with its default.",
  "Environment overrides: MAILMOAT_<PATH> with __ between segments, e.g. MAILMOAT_SMTP__PORT=2626.",
  "Relative paths are taken from this file's directory."
]

/** The codec of the configuration whose `antispam` section is `antispam`. */
export const make = <A extends AnySection>(antispam: A): Codec<ConfigOf<A>> => {
  type C = ConfigOf<A>
  const schema = makeSchema(antispam)
  const decodeResult = Schema.decodeUnknownResult(schema)

  const decodeWith = (input: unknown, overrides: ReadonlyArray<Override>): Decoded<C> => {
    let result: ReturnType<typeof decodeResult>
    try {
      result = decodeResult(normalise(input), options)
    } catch (error) {
      // Defensive: decoding plain data does not throw, but a getter or proxy in the input could.
      return {
        ok: false,
        problems: [`(top level): cannot be read: ${error instanceof Error ? error.message : String(error)}`]
      }
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

  const decode = (input: unknown): Decoded<C> => decodeWith(input, [])

  let cachedDefaults: C | undefined
  const defaults = (): C => {
    if (cachedDefaults === undefined) {
      const d = decode({})
      if (!d.ok) throw new Error(`the configuration defaults do not decode: ${d.problems.join("; ")}`)
      cachedDefaults = d.config
    }
    return cachedDefaults
  }

  const combine = (fileValue: unknown, fileProblems: ReadonlyArray<string>, env: TextOptions["env"]): Decoded<C> => {
    const fromEnv = parseEnv(env ?? {}, schema.ast)
    if (fileProblems.length > 0) return { ok: false, problems: [...fileProblems, ...fromEnv.problems] }
    const input = isMapping(fileValue) ? apply(fileValue, fromEnv.overrides) : fileValue
    const decoded = decodeWith(input, fromEnv.overrides)
    const problems = [...fromEnv.problems, ...(decoded.ok ? [] : decoded.problems)]
    return problems.length === 0 ? decoded : { ok: false, problems }
  }

  return {
    schema,
    decode,
    defaults,
    defaultsYaml: () => toYaml(schema.ast, defaults(), HEADER),
    decodeText: (text, textOptions = {}) => {
      const parsed = parse(text, textOptions.source ?? "configuration")
      return parsed.ok
        ? combine(parsed.value ?? {}, [], textOptions.env)
        : combine(undefined, parsed.problems, textOptions.env)
    },
    unreadable: (problem, env) => combine(undefined, [problem], env)
  }
}
