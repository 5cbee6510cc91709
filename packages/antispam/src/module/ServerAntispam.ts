/**
 * The server antispam module: `makeServerAntispam(config.antispam, services)` gives the
 * gateway a `MessageEvaluator` (one outcome per recipient) and a `status()` for its status page.
 *
 * Order of work for one message:
 * 1. `enabled: false`: every recipient is delivered unscanned.
 * 2. Message-wide bypass (allowed IPs, session flag), then per-recipient bypass (directory
 *    flag, safe senders with From authentication). Each recipient gets its own decision.
 * 3. Size limit: a message over `maxScanSizeKB` passes with `SIZE_NOT_SCANNED`.
 * 4. Data stages for the remaining recipients: sender authentication, RBL and DNSBL (and the
 *    classifier when given) concurrently, then the end-user blocklist. Verdict, then DMARC
 *    enforcement (`dmarc.enforce`), then temporary rejection for `unsure`, then the action
 *    (`onSpam`).
 * 5. Every delivered outcome of a message whose authentication facts were computed gets our
 *    `Authentication-Results` header. The safe-sender check of step 2 and the stage share one
 *    mailauth run per message.
 *
 * `evaluate` never fails: an unexpected module failure is logged and answered `Tempfail`
 * for every recipient (the sender retries; nothing is lost).
 *
 * @category constructors
 * @since 0.1.0
 */
import type { BlocklistProvider, DnsShape, Message, MessageEvaluator, RecipientOutcome, Stage, StageTrace, SymbolHit, Verdict } from "@mailmoat/core"
import { Action, BlocklistRunner } from "@mailmoat/core"
import { NodeDns } from "@mailmoat/core/node"
import { Cause, Effect } from "effect"
import * as AnalysisSubmitter from "../analysis/AnalysisSubmitter.ts"
import * as AuthModule from "../auth/AuthModule.ts"
import * as Bypass from "../bypass/Bypass.ts"
import * as RecipientDirectory from "../bypass/RecipientDirectory.ts"
import type * as SenderAuth from "../bypass/SenderAuth.ts"
import * as DnsblStage from "../dnsbl/DnsblStage.ts"
import * as EndUserStage from "../enduser/EndUserStage.ts"
import type { ZoneHealth } from "../health/ListHealth.ts"
import type { ListStore } from "../lists/ListStore.ts"
import * as CidrSet from "../net/CidrSet.ts"
import * as PluginListsStage from "../plugins/PluginListsStage.ts"
import * as RblStage from "../rbl/RblStage.ts"
import * as ReceivedChain from "../received/ReceivedChain.ts"
import { type AntispamInput, resolve } from "../Settings.ts"
import { notScannedReason } from "../size/SizeLimit.ts"
import { BypassSymbols, hit, SizeSymbols, TempRejectSymbols } from "../Symbols.ts"
import * as RecordStore from "../tempreject/RecordStore.ts"
import * as TempReject from "../tempreject/TempReject.ts"
import { actionFor, classify } from "./Classify.ts"
import * as ListSet from "./ListSet.ts"
import { runStages } from "./StageRunner.ts"

export interface AntispamServices {
  /** Resolver; default: Node resolver on `antispam.dns.servers` with a TTL cache. */
  readonly dns?: DnsShape | undefined
  /** Temporary-rejection records; default embedded memory. Use `RecordStore.makeRedis` to share. */
  readonly stateStore?: RecordStore.RecordStore | undefined
  /** Recipient directory; default: loaded from `bypass.directory` when set. */
  readonly directory?: RecipientDirectory.Directory | undefined
  /** Imported lists (`mailmoat lists import`). */
  readonly listStore?: ListStore | undefined
  /** Extra data-phase stages (the classifier), run concurrently with RBL/DNSBL. */
  readonly stages?: ReadonlyArray<Stage> | undefined
  /** Plugin blocklist providers (`Plugins.load`); non-empty adds the plugin-lists stage. */
  readonly providers?: ReadonlyArray<BlocklistProvider> | undefined
  /** Our authserv-id in `Authentication-Results` (the gateway's `smtp.hostname`; default "localhost"). */
  readonly authservId?: string | undefined
  /** Symbol weight overrides by name (sender authentication symbols). */
  readonly scores?: Readonly<Record<string, number>> | undefined
  /** Our own addresses besides the connection's local address (for the Received walk). */
  readonly ownAddresses?: ReadonlyArray<string> | undefined
  readonly log?: ((line: string) => void) | undefined
  readonly now?: (() => number) | undefined
  /** List health probe interval (default 300000 ms; 0 = only on `probeHealth()`). */
  readonly healthIntervalMillis?: number | undefined
  /** Analysis submission retry tuning (tests). */
  readonly analysis?: { readonly attempts?: number | undefined; readonly backoffMillis?: number | undefined } | undefined
}

