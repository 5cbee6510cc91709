/**
 * The engine's connect, mail and rcpt phases, run while the SMTP session goes on: `connect` when
 * a client connects, `mail` at MAIL FROM, `rcpt` at each RCPT TO. A refusal (`Reject`,
 * `Tempfail`) is answered at that phase from the reply table (`Replies.ts`): at connect instead
 * of the greeting, at RCPT TO for that recipient only. Any other decision (a bypass of an allowed
 * IP, a trusted relay's session, a recipient's directory entry) is kept, and `earlier` hands
 * everything the phases gave to the engine's data phase, so nothing is decided twice.
 *
 * **Gotchas**
 * - The connect phase runs once per connection with its own facts; each transaction (MAIL FROM
 *   to DATA, RSET or QUIT) has fresh facts, shared by its mail, rcpt and data phases, so what a
 *   stage learnt about one message never leaks into the next message of the session.
 * - A phase the engine answers at once (its stages only looked at memory) is answered here at once
 *   too, without a promise; a runner that throws (an engine defect) throws here, and the SMTP
 *   connection answers 451 as for a rejection.
 * - A stage that fails or runs out of time refuses nothing (the engine traces it; fail open); it
 *   is logged once here (`stage_failed`), the data phase logs only its own stages.
 *
 * @category services
 * @since 0.1.0
 */
import { type Engine, Envelope, Facts, type Phase } from "@mailmoat/core"
import { Smtp } from "@mailmoat/protocols"
import type { Effect } from "effect"
import type { GatewayLog } from "./Log.ts"
import { clean, forDecision } from "./Replies.ts"

export interface SessionPhases {
  readonly connect: (session: Smtp.SmtpSessionInfo) => Smtp.Answer<Smtp.SmtpReply | undefined>
  readonly mail: (session: Smtp.SmtpSessionInfo, mailFrom: string) => Smtp.Answer<Smtp.SmtpReply | undefined>
  readonly rcpt: (
    session: Smtp.SmtpSessionInfo,
    mailFrom: string,
    recipient: string,
    accepted: ReadonlyArray<string>
  ) => Smtp.Answer<Smtp.SmtpReply | undefined>
  /**
   * What the session's phases gave, for the data phase of its current transaction; the session
   * forgets the transaction's part of it (MAIL's and RCPT's outcomes, the facts) as it hands it over.
   */
  readonly earlier: (sessionId: string) => Engine.Earlier
  /** The transaction is over (DATA answered, RSET, QUIT): its mail and rcpt results go. */
  readonly endTransaction: (sessionId: string) => void
  /** The session is over: everything kept for it goes. */
  readonly endSession: (sessionId: string) => void
}

/** What a session's phases gave; the transaction's parts are made at its MAIL, not before. */
interface SessionState {
  connect?: Engine.PhaseOutcome | undefined
  mail?: Engine.PhaseOutcome | undefined
  /** The transaction's accepted recipients' outcomes (made at the first one). */
  rcpt?: Map<string, Engine.PhaseOutcome> | undefined
  /** The transaction's facts (made at MAIL). */
  facts?: Facts.Facts | undefined
}

export interface SessionPhasesOptions {
  readonly logger: GatewayLog
  /**
   * Runs an engine effect in the gateway's runtime (logger, clock): the value at once when the
   * effect finished as it started (the phase is answered without waiting), else a promise.
   */
  readonly run: <A>(effect: Effect.Effect<A>) => A | Promise<A>
  /**
   * Builds a phase's effect with the clock `run` runs it with lent to it (`Runner.lend`), so a
   * stage that reads the clock (the allowed-IPs check's lists in force) answers at once; without
   * it the phase is built outside any clock and such a stage waits for `run`'s fiber.
   */
  readonly lend?: (<A>(build: () => A) => A) | undefined
}

const unlent = <A>(build: () => A): A => build()

const envelopeOf = (session: Smtp.SmtpSessionInfo, mailFrom = "", rcptTo: ReadonlyArray<string> = []) =>
  Envelope.make({
    clientAddress: session.clientAddress,
    clientPort: session.clientPort,
    localAddress: session.localAddress,
    helo: session.helo,
    mailFrom,
    rcptTo,
    tls: session.tls,
    authenticatedUser: session.authenticatedUser,
    // Read-only, as the DATA envelope's (the session's own set, not a copy per phase).
    sessionFlags: session.sessionFlags
  })

export const makeSessionPhases = (engine: Engine.Engine, options: SessionPhasesOptions): SessionPhases => {
  const sessions = new Map<string, SessionState>()
  const stateOf = (id: string): SessionState => {
    let s = sessions.get(id)
    if (s === undefined) {
      s = {}
      sessions.set(id, s)
    }
    return s
  }
  const { logger } = options
  const lend = options.lend ?? unlent

  /** Logs what went wrong and what was decided; the reply when the phase refuses. */
  const answer = (
    session: Smtp.SmtpSessionInfo,
    phase: Phase,
    outcome: Engine.PhaseOutcome,
    subject: string
  ): Smtp.SmtpReply | undefined => {
    for (const t of outcome.traces)
      if (t.outcome !== "ok" && t.outcome !== "skipped")
        logger.warn("stage_failed", { queue: session.id, phase, stage: t.stage, outcome: String(t.outcome) })
    const d = outcome.decided
    if (d === undefined) return undefined
    const reply = forDecision(phase, d.decision)
    logger.event(reply === undefined ? "debug" : "info", "decided", {
      queue: session.id,
      client: session.clientAddress,
      phase,
      subject,
      stage: d.stage,
      decision: d.decision._tag,
      reason: clean(d.decision.reason),
      code: reply?.code
    })
    return reply
  }

  return {
    connect: (session) =>
      Smtp.andThen(options.run(lend(() => engine.connect(envelopeOf(session), Facts.make()))), (outcome) => {
        stateOf(session.id).connect = outcome
        return answer(session, "connect", outcome, session.clientAddress)
      }),
    mail: (session, mailFrom) => {
      const state = stateOf(session.id)
      // A new transaction: fresh facts and no recipients yet.
      const facts = Facts.make()
      state.facts = facts
      state.rcpt = undefined
      return Smtp.andThen(options.run(lend(() => engine.mail(envelopeOf(session, mailFrom), facts))), (outcome) => {
        state.mail = outcome
        return answer(session, "mail", outcome, mailFrom)
      })
    },
    rcpt: (session, mailFrom, recipient, accepted) => {
      const state = stateOf(session.id)
      const facts = (state.facts ??= Facts.make())
      return Smtp.andThen(
        options.run(lend(() => engine.rcpt(envelopeOf(session, mailFrom, [...accepted, recipient]), recipient, facts))),
        (outcome) => {
          const reply = answer(session, "rcpt", outcome, recipient)
          if (reply === undefined) (state.rcpt ??= new Map()).set(recipient, outcome)
          return reply
        }
      )
    },
    earlier: (sessionId) => {
      const s = sessions.get(sessionId)
      if (s === undefined) return {}
      const handed = { connect: s.connect, mail: s.mail, rcpt: s.rcpt, facts: s.facts }
      // The data phase owns the transaction's part from here: kept in the session, it would stay
      // reachable through the downstream's wait, long after the phase is done with it.
      s.mail = undefined
      s.rcpt = undefined
      s.facts = undefined
      return handed
    },
    endTransaction: (sessionId) => {
      const s = sessions.get(sessionId)
      if (s === undefined) return
      s.mail = undefined
      s.rcpt = undefined
      s.facts = undefined
    },
    endSession: (sessionId) => {
      sessions.delete(sessionId)
    }
  }
}
