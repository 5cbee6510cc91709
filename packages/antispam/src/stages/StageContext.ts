/**
 * What the built-in stages are built from, once per configuration: the resolved `antispam`
 * settings and the compiled, shared parts (resolver, list set, blocklist runner, recipient
 * directory, Received-chain settings). A stage folder's `fromContext` reads what it needs.
 *
 * @category models
 * @since 0.1.0
 */
import {
  type BlocklistProvider,
  type BlocklistRunner,
  type DnsShape,
  type FactKey,
  Facts,
  FiberClock,
  type StageAnswers,
  type StageInput
} from "@mailmoat/core"
import { Effect } from "effect"
import type { Authenticator } from "../auth/AuthStage.ts"
import type { Directory } from "../bypass/RecipientDirectory.ts"
import type { Lists } from "../module/ListSet.ts"
import type { CidrSet } from "../net/CidrSet.ts"
import type { ChainConfig } from "../received/ReceivedFacts.ts"
import type { ReputationStoreShape } from "../reputation/ReputationStore.ts"
import type { AntispamSettings } from "../Settings.ts"

export interface StageContext {
  readonly settings: AntispamSettings
  readonly dns: DnsShape
  /** The lists in force at a time (rebuilt when configuration or imported entries change). */
  readonly lists: (at: number) => Lists
  readonly runner: BlocklistRunner.BlocklistRunner
  readonly directory?: Directory | undefined
  readonly chain: ChainConfig
  /** `antispam.rbl.skip`: IPs never sent to lists. */
  readonly skip: CidrSet
  /** Blocklist providers contributed by plugins. */
  readonly providers: ReadonlyArray<BlocklistProvider>
  /** Sender authentication, run at most once per message (safe senders, the auth stage, DMARC). */
  readonly authenticator: Authenticator
  /** Reputation counts; set only when `antispam.reputation.enabled`. */
  readonly reputation?: ReputationStoreShape | undefined
}

/** A list stage's budget: its lists' timeout plus 2 s of slack; 0 (no timeout) stays unbounded. */
export const listBudget = (timeoutSeconds: number): number =>
  timeoutSeconds > 0 ? Math.round(timeoutSeconds * 1000) + 2000 : 0

/** The lists a message is checked against: looked up once per message, at its time (`Clock`). */
export const ListsInForce: FactKey<Lists> = Facts.key<Lists>("antispam.lists")

/**
 * `f` of the lists in force for the message, as a finished effect when they are known or a clock
 * can be read at once (inside a fiber, or lent by the runner: `FiberClock`), else when it runs.
 */
export const withListsOf =
  (ctx: StageContext) =>
  <A>(input: StageInput, f: (lists: Lists) => A): Effect.Effect<A> => {
    const facts = Facts.of(input)
    const known = facts.get(ListsInForce)
    return known !== undefined
      ? Effect.succeed(f(known))
      : FiberClock.clockWithEager((clock) =>
          Effect.succeed(f(facts.getOrSet(ListsInForce, () => ctx.lists(clock.currentTimeMillisUnsafe()))))
        )
  }

const same = (lists: Lists): Lists => lists

/**
 * The lists in force for the message: themselves when they are known or a clock can be read now
 * (inside a fiber, or lent: `FiberClock`), else an effect that reads them when it runs.
 */
export const listsOf = (ctx: StageContext) => {
  const withLists = withListsOf(ctx)
  return (input: StageInput): StageAnswers.Now<Lists> => {
    const facts = Facts.of(input)
    const known = facts.get(ListsInForce)
    if (known !== undefined) return known
    const clock = FiberClock.current()
    if (clock === undefined) return withLists(input, same)
    return facts.getOrSet(ListsInForce, () => ctx.lists(clock.currentTimeMillisUnsafe()))
  }
}