export interface AntispamCounters {
  messages: number
  bypassed: number
  notScanned: number
  spam: number
  ham: number
  unsure: number
  deferred: number
  stateStoreErrors: number
  moduleErrors: number
  /** Messages refused or quarantined under `antispam.dmarc.enforce`. */
  dmarcEnforced: number
}

export interface AntispamStatus {
  readonly enabled: boolean
  readonly state: "on" | "off"
  readonly modules: Readonly<Record<string, unknown>>
  readonly lists: ReadonlyArray<ZoneHealth>
  readonly counters: Readonly<AntispamCounters>
}

export interface ServerAntispam extends MessageEvaluator {
  readonly status: () => AntispamStatus
  /** Probes every list zone now (RFC 5782 test points) and returns the health table. */
  readonly probeHealth: () => Promise<ReadonlyArray<ZoneHealth>>
  readonly counters: () => Readonly<AntispamCounters>
  readonly analysis?: AnalysisSubmitter.AnalysisSubmitter | undefined
  readonly close: () => Promise<void>
}

const firstAddress = (v: string | undefined) => /<([^<>@\s]+@[^<>\s]+)>/.exec(v ?? "")?.[1] ?? /([^\s<>,;"]+@[^\s<>,;"]+)/.exec(v ?? "")?.[1]

