/**
 * The engine: stages, phases, policy and verdict steps assembled once per configuration.
 *
 * @since 0.1.0
 */
export {
  type Earlier,
  type Engine,
  EngineError,
  type EngineOptions,
  make,
  type MessageOutcome,
  type PhaseOutcome
} from "./Engine.ts"
export { type Decided, policyRule } from "./Outcomes.ts"
export type { RecipientPolicies, RecipientPolicy } from "./RecipientPolicy.ts"
export type { SymbolRegistry } from "./SymbolRegistry.ts"
export type { VerdictAdjustment, VerdictStep, VerdictStepInput } from "./VerdictStep.ts"
