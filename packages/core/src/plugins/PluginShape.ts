/**
 * The shape of a plugin as the host sees it. `@mailmoat/sdk`'s `definePlugin` builds values of
 * this shape; core never imports the SDK (the dependency points from sdk to core), so the brand
 * and the types live here.
 *
 * A plugin carries its own options decoder instead of a Schema value: the host calls a function,
 * so it never has to run a Schema built by another copy of `effect`.
 *
 * **Gotchas**
 * The brand is a `Symbol.for` key, so plugins built against another installed copy of the SDK
 * are still recognised; compatibility is decided by `apiVersion`, not by object identity.
 *
 * @category models
 * @since 0.1.0
 */
import type { BlocklistProvider } from "../Blocklist.ts"
import type { Stage } from "../Stage.ts"

/** The plugin API version this host provides. Bumped only on a breaking plugin-API change. */
export const API_VERSION = "1" as const

/** Brand key of plugin values (registry symbol: shared across module copies). */
// (No same-named type alias: the d.ts bundler would export only the type from the namespace.)
export const PluginTypeId: unique symbol = Symbol.for("@mailmoat/core/Plugin") as never

/** One problem found while decoding a plugin's options. */
export interface OptionIssue {
  /** Path inside the options object (`["url"]`, `["lists", 0]`). */
  readonly path: ReadonlyArray<PropertyKey>
  readonly message: string
}

export type OptionsResult =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly issues: ReadonlyArray<OptionIssue> }

/** What the host hands to `setup`. */
export interface PluginHost {
  /** The plugin API version of this host. */
  readonly apiVersion: string
  /** Directory the plugin spec was resolved against (the config file's directory). */
  readonly baseDir: string
  /** Writes one line to the gateway log, prefixed with the plugin name. */
  readonly log: (line: string) => void
}

/** What a plugin contributes. */
export interface PluginContribution {
  readonly providers?: ReadonlyArray<BlocklistProvider> | undefined
  readonly stages?: ReadonlyArray<Stage> | undefined
  /** Releases what `setup` opened (watchers, sockets); called on reload and shutdown. */
  readonly close?: (() => void | Promise<void>) | undefined
}

export interface PluginShape {
  readonly [PluginTypeId]: typeof PluginTypeId
  readonly name: string
  /** The plugin API version the plugin was built for. */
  readonly apiVersion: string
  readonly decodeOptions: (input: unknown) => OptionsResult
  readonly setup: (options: unknown, host: PluginHost) => PluginContribution | Promise<PluginContribution>
}

/** True for values built by `definePlugin` (or anything carrying the brand). */
export const isPlugin = (u: unknown): u is PluginShape =>
  typeof u === "object" && u !== null && (u as Record<PropertyKey, unknown>)[PluginTypeId] === PluginTypeId
