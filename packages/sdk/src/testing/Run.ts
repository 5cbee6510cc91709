/**
 * Run a provider or a stage the way the engine does, from a plain async test.
 *
 * @category testing
 * @since 0.1.0
 */
import type { BlocklistAnswer, BlocklistProvider, BlocklistQuery, Message, Stage, StageInput, StageResult } from "@mailmoat/core"
import { BlocklistRunner, Plugins } from "@mailmoat/core"
import { Effect } from "effect"

/** Asks a provider through the engine's runner (timeout, validation, isolation; no cache). */
export const lookup = async (provider: BlocklistProvider, query: BlocklistQuery): Promise<BlocklistAnswer> =>
  (await Effect.runPromise(BlocklistRunner.make({ cache: false }).lookup(provider, query))).answer

/** What the engine recorded for one lookup. */
export interface LookupResult {
  readonly answer: BlocklistAnswer
  /** Served from the engine's TTL cache. */
  readonly cached: boolean
  /** False when the provider did not answer within its timeout. */
  readonly inTime: boolean
}

/** A lookup function sharing one engine TTL cache across calls: test your TTLs with it. */
export const cachedLookup = (): ((provider: BlocklistProvider, query: BlocklistQuery) => Promise<LookupResult>) => {
  const runner = BlocklistRunner.make()
  return async (provider, query) => {
    const r = await Effect.runPromise(runner.lookup(provider, query))
    return { answer: r.answer, cached: r.cached, inTime: r.inTime }
  }
}

export interface LoadedForTest {
  /** The gateway's messages, e.g. `plugins[0] (@acme/x).options.url: Expected string, got 3`. */
  readonly problems: ReadonlyArray<string>
  readonly providers: ReadonlyArray<BlocklistProvider>
  readonly stages: ReadonlyArray<Stage>
  readonly close: () => Promise<void>
}

/**
 * Loads a plugin value the way the gateway does (as `plugins[0]`): API version check, options
 * decoding, setup, host guards. `baseDir` plays the config file's directory (default: cwd).
 */
export const loadPlugin = async (plugin: Plugins.PluginShape, options?: unknown, at: { readonly baseDir?: string; readonly use?: string } = {}): Promise<LoadedForTest> => {
  const r = await Plugins.load([{ use: at.use ?? plugin.name, options }], { baseDir: at.baseDir ?? ".", importer: async () => ({ default: plugin }) })
  return { problems: r.problems.map(Plugins.formatProblem), providers: r.providers, stages: r.stages, close: r.close }
}

/** The input a stage of `stage.phase` gets for `message`. */
export const stageInput = (stage: Stage, message: Message): StageInput =>
  stage.phase === "data"
    ? { phase: "data", message, recipients: message.envelope.rcptTo }
    : stage.phase === "rcpt"
      ? { phase: "rcpt", envelope: message.envelope, recipient: message.envelope.rcptTo[0] ?? "postmaster@example.org" }
      : { phase: stage.phase, envelope: message.envelope }

/** Runs a stage on a message; rejects with the `StageError` when the stage fails. */
export const runStage = (stage: Stage, message: Message): Promise<StageResult> => Effect.runPromise(stage.run(stageInput(stage, message)))
