/**
 * The gateway's `SmtpHandler`: the policy side of an SMTP session. The engine's connect, mail and
 * rcpt phases run at connection, MAIL FROM and each RCPT TO (`SessionPhases.ts`); RCPT then asks
 * the hand-off (relay mode opens the downstream transaction there, so refusals go back per
 * recipient); DATA adds our Received header, asks the evaluator for per-recipient outcomes with
 * what the earlier phases gave (and, with `antispam.virus`, clamd beside it: `VirusScan.ts`),
 * plans, executes and answers.
 *
 * **Gotchas**
 * - An evaluator that throws or rejects is handled like one that timed out: 451 4.7.1 (never a
 *   silent 250, never a 5xx). The ingress applies its own deadline around onData.
 * - MAIL parameters (SIZE, BODY, SMTPUTF8) are remembered per session from onMailFrom: the
 *   downstream transaction is opened with the matching parameters.
 * - Every end of a transaction (DATA answered, RSET, QUIT, disconnect) releases the session's
 *   downstream connection.
 *
 * @category services
 * @since 0.1.0
 */
import type { Engine, Envelope, RecipientOutcome } from "@mailmoat/core"
import { createHash, timingSafeEqual } from "node:crypto"
import { Smtp } from "@mailmoat/protocols"
import * as DovecotAuth from "./DovecotAuth.ts"
import type { DovecotSettings } from "./DovecotAuth.ts"
import { executePlan } from "./ExecutePlan.ts"
import type { Quarantine } from "./Quarantine.ts"
import type { Handoff, Transaction } from "./Handoff.ts"
import type { Metrics } from "./Metrics.ts"
import { deliverAll, type Plan, plan } from "./RecipientPlan.ts"
import * as Replies from "./Replies.ts"
import type { SessionPhases } from "./SessionPhases.ts"
import { receivedHeader } from "./TraceHeaders.ts"
import type { GatewayLog, Level } from "./Log.ts"
import { type MessageSummary, messageLine, summarise } from "./MessageLine.ts"
import type { RateLimits } from "./RateLimits.ts"
import type { VirusScanner } from "./VirusScan.ts"
import { applyVirusScan, describeVirusScan } from "./VirusVerdict.ts"
import { afterReply, autolearnEvent } from "./AutoLearnCommit.ts"

/**
 * Per-recipient outcomes for a received message (the antispam module, when it is active);
 * `earlier` is what the session's connect, mail and rcpt phases gave. The outcomes come at once
 * when the engine had nothing to wait for, else as a promise; a throw or a rejection is a 451.
 */
export type Evaluate = (
  envelope: Envelope.Envelope,
  spool: Smtp.Spool,
  earlier?: Engine.Earlier
) => ReadonlyArray<RecipientOutcome> | Promise<ReadonlyArray<RecipientOutcome>>

export interface HandlerDeps {
  readonly hostname: string
  readonly handoff: Handoff
  readonly quarantine: Quarantine
  readonly metrics: Metrics
  /** Undefined: nothing is scanned, every recipient gets the message. */
  readonly evaluate?: Evaluate | undefined
  /** The virus scan (`antispam.virus`); undefined: off. */
  readonly virus?: VirusScanner | undefined
  /** SMTP AUTH accounts; AUTH is offered (inside TLS) only when there are some, or `dovecot`. */
  readonly users?:
    | ReadonlyArray<{ readonly username: string; readonly password: string; readonly bypassAntispam: boolean }>
    | undefined
  /** Dovecot's auth service checks the names no account here has. */
  readonly dovecot?: DovecotSettings | undefined
  /** The engine's connect, mail and rcpt phases. */
  readonly phases: SessionPhases
  /** Connection and message rate limits (shared across the fleet with Redis). */
  readonly rateLimits?: RateLimits | undefined
  readonly logger: GatewayLog
  /** The gateway's clock (the `Clock` service). */
  readonly now: () => number
}

/** How much an SMTP event matters: failures are warn/error, the per-message line info, the rest debug. */
const LEVELS: Readonly<Record<string, Level>> = {
  message: "info",
  auth_failed: "warn",
  auth_unavailable: "warn",
  stage_failed: "warn",
  delivery_failed: "warn",
  quarantine_failed: "error",
  evaluation_failed: "error",
  internal_error: "error",
  autolearn: "info",
  autolearn_failed: "warn"
}

interface MailParams {
  readonly size: number
  readonly eightBitMime: boolean
  readonly smtputf8: boolean
}

/** Constant-time comparison of UTF-8 strings (no early exit on the first differing byte). */
const sameSecret = (a: string, b: string): boolean => {
  const x = createHash("sha256").update(a).digest()
  const y = createHash("sha256").update(b).digest()
  return timingSafeEqual(x, y)
}

type Log = (id: string, event: string, fields?: Record<string, string | number | boolean>) => void

