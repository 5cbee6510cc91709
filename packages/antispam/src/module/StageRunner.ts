/**
 * Runs the data-phase stages of the server antispam module through the core pipeline (same
 * order groups, budgets, failure tracing) and returns one run per stage, in stage order.
 *
 * @category services
 * @since 0.1.0
 */
import type { Stage, StageInput } from "@mailmoat/core"
import { Pipeline } from "@mailmoat/core"
import { Effect } from "effect"

/** Runs `stages` (sorted by order, same order concurrently); returns traces in stage order. */
export const runStages = (stages: ReadonlyArray<Stage>, input: StageInput, deadlineMillis?: number): Effect.Effect<ReadonlyArray<Pipeline.StageRun>> =>
  Pipeline.runPhase(stages, input, { deadlineMillis }).pipe(Effect.map((phase) => phase.runs))
