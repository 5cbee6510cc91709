/**
 * A phase's plan: its stages in the order given and grouped by `order` (lowest first), which
 * the pipeline runs group after group. An engine runs the same stage list for every message, so
 * the plan is made once per list and phase, and made again when the list has changed since.
 *
 * @category internals
 * @since 0.1.0
 */
import type { Stage, StageInput } from "../Stage.ts"

export interface Plan<R> {
  /** The phase's stages, in the order given. */
  readonly phaseStages: ReadonlyArray<Stage<R>>
  /** The same stages by `order`, lowest first. */
  readonly groups: ReadonlyArray<ReadonlyArray<Stage<R>>>
}

interface PlanEntry<R> {
  /** The list's stages when the plan was made (a list changed since gets a new plan). */
  readonly stages: ReadonlyArray<Stage<R>>
  readonly plan: Plan<R>
}

const plans = new WeakMap<ReadonlyArray<Stage<any>>, Map<StageInput["phase"], PlanEntry<any>>>()

const unchanged = <R>(entry: PlanEntry<R>, stages: ReadonlyArray<Stage<R>>): boolean => {
  if (entry.stages.length !== stages.length) return false
  for (let i = 0; i < stages.length; i++) if (entry.stages[i] !== stages[i]) return false
  return true
}

export const planOf = <R>(stages: ReadonlyArray<Stage<R>>, phase: StageInput["phase"]): Plan<R> => {
  let byPhase = plans.get(stages)
  if (byPhase === undefined) {
    byPhase = new Map()
    plans.set(stages, byPhase)
  }
  const known: PlanEntry<R> | undefined = byPhase.get(phase)
  if (known !== undefined && unchanged(known, stages)) return known.plan
  const phaseStages = stages.filter((s) => s.phase === phase)
  const orders = [...new Set(phaseStages.map((s) => s.order ?? 0))].sort((a, b) => a - b)
  const plan: Plan<R> = { phaseStages, groups: orders.map((o) => phaseStages.filter((s) => (s.order ?? 0) === o)) }
  byPhase.set(phase, { stages: [...stages], plan })
  return plan
}
