/**
 * Plugins: the host side of `@mailmoat/sdk`. The brand and shapes a plugin value has, the
 * loader that resolves `plugins: [{ use, options }]` from the config, and the guards the host
 * wraps around every provider and stage a plugin contributes.
 *
 * @since 0.1.0
 */
export type { OptionIssue, OptionsResult, PluginContribution, PluginHost, PluginShape } from "./PluginShape.ts"
export { API_VERSION, isPlugin, PluginTypeId } from "./PluginShape.ts"
export type { Importer, LoadedPlugin, LoadOptions, LoadResult, PluginProblem, PluginSpec } from "./Load.ts"
export { formatPath, formatProblem, load } from "./Load.ts"
export type { ProviderCheckOptions } from "./Guard.ts"
export {
  checkAnswer,
  checkProvider,
  checkStage,
  guardProvider,
  guardStage,
  headerChangesProblem,
  MAX_HEADER_CHANGES,
  MAX_HITS,
  MAX_MILLIS,
  MAX_TEXT
} from "./Guard.ts"