/** Dovecot's answer; when it cannot be had, the rejection is logged and passed on (454 4.7.0). */
const askDovecot = async (
  dovecot: DovecotSettings,
  session: Smtp.SmtpSessionInfo,
  request: Smtp.AuthRequest,
  log: Log
): Promise<Smtp.AuthResult> => {
  const fields = { user: request.username.slice(0, 64), mechanism: request.mechanism, via: "dovecot" }
  try {
    const answer = await DovecotAuth.check(dovecot, {
      username: request.username,
      password: request.password,
      clientAddress: session.clientAddress,
      localAddress: session.localAddress,
      secured: session.tls
    })
    log(session.id, answer.ok ? "auth_ok" : "auth_failed", answer.ok ? fields : { ...fields, reason: answer.reason })
    return answer.ok ? { ok: true, flags: dovecot.bypassAntispam ? ["bypassAntispam"] : [] } : { ok: false }
  } catch (error) {
    log(session.id, "auth_unavailable", { ...fields, error: error instanceof Error ? error.message : String(error) })
    throw error
  }
}

const checkLogin = async (
  users: NonNullable<HandlerDeps["users"]>,
  dovecot: DovecotSettings | undefined,
  session: Smtp.SmtpSessionInfo,
  request: Smtp.AuthRequest,
  log: Log
): Promise<Smtp.AuthResult> => {
  // Every account is compared, whether or not the name matches, so timing says nothing about names.
  let found: (typeof users)[number] | undefined
  for (const u of users)
    if (sameSecret(u.username, request.username) && sameSecret(u.password, request.password)) found = u
  if (found === undefined && dovecot !== undefined) return askDovecot(dovecot, session, request, log)
  log(session.id, found ? "auth_ok" : "auth_failed", {
    user: request.username.slice(0, 64),
    mechanism: request.mechanism
  })
  return found ? { ok: true, flags: found.bypassAntispam ? ["bypassAntispam"] : [] } : { ok: false }
}

