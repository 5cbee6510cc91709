/**
 * The server antispam profile: `makeServerAntispam(config.antispam, services)` assembles the
 * built-in server stage set (`stages/StageSets.ts`), plugin stages, the policy and the
 * temporary-rejection step into one core `Engine`, once, and gives the gateway a
 * `MessageEvaluator` (one outcome per recipient), the engine itself (for the SMTP session's
 * connect, mail and rcpt phases) and a `status()` for its status page.
 *
 * `evaluate` never fails: the engine fails open per stage, and answers `Tempfail` for every
 * recipient if it fails itself (logged).
 *
 * @category constructors
 * @since 0.1.0
 */
import {
  type Engine,
  Facts,
  type MessageEvaluator,
  type RecipientOutcome,
  type Stage,
  State,
  type TempRejectStoreShape
} from "@mailmoat/core"
import { Clock, Effect } from "effect"
import * as AnalysisSubmitter from "../analysis/AnalysisSubmitter.ts"
import * as DmarcStep from "../auth/DmarcStep.ts"
import type { ZoneHealth } from "../health/ListHealth.ts"
import { type AntispamInput, resolve } from "../Settings.ts"
import * as MemoryReputationStore from "../reputation/MemoryReputationStore.ts"
import type { ReputationStoreShape } from "../reputation/ReputationStore.ts"
import * as ReputationUpdate from "../reputation/Update.ts"
import * as StageSets from "../stages/StageSets.ts"
import * as TempRejectStep from "../tempreject/TempRejectStep.ts"
import * as Assembly from "./Assembly.ts"
import * as Counters from "./Counters.ts"

export type { AntispamCounters } from "./Counters.ts"

export interface AntispamServices extends Assembly.AssemblyServices {
  /** Temporary-rejection records; default embedded memory (`@mailmoat/redis` to share). */
  readonly stateStore?: TempRejectStoreShape | undefined
  /** Plugin stages and the classifier: the same kind of value as the built-in stages. */
  readonly stages?: ReadonlyArray<Stage> | undefined
  /** Analysis submission retry tuning (tests). */
  readonly analysis?:
    | { readonly attempts?: number | undefined; readonly backoffMillis?: number | undefined }
    | undefined
}

export interface AntispamStatus {
  readonly enabled: boolean
  readonly state: "on" | "off"
  readonly modules: Readonly<Record<string, unknown>>
  readonly lists: ReadonlyArray<ZoneHealth>
  readonly counters: Readonly<Counters.AntispamCounters>
}

export interface ServerAntispam extends MessageEvaluator {
  /** The engine, built once: the SMTP session runs its connect, mail and rcpt phases. */
  readonly engine: Engine.Engine
  /** `engine.data` with the profile's log and clock, counted. */
  readonly data: (
    message: Parameters<Engine.Engine["data"]>[0],
    earlier?: Engine.Earlier
  ) => Effect.Effect<ReadonlyArray<RecipientOutcome>>
  readonly status: () => AntispamStatus
  /** Probes every list zone now (RFC 5782 test points) and returns the health table. */
  readonly probeHealth: () => Promise<ReadonlyArray<ZoneHealth>>
  readonly counters: () => Readonly<Counters.AntispamCounters>
  readonly analysis?: AnalysisSubmitter.AnalysisSubmitter | undefined
  readonly close: () => Promise<void>
}

export const makeServerAntispam = (config: AntispamInput | undefined, services: AntispamServices): ServerAntispam => {
  const settings = resolve(config ?? {})
  const r = settings.reputation
  // Without a store from the caller, reputation lives in this profile's memory.
  const reputation: ReputationStoreShape | undefined = r.enabled
    ? (services.reputationStore ?? MemoryReputationStore.make(r.maxEntries))
    : undefined
  const assembly = Assembly.make(settings, { ...services, reputationStore: reputation }, true)
  // Without a store from the caller, records expire by the profile's clock (\`now\`, else the default Clock).
  const store =
    services.stateStore ??
    State.makeMemoryTempRejectStore(services.now ?? (() => Clock.Clock.defaultValue().currentTimeMillisUnsafe()))
  const t = settings.tempReject
  const analysis =
    t.submitForAnalysis && t.analysisUrl
      ? AnalysisSubmitter.make({
          url: t.analysisUrl,
          timeoutMillis: t.analysisTimeoutSeconds * 1000,
          queueSize: t.analysisQueueSize,
          attempts: services.analysis?.attempts,
          backoffMillis: services.analysis?.backoffMillis
        })
      : undefined
  const engine = Assembly.engineOf({
    stages: [...StageSets.server(assembly.context), ...(services.stages ?? [])],
    policy: { spamScore: settings.spamScore, onSpam: settings.onSpam },
    scores: settings.scores,
    verdictSteps: [
      ...[DmarcStep.fromContext(assembly.context)].filter((s) => s !== undefined),
      ...(t.enabled ? [TempRejectStep.make({ store, periodMinutes: t.periodMinutes, analysis })] : [])
    ],
    scanning: settings.enabled,
    // The directory's per-recipient onSpam / spamScore / subjectPrefix (none without a directory).
    recipientPolicies: assembly.context.directory?.policyOf
  })
  const counters = Counters.make()
  const count = (outcomes: ReadonlyArray<RecipientOutcome>) => Effect.sync(() => counters.count(outcomes))
  const record = reputation && ReputationUpdate.make({ store: reputation, halfLifeHours: r.halfLifeHours })
  // Reputation off: the path as it always was (no facts made, nothing forked).
  const data =
    record === undefined
      ? (message: Parameters<Engine.Engine["data"]>[0], earlier?: Engine.Earlier) =>
          assembly.run(engine.data(message, earlier)).pipe(Effect.tap(count))
      : (message: Parameters<Engine.Engine["data"]>[0], earlier?: Engine.Earlier) => {
          // The facts the reputation stage leaves its keys in, read once the outcomes are known.
          const facts = earlier?.facts ?? Facts.make()
          return assembly
            .run(engine.data(message, { ...earlier, facts }).pipe(Effect.tap((outcomes) => record(outcomes, facts))))
            .pipe(Effect.tap(count))
        }
  const lists = () => assembly.lists.get()
  const directory = assembly.context.directory

  return {
    engine,
    data,
    evaluate: (message) => data(message),
    analysis,
    counters: counters.snapshot,
    probeHealth: () => Effect.runPromise(lists().health.probeAll),
    status: () => ({
      enabled: settings.enabled,
      state: settings.enabled ? "on" : "off",
      modules: {
        bypass: {
          allowedIps: lists().allowed.networks.length,
          directory: directory ? { generation: directory.generation(), lastError: directory.lastError() } : "none"
        },
        rbl: { zones: lists().rbl.map((p) => p.name) },
        dnsbl: { zones: lists().dnsbl.map((p) => p.name) },
        endUserBlocklist: { enabled: settings.endUserBlocklist.enabled, lists: lists().endUser.map((p) => p.name) },
        auth: { enabled: settings.auth.enabled, dmarcEnforce: settings.dmarc.enforce },
        tempReject: { enabled: t.enabled, store: store.describe, periodMinutes: t.periodMinutes },
        reputation: reputation ? { enabled: true, store: reputation.describe } : { enabled: false },
        analysis: analysis ? { url: t.analysisUrl, ...analysis.counters() } : "off"
      },
      lists: lists().health.status(),
      counters: counters.snapshot()
    }),
    close: async () => {
      assembly.lists.close()
      analysis?.close()
      if (!services.stateStore) await store.close()
      if (reputation && !services.reputationStore) await reputation.close()
    }
  }
}
