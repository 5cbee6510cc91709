/**
 * The pipeline: runs a phase's stages under one deadline and traces each.
 *
 * @since 0.1.0
 */
export { type PhaseRun, type PipelineOptions, runPhase, type StageRun } from "./Pipeline.ts"