export const makeHandler = (deps: HandlerDeps): Smtp.SmtpHandler => {
  const params = new Map<string, MailParams>()
  let counter = 0
  const log = (id: string, event: string, fields: Record<string, string | number | boolean> = {}) => {
    const level = LEVELS[event] ?? "debug"
    if (deps.logger.enabled(level)) deps.logger.event(level, event, { queue: id, ...fields })
  }

  const transaction = (session: Smtp.SmtpSessionInfo, mailFrom: string): Transaction => {
    const p = params.get(session.id)
    return {
      sessionId: session.id,
      mailFrom,
      size: p?.size ?? 0,
      eightBitMime: p?.eightBitMime ?? false,
      smtputf8: p?.smtputf8 ?? false
    }
  }

  const end = (sessionId: string): void => {
    params.delete(sessionId)
    deps.phases.endTransaction(sessionId)
    deps.handoff.end(sessionId)
  }

  const decide = async (
    envelope: Envelope.Envelope,
    spool: Smtp.Spool,
    id: string,
    earlier: Engine.Earlier
  ): Promise<{ plan: Plan; outcomes: ReadonlyArray<RecipientOutcome> }> => {
    if (deps.evaluate === undefined) return { plan: deliverAll(envelope.rcptTo), outcomes: [] }
    try {
      const outcomes = await deps.evaluate(envelope, spool, earlier)
      // The verdict lines are debug: their fields are built only when they are written.
      if (deps.logger.enabled("debug"))
        for (const o of outcomes)
          log(id, "verdict", {
            rcpt: o.recipient,
            class: o.verdict.class,
            score: o.verdict.score,
            action: o.action._tag,
            rule: o.rule,
            stages: o.verdict.trace.map((t) => `${t.phase}:${t.stage}`).join(",")
          })
      // One line per data-phase stage (built-in or plugin) that failed or ran out of time: fail
      // open, visibly. The session's phases logged their own when they ran.
      // Built only when a stage failed: every message would otherwise copy its traces here.
      let failed: Map<string, string> | undefined
      for (const o of outcomes)
        for (const t of o.verdict.trace)
          if (t.phase === "data" && (t.outcome === "timeout" || t.outcome.startsWith("failed")))
            (failed ??= new Map()).set(t.stage, t.outcome)
      if (failed !== undefined)
        for (const [stage, outcome] of failed) log(id, "stage_failed", { stage, outcome: String(outcome) })
      return { plan: plan(envelope.rcptTo, outcomes), outcomes }
    } catch (error) {
      log(id, "evaluation_failed", { error: error instanceof Error ? error.message : String(error) })
      return { plan: { _tag: "Tempfail", reason: "message could not be checked" }, outcomes: [] }
    }
  }

  /**
   * The data phase and the virus scan, down to what outlives them: the plan the hand-off executes
   * and what the message line prints (when it is written). The outcomes, with every stage's
   * trace, and what the session's phases handed over end here, before the downstream's wait.
   */
  const judge = async (
    envelope: Envelope.Envelope,
    spool: Smtp.Spool,
    id: string,
    sessionId: string
  ): Promise<{
    readonly plan: Plan
    readonly line?: MessageSummary | undefined
    readonly learn?: ((replyCode: number) => Promise<string>) | undefined
  }> => {
    const earlier = deps.phases.earlier(sessionId)
    // The virus scan starts first and runs beside the spam checks; it never rejects.
    const scanning = deps.virus?.scan(envelope, spool, earlier, id)
    const spam = await decide(envelope, spool, id, earlier)
    const virus = scanning === undefined ? undefined : await scanning
    const { plan: decided, outcomes } =
      virus === undefined ? spam : applyVirusScan(envelope.rcptTo, spam, virus, deps.virus!.settings)
    deps.metrics.scanned(outcomes)
    const learn = afterReply(outcomes, virus)
    if (!deps.logger.enabled("info")) return { plan: decided, learn }
    return {
      plan: decided,
      line: summarise(outcomes, decided, virus === undefined ? undefined : describeVirusScan(virus)),
      learn
    }
  }

  const users = deps.users ?? []
  return {
    ...(users.length > 0 || deps.dovecot !== undefined
      ? {
          onAuth: async (session: Smtp.SmtpSessionInfo, request: Smtp.AuthRequest) =>
            checkLogin(users, deps.dovecot, session, request, log)
        }
      : {}),
    // Connect, MAIL and RCPT answer at once when the rate limits, the engine's phases and the
    // hand-off do (limits off or in memory, stages that only looked at memory): no promise then.
    onConnect: (session) => {
      deps.metrics.add("connections")
      return Smtp.andThen(deps.rateLimits?.connection(session.clientAddress), (limited) => {
        if (limited !== undefined) {
          deps.metrics.prom.refused("connection_rate")
          return limited
        }
        return Smtp.andThen(deps.phases.connect(session), (refused) => {
          if (refused !== undefined) deps.metrics.prom.refused("connect_stage")
          return refused
        })
      })
    },

    onMailFrom: (session, address, p) =>
      // Authenticated clients (our own relays and submission accounts) are not rate limited.
      Smtp.andThen(
        session.authenticatedUser === undefined ? deps.rateLimits?.message(session.clientAddress) : undefined,
        (limited) =>
          limited !== undefined
            ? limited
            : Smtp.andThen(deps.phases.mail(session, address), (refused) => {
                if (refused !== undefined) return refused
                const size = Number(p.get("SIZE") ?? "0")
                params.set(session.id, {
                  size: Number.isSafeInteger(size) ? size : 0,
                  eightBitMime: (p.get("BODY") ?? "").toUpperCase() === "8BITMIME",
                  smtputf8: p.has("SMTPUTF8")
                })
                return undefined
              })
      ),

    onRcptTo: (session, mailFrom, recipient, accepted) =>
      Smtp.andThen(
        deps.phases.rcpt(session, mailFrom, recipient, accepted),
        (refused) => refused ?? deps.handoff.recipient(transaction(session, mailFrom), recipient)
      ),

    onData: async (session, envelope, spool) => {
      const queueId = `${session.id}.${(++counter).toString(36)}`
      const started = deps.now()
      try {
        const received = receivedHeader({ envelope, hostname: deps.hostname, id: queueId, now: started })
        const { plan: decided, line, learn } = await judge(envelope, spool, queueId, session.id)
        const reply = await executePlan(decided, {
          tx: transaction(session, envelope.mailFrom),
          envelope,
          spool,
          received,
          hostname: deps.hostname,
          queueId,
          handoff: deps.handoff,
          quarantine: deps.quarantine,
          metrics: deps.metrics,
          log: (event, fields) => log(queueId, event, fields)
        })
        deps.metrics.reply(reply.code)
        // Auto-learning runs after the reply is decided and is not waited for.
        if (learn !== undefined) void learn(reply.code).then((note) => log(queueId, autolearnEvent(note), { note }))
        // The line's fields are built with the queue id in front, not spread into a copy.
        if (line !== undefined && deps.logger.enabled("info"))
          deps.logger.event(
            "info",
            "message",
            messageLine(queueId, envelope, line, reply.code, spool.size, deps.now() - started)
          )
        return reply
      } catch (error) {
        deps.metrics.reply(451)
        log(queueId, "internal_error", { error: error instanceof Error ? error.message : String(error) })
        return Replies.localProblem()
      } finally {
        end(session.id)
      }
    },

    onTransactionAbort: (session) => end(session.id),

    onDisconnect: (session) => {
      params.delete(session.id)
      deps.phases.endSession(session.id)
      deps.handoff.release(session.id)
    }
  }
}
