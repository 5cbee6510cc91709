/**
 * `reputation` (data): how mail from this message's sources was judged before, as symbols. One
 * batched lookup per message (every key in one store call: one Redis round trip), each key's
 * buckets decayed (`Decay.ts`) and scored (`Score.ts`). The keys it looked up stay in the
 * message's facts (`ReputationKeys`) for the update after the verdict (`Update.ts`).
 *
 * The sending IP is the sender hop of the Received chain, the one the RBL and SPF checks use
 * (the connecting client unless our own trusted relays handed the message on). Mail of an
 * authenticated SMTP session (our own users' submissions) is neither scored nor counted.
 *
 * **Gotchas**
 * - A store that cannot be reached costs `REPUTATION_STORE_DOWN` (weight 0) and a warning; the
 *   message is scored without reputation and its update is skipped.
 * - The domain key waits for the sender-authentication facts (shared with the auth stage, so no
 *   second check); with `antispam.auth.enabled: false` there is no domain key.
 *
 * @category stages
 * @since 0.1.0
 */
import {
  EMPTY_LIST,
  type FactKey,
  Facts,
  type Stage,
  type StageInput,
  type StageResult,
  type SymbolHit
} from "@mailmoat/core"
import { Clock, Effect } from "effect"
import { AntispamConfigError } from "../config/AntispamConfigError.ts"
import { isSubmission, senderOf } from "../auth/AuthStage.ts"
import { define } from "../stages/Builtin.ts"
import type { StageContext } from "../stages/StageContext.ts"
import { hit } from "../Symbols.ts"
import * as Decay from "./Decay.ts"
import * as Keys from "./Keys.ts"
import { options } from "./options.ts"
import type { ReputationStoreShape } from "./ReputationStore.ts"
import { ReputationSymbols } from "./symbols.ts"
import * as Score from "./Score.ts"

export type ReputationSettings = StageContext["settings"]["reputation"]

/** The keys a message's lookup answered for: what its verdict is counted under. */
export const ReputationKeys: FactKey<ReadonlyArray<string>> = Facts.key<ReadonlyArray<string>>("reputation.keys")

const SOURCE = "reputation"
const NOTHING: StageResult = { symbols: EMPTY_LIST }

const NAMES = {
  ip: { bad: "REPUTATION_IP_BAD", good: "REPUTATION_IP_GOOD" },
  network: { bad: "REPUTATION_NET_BAD", good: "REPUTATION_NET_GOOD" },
  domain: { bad: "REPUTATION_DOMAIN_BAD", good: "REPUTATION_DOMAIN_GOOD" }
} as const

const fixed = (n: number): string => (Math.round(n * 100) / 100).toString()

/** The symbol a key's history earns, if any. */
export const symbolOf = (
  key: Keys.ReputationKey,
  counts: Decay.Counts,
  settings: ReputationSettings
): SymbolHit | undefined => {
  const j = Score.judge(counts, settings.minMessages, settings[key.kind])
  if (j === undefined) return undefined
  return {
    name: NAMES[key.kind][j.side],
    score: j.score,
    source: SOURCE,
    detail: `${key.subject}: ${fixed(counts.spam)} spam / ${fixed(counts.ham)} ham (decayed), spam ratio ${fixed(j.ratio)}`
  }
}

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e))

export interface ReputationStageOptions {
  readonly settings: ReputationSettings
  readonly store: ReputationStoreShape
  readonly context: Pick<StageContext, "chain" | "authenticator">
  /** Whether the sender-authentication facts can name a domain (`antispam.auth.enabled`). */
  readonly domains: boolean
  readonly budgetMillis: number
}

export const make = (options: ReputationStageOptions): Stage => {
  const { settings, store } = options
  const sender = senderOf(options.context)
  const lookup = (input: Extract<StageInput, { phase: "data" }>) =>
    Effect.gen(function* () {
      const message = input.message
      if (isSubmission(message)) return { symbols: EMPTY_LIST, facts: { skipped: "authenticated session" } }
      const facts = Facts.of(input)
      const domain = options.domains
        ? Keys.authenticatedDomain(yield* options.context.authenticator.facts(message, facts))
        : undefined
      const keys = Keys.derive(sender(message, facts).ip, domain)
      if (keys.length === 0) return NOTHING
      const window = Decay.windowAt(yield* Clock.currentTimeMillis, settings.halfLifeHours)
      const names = keys.map((k) => k.key)
      const found = yield* Effect.promise(() =>
        store.lookup(names, window).then(
          (buckets) => ({ ok: true as const, buckets }),
          (error: unknown) => ({ ok: false as const, error: errorText(error) })
        )
      )
      if (!found.ok) {
        yield* Effect.logWarning(`reputation: skipped, store unreachable (${store.describe}): ${found.error}`)
        return { symbols: [hit(ReputationSymbols, "REPUTATION_STORE_DOWN", SOURCE, found.error)] }
      }
      facts.set(ReputationKeys, names)
      const symbols: Array<SymbolHit> = []
      const seen: Record<string, { ham: number; spam: number }> = {}
      keys.forEach((k, i) => {
        const counts = Decay.decayed(found.buckets[i] ?? [], window)
        seen[k.key] = { ham: Number(fixed(counts.ham)), spam: Number(fixed(counts.spam)) }
        const s = symbolOf(k, counts, settings)
        if (s !== undefined) symbols.push(s)
      })
      return { symbols, facts: { reputation: seen } } satisfies StageResult
    })
  return {
    name: SOURCE,
    phase: "data",
    order: 1,
    budgetMillis: options.budgetMillis,
    symbols: ReputationSymbols,
    run: (input) => (input.phase === "data" ? lookup(input) : Effect.succeed(NOTHING))
  }
}

/**
 * `antispam.scores` would give a reputation symbol one flat score instead of the scaled one:
 * refused, naming the key to use instead.
 */
const flatOverrides = (scores: Readonly<Record<string, number>>): ReadonlyArray<string> =>
  Object.keys(scores)
    .filter((name) => name in ReputationSymbols && name !== "REPUTATION_STORE_DOWN")
    .map(
      (name) =>
        `antispam.scores.${name}: reputation scales its weights; set antispam.reputation.<ip|network|domain>.<bad|good> instead`
    )

/** None unless `antispam.reputation.enabled` and a store is given. */
export const fromContext = (ctx: StageContext): Stage | undefined => {
  const settings = ctx.settings.reputation
  if (!settings.enabled || ctx.reputation === undefined) return undefined
  const problems = flatOverrides(ctx.settings.scores)
  if (problems.length > 0) throw new AntispamConfigError(problems)
  return make({
    settings,
    store: ctx.reputation,
    context: ctx,
    domains: ctx.settings.auth.enabled,
    // Waits for sender authentication (its own deadline), then one store call (the store's deadline).
    budgetMillis: Math.round(ctx.settings.auth.timeoutSeconds * 1000) + 3000
  })
}

/** The folder's entry in the stage sets: the SMTP profile only (a download has no SMTP client). */
export const builtin = define({ options, server: [fromContext] })
