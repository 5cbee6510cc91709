/**
 * `@mailmoat/sdk`: the one package a third party depends on to extend the Mailmoat gateway
 * with blocklist providers and custom stages.
 *
 * - `defineBlocklistProvider`: "is this IP / domain / address listed?", as an async function or
 *   an Effect; the engine adds timeouts, cancellation, TTL caching, concurrency limits and
 *   error isolation.
 * - `defineStage`: a custom check over read-only message facts, with declared symbols and a budget.
 * - `definePlugin`: the default export of a plugin package: name, `apiVersion`, options schema, setup.
 * - `@mailmoat/sdk/testing`: the conformance kit and test message builder.
 *
 * Everything else (the engine, its runner, its message model) stays behind this surface.
 *
 * @since 0.1.0
 */
export type { Answer, LookupAnswer, LookupUnknownReason, UnknownReason } from "./Answer.ts"
export type {
  AsyncProviderSpec,
  CallbackContext,
  CallbackProviderSpec,
  CheckContext,
  EffectProviderSpec,
  ProviderSpec,
  Query
} from "./BlocklistProvider.ts"
export { defineBlocklistProvider } from "./BlocklistProvider.ts"
export type { BodyView, EnvelopeView, HeaderView, Hop, MessageFacts } from "./MessageFacts.ts"
export type { Contribution, Plugin, PluginHost, PluginSpec } from "./Plugin.ts"
export { definePlugin, SDK_API_VERSION } from "./Plugin.ts"
export type { Hit, StageContext, StageDecision, StageDefinition, StageReturn, StageSpec, SymbolSpec } from "./Stage.ts"
export { defineStage } from "./Stage.ts"
// Options schemas are written with effect's Schema; re-exported so a plugin uses the SDK's copy.
export { Schema } from "effect"
// Every engine type that appears in the SDK's signatures, so a plugin names them from the SDK
// (its only dependency) and its own declarations never need a path into @mailmoat/core.
// Curated on purpose: the engine's other exports are not part of the plugin surface.
export type {
  BlocklistAnswer,
  BlocklistProvider,
  BlocklistQuery,
  Decision,
  HeaderChange,
  Message,
  Phase,
  QueryKind,
  QueryOrigin,
  Stage,
  StageResult,
  SymbolHit
} from "@mailmoat/core"
