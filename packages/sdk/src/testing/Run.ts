/**
 * Run a provider or a stage the way the engine does, from a plain async test, and read the
 * result in the SDK's vocabulary: a lookup gives an answer like the one a provider returns
 * (`{ listed: true, ... }`, `{ listed: false }`, `{ unknown }`), a stage run gives `hits` like
 * the ones a stage returns, with the score each scored.
 *
 * @category testing
 * @since 0.1.0
 */
import type {
  BlocklistProvider,
  BlocklistQuery,
  Decision,
  HeaderChange,
  Message,
  Stage,
  StageInput,
  StageResult,
  SymbolHit
} from "@mailmoat/core"
import { BlocklistRunner, Plugins } from "@mailmoat/core"
import { Effect } from "effect"
import { fromEngineAnswer, type LookupAnswer } from "../Answer.ts"

/** Asks a provider through the engine's runner (timeout, validation, isolation; no cache). */
export const lookup = async (provider: BlocklistProvider, query: BlocklistQuery): Promise<LookupAnswer> =>
  fromEngineAnswer((await Effect.runPromise(BlocklistRunner.make({ cache: false }).lookup(provider, query))).answer)

/** What the engine recorded for one lookup. */
export interface LookupResult {
  readonly answer: LookupAnswer
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
    return { answer: fromEngineAnswer(r.answer), cached: r.cached, inTime: r.inTime }
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
export const loadPlugin = async (
  plugin: Plugins.PluginShape,
  options?: unknown,
  at: { readonly baseDir?: string; readonly use?: string } = {}
): Promise<LoadedForTest> => {
  const r = await Plugins.load([{ use: at.use ?? plugin.name, options }], {
    baseDir: at.baseDir ?? ".",
    importer: async () => ({ default: plugin })
  })
  return { problems: r.problems.map(Plugins.formatProblem), providers: r.providers, stages: r.stages, close: r.close }
}

/** The input a stage of `stage.phase` gets for `message`. */
export const stageInput = (stage: Stage, message: Message): StageInput =>
  stage.phase === "data"
    ? { phase: "data", message, recipients: message.envelope.rcptTo }
    : stage.phase === "rcpt"
      ? { phase: "rcpt", envelope: message.envelope, recipient: message.envelope.rcptTo[0] ?? "postmaster@example.org" }
      : { phase: stage.phase, envelope: message.envelope }

/** A hit as scored: the symbol a stage emitted, its detail and the weight it scored. */
export interface ScoredHit {
  readonly symbol: string
  readonly detail?: string | undefined
  readonly score: number
}

/** A stage's decision as a stage returns it (built-in stages may also `bypass` or `continue`). */
export interface ReportedDecision {
  readonly action: "accept" | "reject" | "tempfail" | "bypass" | "continue"
  readonly reason: string
  /** @deprecated the engine's form; read `action`. */
  readonly _tag: Decision["_tag"]
}

/** What a stage run produced, in the words a stage returns them. */
export interface StageRunResult {
  readonly hits: ReadonlyArray<ScoredHit>
  readonly decision?: ReportedDecision | undefined
  readonly facts?: Readonly<Record<string, unknown>> | undefined
  /** Header changes the stage asked for (applied by the gateway at delivery). */
  readonly headers?: ReadonlyArray<HeaderChange> | undefined
  /** @deprecated the engine's form (`{ name, score, detail, source }`); read `hits`. */
  readonly symbols: ReadonlyArray<SymbolHit>
}

const ACTION = {
  Continue: "continue",
  Bypass: "bypass",
  Accept: "accept",
  Reject: "reject",
  Tempfail: "tempfail"
} as const

const reported = (d: Decision): ReportedDecision => ({
  action: ACTION[d._tag],
  reason: d._tag === "Continue" ? "" : d.reason,
  _tag: d._tag
})

/** The engine's stage result in the SDK's vocabulary. */
export const fromEngineResult = (r: StageResult): StageRunResult => ({
  hits: r.symbols.map((s) => ({ symbol: s.name, detail: s.detail, score: s.score })),
  decision: r.decision === undefined ? undefined : reported(r.decision),
  facts: r.facts,
  ...(r.headers ? { headers: r.headers } : {}),
  symbols: r.symbols
})

/** Runs a stage on a message; rejects with the `StageError` when the stage fails. */
export const runStage = async (stage: Stage, message: Message): Promise<StageRunResult> =>
  fromEngineResult(await Effect.runPromise(stage.run(stageInput(stage, message))))
