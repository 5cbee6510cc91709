/**
 * `definePlugin`: the one value a plugin package exports (as `default`). It names the plugin,
 * declares the SDK API version it was built for, its options schema, and a `setup` that returns
 * the providers and stages it contributes.
 *
 * The gateway loads it from `plugins: [{ use: "@acme/mailmoat-abuse-feed", options: {...} }]`,
 * refuses it when `apiVersion` is not the one the gateway provides, decodes `options` with
 * the schema (unknown keys are errors: config typos do not pass silently; messages carry the
 * config path, e.g. `plugins[0] (@acme/x).options.url: Expected string`), then calls `setup`.
 *
 * @category constructors
 * @since 0.1.0
 */
import type { BlocklistProvider, Stage } from "@mailmoat/core"
import { Plugins } from "@mailmoat/core"
import { Result, Schema, SchemaIssue } from "effect"

/**
 * The plugin API version this SDK builds plugins for. Plugins declare it as `apiVersion`; the
 * gateway refuses plugins built for another version.
 *
 * @since 0.1.0
 */
export const SDK_API_VERSION: typeof Plugins.API_VERSION = Plugins.API_VERSION

/** What the gateway hands to `setup`. */
export interface PluginHost extends Plugins.PluginHost {}

/** What `setup` returns. */
export interface Contribution {
  readonly providers?: ReadonlyArray<BlocklistProvider> | undefined
  readonly stages?: ReadonlyArray<Stage> | undefined
  /** Releases what `setup` opened (file watchers, sockets); the gateway calls it on reload and shutdown. */
  readonly close?: (() => void | Promise<void>) | undefined
}

export interface PluginSpec<O> {
  /** The plugin's name, usually its npm package name. */
  readonly name: string
  /** The SDK API version the plugin was built for: write `SDK_API_VERSION`. */
  readonly apiVersion: string
  /** Schema of the `options` object in the gateway config. Omit when the plugin takes none. */
  readonly options?: Schema.Decoder<O> | undefined
  /** Builds providers and stages from the decoded options. May be async (open files, warm caches). */
  readonly setup: (options: O, host: PluginHost) => Contribution | Promise<Contribution>
}

/** A plugin value, recognised by the gateway's loader. (An interface, so plugin d.ts files can name it.) */
export interface Plugin extends Plugins.PluginShape {}

const formatter = SchemaIssue.makeFormatterStandardSchemaV1()

const valueAt = (input: unknown, path: ReadonlyArray<PropertyKey>): unknown =>
  path.reduce<unknown>(
    (v, k) => (typeof v === "object" && v !== null ? (v as Record<PropertyKey, unknown>)[k] : undefined),
    input
  )

const preview = (v: unknown): string => {
  let text: string
  try {
    text = JSON.stringify(v) ?? String(v)
  } catch {
    text = String(v)
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text
}

const decoderFor = (schema: Schema.Decoder<unknown> | undefined) => {
  if (schema === undefined)
    return (input: unknown): Plugins.OptionsResult =>
      input === undefined || (typeof input === "object" && input !== null && Object.keys(input).length === 0)
        ? { ok: true, value: undefined }
        : { ok: false, issues: [{ path: [], message: "this plugin takes no options" }] }
  const decode = Schema.decodeUnknownResult(schema as Schema.Codec<unknown, unknown>)
  return (input: unknown): Plugins.OptionsResult => {
    const r = decode(input, { errors: "all", onExcessProperty: "error" })
    if (Result.isSuccess(r)) return { ok: true, value: r.success }
    const issues = formatter(r.failure.issue).issues.map((i) => {
      const path = (i.path ?? []).map((k) =>
        typeof k === "object" && k !== null ? (k as { key: PropertyKey }).key : k
      )
      // Say what was found: config errors are fixed faster when the bad value is shown.
      const shown = /^Expected (?!no excess)/.test(i.message) ? `, got ${preview(valueAt(input, path))}` : ""
      return { path, message: `${i.message}${shown}` }
    })
    return { ok: false, issues }
  }
}

/**
 * Defines a plugin. Throws a `TypeError` when the definition itself is wrong.
 *
 * @example
 * ```ts
 * import { definePlugin, SDK_API_VERSION } from "@mailmoat/sdk"
 * import { Schema } from "effect"
 *
 * export default definePlugin({
 *   name: "@acme/mailmoat-abuse-feed",
 *   apiVersion: SDK_API_VERSION,
 *   options: Schema.Struct({ url: Schema.String, timeoutMillis: Schema.optional(Schema.Number) }),
 *   setup: (options) => ({ providers: [abuseFeed(options)] })
 * })
 * ```
 * @category constructors
 * @since 0.1.0
 */
export const definePlugin = <O = undefined>(spec: PluginSpec<O>): Plugin => {
  if (typeof spec?.name !== "string" || spec.name.length === 0 || spec.name.length > 214)
    throw new TypeError("definePlugin: name must be a non-empty string")
  if (typeof spec.apiVersion !== "string")
    throw new TypeError(`definePlugin(${spec.name}): apiVersion must be a string (write SDK_API_VERSION)`)
  if (typeof spec.setup !== "function") throw new TypeError(`definePlugin(${spec.name}): setup must be a function`)
  if (spec.options !== undefined && !Schema.isSchema(spec.options))
    throw new TypeError(`definePlugin(${spec.name}): options must be an effect Schema`)
  return Object.freeze({
    [Plugins.PluginTypeId]: Plugins.PluginTypeId as typeof Plugins.PluginTypeId,
    name: spec.name,
    apiVersion: spec.apiVersion,
    decodeOptions: decoderFor(spec.options as Schema.Decoder<unknown> | undefined),
    setup: (options: unknown, host: PluginHost) => spec.setup(options as O, host)
  })
}