export const makeServerAntispam = (config: AntispamInput | undefined, services: AntispamServices = {}): ServerAntispam => {
  const settings = resolve(config ?? {})
  const log = services.log ?? (() => {})
  const dns = services.dns ?? NodeDns.make({ servers: settings.dns.servers })
  const directory = services.directory ?? (settings.bypass.directory ? RecipientDirectory.fromFile(settings.bypass.directory, { log, now: services.now }) : undefined)
  const store = services.stateStore ?? RecordStore.makeMemory(services.now)
  const tempReject = TempReject.make({ store, periodMinutes: settings.tempReject.periodMinutes, now: services.now })
  const trusted = CidrSet.compile(settings.received.trustedNetworks)
  const skip = CidrSet.compile(settings.rbl.skip)
  const runner = BlocklistRunner.make({ concurrency: 32 })
  const lists = ListSet.make({ settings, dns, store: services.listStore, log, healthIntervalMillis: services.healthIntervalMillis ?? 300_000 })
  lists.get() // build now: bad zone entries fail at startup, and health probing starts
  const rblResults = new WeakMap<Message, ReadonlyArray<BlocklistRunner.LookupRecord>>()
  const analysisUrl = settings.tempReject.analysisUrl
  const analysis =
    settings.tempReject.submitForAnalysis && analysisUrl
      ? AnalysisSubmitter.make({
          url: analysisUrl,
          timeoutMillis: settings.tempReject.analysisTimeoutSeconds * 1000,
          queueSize: settings.tempReject.analysisQueueSize,
          attempts: services.analysis?.attempts,
          backoffMillis: services.analysis?.backoffMillis,
          log
        })
      : undefined
  if (settings.tempReject.submitForAnalysis && !analysisUrl) throw new Error("antispam.tempReject.submitForAnalysis needs tempReject.analysisUrl")
  const counters: AntispamCounters = { messages: 0, bypassed: 0, notScanned: 0, spam: 0, ham: 0, unsure: 0, deferred: 0, stateStoreErrors: 0, moduleErrors: 0, dmarcEnforced: 0 }
  const chain = (m: Message): ReceivedChain.ChainOptions => ({
    trustedNetworks: trusted,
    ownAddresses: [...(m.envelope.localAddress ? [m.envelope.localAddress] : []), ...(services.ownAddresses ?? [])],
    maxIps: settings.received.maxIps
  })
  const pluginProviders = services.providers ?? []
  const senderOf = (m: Message) => {
    const hop = ReceivedChain.analyse(m.envelope, m.received, chain(m)).hops.find((h) => h.status === "sender")
    return { ip: hop?.ip ?? m.envelope.clientAddress, helo: hop?.helo ?? m.envelope.helo }
  }
  const auth = AuthModule.make({ settings, dns, authservId: services.authservId ?? "localhost", senderOf, scores: services.scores })
  const budget = (seconds: number) => (seconds > 0 ? Math.round(seconds * 1000) + 2000 : 0)

  const bypassVerdict = (symbol: SymbolHit, trace: ReadonlyArray<StageTrace>, rule: string): Verdict => ({
    class: "ham",
    score: 0,
    symbols: [symbol],
    trace,
    decidedBy: { stage: "bypass", decision: "Bypass", reason: rule }
  })
  const deliverOutcome = (recipient: string, verdict: Verdict, rule: string): RecipientOutcome => ({
    recipient,
    verdict,
    action: actionFor(verdict, settings.onSpam, rule),
    rule
  })

  const scan = (message: Message) =>
    Effect.gen(function* () {
      counters.messages++
      const env = message.envelope
      const rcpts = env.rcptTo
      if (!settings.enabled) {
        const v: Verdict = { class: "ham", score: 0, symbols: [], trace: [] }
        return rcpts.map((r) => ({ recipient: r, verdict: v, action: Action.deliver(), rule: "antispam disabled" }))
      }
      const current = lists.get()
      // 1. Message-wide bypass.
      const conn = Bypass.connect(env, current.allowed, settings.bypass.acceptSessionBypass)
      const connSymbols = conn.hit
        ? [hit(BypassSymbols, conn.hit.symbol, "bypass", conn.hit.reason)]
        : conn.notes.map((n) => hit(BypassSymbols, "BYPASS_SESSION_IGNORED", "bypass", n))
      const bypassTrace = (facts: Record<string, unknown>, symbols: ReadonlyArray<SymbolHit>): StageTrace => ({
        stage: "bypass",
        phase: "connect",
        outcome: "ok",
        millis: 0,
        symbols,
        facts
      })
      if (conn.hit) {
        counters.bypassed++
        const rule = `bypass: ${conn.hit.rule} (${conn.hit.reason})`
        const v = bypassVerdict(connSymbols[0]!, [bypassTrace({ rule }, connSymbols)], rule)
        return rcpts.map((r) => deliverOutcome(r, v, rule))
      }
      // 2. Per-recipient bypass: directory flag, then safe senders.
      const decided = new Map<string, RecipientOutcome>()
      const perRecipient: Record<string, string> = {}
      const extra: Array<SymbolHit> = [...connSymbols]
      const sender = firstAddress(message.headers.get("from")) ?? env.mailFrom
      let fromAuth: SenderAuth.AuthResult | undefined
      for (const r of rcpts) {
        const rh = Bypass.recipient(directory, r)
        let rule: string | undefined
        let symbol: SymbolHit | undefined
        if (rh) {
          rule = `bypass: recipient (${rh.reason})`
          symbol = hit(BypassSymbols, rh.symbol, "bypass", rh.reason)
        } else {
          const match = Bypass.safeSenderMatch(directory, r, sender)
          if (match !== undefined) {
            if (!settings.bypass.safeSendersRequireAuth) {
              rule = `bypass: safeSender ${match} (authentication not required by configuration)`
            } else {
              fromAuth ??= yield* auth.senderAuth(message)
              if (fromAuth.authenticated) rule = `bypass: safeSender ${match} (${fromAuth.detail})`
              else {
                perRecipient[r] = `safe sender, not applied: unauthenticated (${match}; ${fromAuth.detail})`
                extra.push(hit(BypassSymbols, "SAFE_SENDER_UNAUTHENTICATED", "bypass", `${r}: ${perRecipient[r]}`))
              }
            }
            if (rule) symbol = hit(BypassSymbols, "BYPASS_SAFE_SENDER", "bypass", `${r}: ${rule}`)
          }
        }
        if (rule && symbol) {
          perRecipient[r] = rule
          decided.set(r, deliverOutcome(r, bypassVerdict(symbol, [bypassTrace({ recipient: r, rule }, [symbol])], rule), rule))
        }
      }
      const remaining = rcpts.filter((r) => !decided.has(r))
      if (decided.size > 0) counters.bypassed++
      const finish = (make: (r: string) => RecipientOutcome) => rcpts.map((r) => decided.get(r) ?? make(r))
      if (remaining.length === 0) return finish(() => undefined as never)
      const firstTrace = bypassTrace({ perRecipient, notes: conn.notes }, extra)

      // 3. Size limit.
      const tooBig = notScannedReason(message.size, settings.maxScanSizeKB)
      if (tooBig !== undefined) {
        counters.notScanned++
        const v = classify([firstTrace], [hit(SizeSymbols, "SIZE_NOT_SCANNED", "size", tooBig)], settings.spamScore)
        const verdict: Verdict = { ...v, class: "ham" }
        return finish((r) => deliverOutcome(r, verdict, "size: not scanned"))
      }

      // 4. Data stages, verdict, temporary rejection, action.
      const stages: Array<Stage> = [
        ...(auth.stage ? [auth.stage] : []),
        RblStage.make({ providers: current.rbl, runner, chain, skip, maxAddresses: settings.rbl.maxAddresses, isSuspended: current.health.isSuspended, results: rblResults, budgetMillis: budget(settings.rbl.timeoutSeconds) }),
        DnsblStage.make({
          providers: current.dnsbl,
          runner,
          limits: { maxAddresses: settings.dnsbl.maxAddresses, maxDomains: settings.dnsbl.maxDomains, skip },
          isSuspended: current.health.isSuspended,
          budgetMillis: budget(settings.dnsbl.timeoutSeconds)
        }),
        ...(settings.endUserBlocklist.enabled
          ? [EndUserStage.make({ providers: current.endUser, runner, dns, chain, rblResults, isSuspended: current.health.isSuspended, timeoutMillis: Math.max(1000, settings.rbl.timeoutSeconds * 1000), budgetMillis: budget(settings.rbl.timeoutSeconds * 2) })]
          : []),
        ...(pluginProviders.length > 0
          ? [
              PluginListsStage.make({
                providers: pluginProviders,
                runner,
                chain,
                limits: { maxAddresses: settings.dnsbl.maxAddresses, maxDomains: settings.dnsbl.maxDomains, skip }
              })
            ]
          : []),
        ...(services.stages ?? [])
      ]
      const results = yield* runStages(stages, { phase: "data", message, recipients: remaining })
      const probability = results.find((x) => x.result?.probability !== undefined)?.result?.probability
      let verdict = classify([firstTrace, ...results.map((x) => x.trace)], [], settings.spamScore, probability)
      let rule = `policy: ${verdict.class}${verdict.class === "spam" ? ` onSpam=${settings.onSpam}` : ""}`
      const dmarc = auth.enforce(message, remaining, verdict, actionFor(verdict, settings.onSpam, rule))
      if (dmarc.outcomes) {
        counters.dmarcEnforced++
        const byRecipient = new Map(dmarc.outcomes.map((o) => [o.recipient, o]))
        return finish((r) => byRecipient.get(r)!)
      }
      if (dmarc.note) rule = `${rule}; ${dmarc.note}`
      if (settings.tempReject.enabled) {
        const d = yield* Effect.promise(() =>
          tempReject.decide({ sender: env.mailFrom, recipients: remaining, fingerprint: TempReject.fingerprint(message), sourceIp: env.clientAddress, current: verdict.class })
        )
        if (d._tag === "Defer") {
          counters.deferred++
          counters.unsure++
          const v: Verdict = { ...verdict, symbols: [...verdict.symbols, hit(TempRejectSymbols, "TEMPREJECT_DEFERRED", "tempreject", d.detail)] }
          if (d.first && analysis) analysis.submit({ bytes: message.scanView, sender: env.mailFrom, recipients: remaining, clientAddress: env.clientAddress })
          return finish((r) => ({ recipient: r, verdict: v, action: Action.tempfail(`unsure; retry in ${d.retryInSeconds} s`), rule: `tempReject: ${d.detail}` }))
        }
        if (d._tag === "StoreDown") {
          counters.stateStoreErrors++
          log(`tempReject: state store unreachable, failing open: ${d.detail}`)
          verdict = { ...verdict, symbols: [...verdict.symbols, hit(TempRejectSymbols, "TEMPREJECT_STORE_DOWN", "tempreject", d.detail)] }
          rule = `${rule}; tempReject skipped (store down)`
        } else if (d.retry || d.class !== verdict.class) {
          verdict = { ...verdict, class: d.class, symbols: [...verdict.symbols, hit(TempRejectSymbols, "TEMPREJECT_RETRY", "tempreject", d.detail)] }
          rule = `tempReject: ${d.detail}; policy: ${d.class}${d.class === "spam" ? ` onSpam=${settings.onSpam}` : ""}`
        }
      }
      counters[verdict.class]++
      const final = verdict
      return finish((r) => deliverOutcome(r, final, rule))
    })

  const evaluate = (message: Message) =>
    scan(message).pipe(
      Effect.map((outcomes) => auth.decorate(message, outcomes)),
      Effect.catchCause((cause) => {
        if (Cause.hasInterruptsOnly(cause)) return Effect.failCause(cause as Cause.Cause<never>)
        counters.moduleErrors++
        log(`antispam: evaluation failed, answering tempfail: ${Cause.pretty(cause).slice(0, 500)}`)
        const v: Verdict = { class: "unsure", score: 0, symbols: [], trace: [] }
        return Effect.succeed(message.envelope.rcptTo.map((r) => ({ recipient: r, verdict: v, action: Action.tempfail("message could not be checked"), rule: "module failure" })))
      })
    ) as Effect.Effect<ReadonlyArray<RecipientOutcome>>

  return {
    evaluate,
    analysis,
    counters: () => ({ ...counters }),
    probeHealth: () => Effect.runPromise(lists.get().health.probeAll),
    status: () => ({
      enabled: settings.enabled,
      state: settings.enabled ? "on" : "off",
      modules: {
        bypass: { allowedIps: lists.get().allowed.networks.length, directory: directory ? { generation: directory.generation(), lastError: directory.lastError() } : "none" },
        rbl: { zones: lists.get().rbl.map((p) => p.name) },
        dnsbl: { zones: lists.get().dnsbl.map((p) => p.name) },
        endUserBlocklist: { enabled: settings.endUserBlocklist.enabled, lists: lists.get().endUser.map((p) => p.name) },
        auth: { enabled: settings.auth.enabled, dmarcEnforce: settings.dmarc.enforce },
        tempReject: { enabled: settings.tempReject.enabled, store: store.describe, periodMinutes: settings.tempReject.periodMinutes },
        analysis: analysis ? { url: analysisUrl, ...analysis.counters() } : "off"
      },
      lists: lists.get().health.status(),
      counters: { ...counters }
    }),
    close: async () => {
      lists.close()
      analysis?.close()
      if (!services.stateStore) await store.close()
    }
  }
}
