/**
 * Connect-, mail- and rcpt-phase stages (plugin stages declared for those phases): run through
 * the core pipeline when a client connects, at MAIL FROM and at each RCPT TO, before the message
 * exists. A stage
 * may end the phase with a decision; a refusal is answered from the reply table (`Replies.ts`),
 * any other decision is accepted (logged).
 *
 * A stage that fails or runs out of time never refuses anything (the pipeline traces it; fail
 * open), and the phase is bounded by one deadline.
 *
 * @category services
 * @since 0.1.0
 */
import type { Stage } from "@mailmoat/core"
import { Envelope, Pipeline } from "@mailmoat/core"
import type { Smtp } from "@mailmoat/protocols"
import { Effect } from "effect"
import { clean, forDecision } from "./Replies.ts"

export interface SessionStages {
  readonly connect: (session: Smtp.SmtpSessionInfo) => Promise<Smtp.SmtpReply | undefined>
  readonly mail: (session: Smtp.SmtpSessionInfo, mailFrom: string) => Promise<Smtp.SmtpReply | undefined>
  readonly rcpt: (session: Smtp.SmtpSessionInfo, mailFrom: string, recipient: string, accepted: ReadonlyArray<string>) => Promise<Smtp.SmtpReply | undefined>
}

/** One phase's deadline (the stages' own budgets apply inside it). */
const PHASE_DEADLINE_MILLIS = 10_000

export const makeSessionStages = (stages: ReadonlyArray<Stage>, log: (line: string) => void): SessionStages | undefined => {
  const connectStages = stages.filter((s) => s.phase === "connect")
  const mailStages = stages.filter((s) => s.phase === "mail")
  const rcptStages = stages.filter((s) => s.phase === "rcpt")
  if (connectStages.length === 0 && mailStages.length === 0 && rcptStages.length === 0) return undefined
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
      sessionFlags: new Set(session.sessionFlags)
    })
  const decide = async (phaseStages: ReadonlyArray<Stage>, input: Parameters<typeof Pipeline.runPhase>[1], what: string) => {
    const run = await Effect.runPromise(Pipeline.runPhase(phaseStages, input, { deadlineMillis: PHASE_DEADLINE_MILLIS }))
    for (const r of run.runs) if (r.trace.outcome !== "ok") log(`${what}: stage ${r.trace.stage} ${r.trace.outcome}; not refusing (fail open)`)
    if (run.decided !== undefined) log(`${what}: stage ${run.decided.stage} decided ${run.decided.decision._tag}: ${clean(run.decided.decision.reason)}`)
    return run.decided?.decision
  }
  return {
    connect: async (session) => {
      if (connectStages.length === 0) return undefined
      const d = await decide(connectStages, { phase: "connect", envelope: envelopeOf(session) }, `connect ${session.clientAddress}`)
      return forDecision("connect", d)
    },
    mail: async (session, mailFrom) => {
      if (mailStages.length === 0) return undefined
      const d = await decide(mailStages, { phase: "mail", envelope: envelopeOf(session, mailFrom) }, `mail <${mailFrom}>`)
      return forDecision("mail", d)
    },
    rcpt: async (session, mailFrom, recipient, accepted) => {
      if (rcptStages.length === 0) return undefined
      const d = await decide(rcptStages, { phase: "rcpt", envelope: envelopeOf(session, mailFrom, [...accepted, recipient]), recipient }, `rcpt ${recipient}`)
      return forDecision("rcpt", d)
    }
  }
}
