/**
 * What the server and client profiles share, built once per configuration: the resolved
 * settings, the compiled list set (with its health monitor), the blocklist runner, the recipient
 * directory and the Received-chain settings, handed to the stage folders as one `StageContext`.
 * Also how the profiles run engine effects with the caller's log callback and clock.
 *
 * @category constructors
 * @since 0.1.0
 */
import { type BlocklistProvider, BlocklistRunner, type DnsShape, Engine } from "@mailmoat/core"
import { Clock, Effect, Logger } from "effect"
import * as AuthStage from "../auth/AuthStage.ts"
import * as RecipientDirectory from "../bypass/RecipientDirectory.ts"
import { AntispamConfigError } from "../config/AntispamConfigError.ts"
import type { ListStore } from "../lists/ListStore.ts"
import * as CidrSet from "../net/CidrSet.ts"
import type { StageContext } from "../stages/StageContext.ts"
import type { AntispamSettings } from "../Settings.ts"
import type { ReputationStoreShape } from "../reputation/ReputationStore.ts"
import * as ListSet from "./ListSet.ts"

export interface AssemblyServices {
  /** The resolver every list and authentication check goes through. */
  readonly dns: DnsShape
  readonly directory?: RecipientDirectory.Directory | undefined
  /** Without `directory`: the recipient directory is this document of a shared list store (Redis). */
  readonly directoryDocument?: RecipientDirectory.DirectoryDocument | undefined
  readonly listStore?: ListStore | undefined
  readonly providers?: ReadonlyArray<BlocklistProvider> | undefined
  readonly ownAddresses?: ReadonlyArray<string> | undefined
  /** Our authserv-id in `Authentication-Results` (the gateway's `smtp.hostname`; default "localhost"). */
  readonly authservId?: string | undefined
  readonly log?: ((line: string) => void) | undefined
  readonly now?: (() => number) | undefined
  readonly healthIntervalMillis?: number | undefined
  /** Reputation counts (`antispam.reputation`); the server profile makes a memory store without one. */
  readonly reputationStore?: ReputationStoreShape | undefined
}

export interface Assembly {
  readonly context: StageContext
  readonly lists: ReturnType<typeof ListSet.make>
  /** Runs an engine effect with the caller's log callback and clock (when given). */
  readonly run: <A>(effect: Effect.Effect<A>) => Effect.Effect<A>
}

/** A clock whose wall time is `now()`; sleeping and monotonic time stay the runtime's. */
const wallClock = (now: () => number): Clock.Clock => {
  const base = Clock.Clock.defaultValue()
  // The default clock is a class instance whose methods (sleep) live on its prototype: a spread
  // would drop them, so the copy keeps the prototype.
  return Object.assign(Object.create(Object.getPrototypeOf(base)) as Clock.Clock, base, {
    currentTimeMillisUnsafe: now,
    currentTimeMillis: Effect.sync(now),
    currentTimeNanosUnsafe: () => BigInt(now()) * 1_000_000n,
    currentTimeNanos: Effect.sync(() => BigInt(now()) * 1_000_000n)
  })
}

const text = (message: unknown): string => (Array.isArray(message) ? message.map(String).join(" ") : String(message))

/**
 * Runs an effect with the caller's log callback as its logger and `now` as its wall clock (when
 * given): the one place the profiles' callback services meet Effect's logger and `Clock`.
 */
const runner = (services: AssemblyServices): Assembly["run"] => {
  const log = services.log
  const loggers = log ? new Set([Logger.make(({ message }) => log(text(message)))]) : undefined
  const clock = services.now ? wallClock(services.now) : undefined
  return <A>(effect: Effect.Effect<A>): Effect.Effect<A> => {
    let e = effect
    if (loggers) e = Effect.provideService(e, Logger.CurrentLoggers, loggers)
    if (clock) e = Effect.provideService(e, Clock.Clock, clock)
    return e
  }
}

/** The configured directory (shared document, else `antispam.bypass.directory`), read with the configured delimiters. */
const directoryOf = (
  settings: AntispamSettings,
  document: RecipientDirectory.DirectoryDocument | undefined
): RecipientDirectory.Directory | undefined => {
  const options = { recipientDelimiter: settings.recipientDelimiter }
  if (document !== undefined) return RecipientDirectory.fromDocument(document.documents, document.name, options)
  return settings.bypass.directory === undefined
    ? undefined
    : RecipientDirectory.fromFile(settings.bypass.directory, options)
}

export const make = (settings: AntispamSettings, services: AssemblyServices, directory: boolean): Assembly => {
  const run = runner(services)
  const dir = services.directory ?? (directory ? directoryOf(settings, services.directoryDocument) : undefined)
  // The stages' runner keeps the lists' answers itself, so the DNS cache need not keep them too.
  const listRunner = BlocklistRunner.make({ concurrency: 32 })
  const lists = ListSet.make({
    settings,
    dns: services.dns,
    store: services.listStore,
    fork: (rounds) => Effect.runFork(run(rounds)),
    healthIntervalMillis: services.healthIntervalMillis ?? 300_000,
    keptByRunner: true
  })
  lists.get() // build now: bad zone entries fail at startup, and health probing starts
  const chain = {
    trustedNetworks: CidrSet.compile(settings.received.trustedNetworks),
    ownAddresses: services.ownAddresses ?? [],
    maxIps: settings.received.maxIps
  }
  const context: StageContext = {
    settings,
    dns: services.dns,
    lists: lists.get,
    runner: listRunner,
    directory: dir,
    chain,
    skip: CidrSet.compile(settings.rbl.skip),
    providers: services.providers ?? [],
    authenticator: AuthStage.makeAuthenticator({
      dns: services.dns,
      timeoutMillis: Math.round(settings.auth.timeoutSeconds * 1000),
      mta: services.authservId ?? "localhost",
      senderOf: AuthStage.senderOf({ chain })
    }),
    reputation: settings.reputation.enabled ? services.reputationStore : undefined
  }
  return { context, lists, run }
}

/** The engine for a profile, built once; weights naming no declared symbol are a configuration error. */
export const engineOf = (options: Engine.EngineOptions): Engine.Engine => {
  const built = Effect.runSync(Effect.result(Engine.make(options)))
  if (built._tag === "Success") return built.success
  const e = built.failure
  throw e.reason === "UnknownSymbol" ? new AntispamConfigError([`antispam.${e.detail}`]) : e
}
