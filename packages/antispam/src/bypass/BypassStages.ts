/**
 * The bypass rules (`Bypass.ts`) as stages, one per phase the rule can be decided in:
 *
 * | stage | phase | decides |
 * | --- | --- | --- |
 * | `allowed-ips` | connect | every recipient: client IP in `bypass.allowedIps` |
 * | `session-bypass` | mail | every recipient: the trusted relay's session flag (after AUTH) |
 * | `recipient-bypass` | rcpt | that recipient: `bypassAntispam` in the directory |
 * | `safe-senders` | data (first) | single recipients: sender in their `safeSenders`, From authenticated |
 *
 * The safe-sender check needs the message (From header, DKIM), so it runs at data, before any
 * scan; it reads the sender-authentication facts (auth/AuthStage.ts), computed at most once per
 * message and shared with the auth stage.
 *
 * @category stages
 * @since 0.1.0
 */
import { EMPTY_LIST, Facts, type RecipientDecision, type Stage, type StageResult, type SymbolHit } from "@mailmoat/core"
import { Effect } from "effect"
import { type StageContext, withListsOf } from "../stages/StageContext.ts"
import { hit } from "../Symbols.ts"
import * as Bypass from "./Bypass.ts"
import * as SenderAuth from "./SenderAuth.ts"
import { BypassSymbols } from "./symbols.ts"
import { define } from "../stages/Builtin.ts"
import { options } from "./options.ts"

const SOURCE = "bypass"
const NOTHING: StageResult = { symbols: EMPTY_LIST }
const bypassed = (h: Bypass.BypassHit): StageResult => ({
  symbols: [hit(BypassSymbols, h.symbol, SOURCE, h.reason)],
  decision: { _tag: "Bypass", rule: h.rule, reason: h.reason }
})

const base = { budgetMillis: 1000, symbols: BypassSymbols, inline: true } as const

/** `allowed-ips` (connect). */
export const allowedIps = (ctx: StageContext): Stage => {
  const withLists = withListsOf(ctx)
  return {
    ...base,
    name: "allowed-ips",
    phase: "connect",
    // A finished answer when the lists in force can be read at once (a fiber's or a lent clock):
    // the pipeline then takes it at once and the connect phase needs no fiber.
    run: (input) =>
      input.phase !== "connect"
        ? Effect.succeed(NOTHING)
        : withLists(input, (l) => {
            const h = Bypass.allowedIp(input.envelope, l.allowed)
            return h ? bypassed(h) : NOTHING
          })
  }
}

/** `session-bypass` (mail). */
export const sessionBypass = (ctx: StageContext): Stage => ({
  ...base,
  name: "session-bypass",
  phase: "mail",
  // Answers with a finished `Effect.succeed`: the pipeline takes it at once (an inline stage).
  run: (input) => {
    if (input.phase !== "mail") return Effect.succeed(NOTHING)
    const r = Bypass.session(input.envelope, ctx.settings.bypass.acceptSessionBypass)
    if (r.hit) return Effect.succeed(bypassed(r.hit))
    return Effect.succeed(
      r.note
        ? { symbols: [hit(BypassSymbols, "BYPASS_SESSION_IGNORED", SOURCE, r.note)], facts: { note: r.note } }
        : NOTHING
    )
  }
})

/** `recipient-bypass` (rcpt); none without a directory. */
export const recipientBypass = (ctx: StageContext): Stage | undefined => {
  const directory = ctx.directory
  if (directory === undefined) return undefined
  return {
    ...base,
    name: "recipient-bypass",
    phase: "rcpt",
    run: (input) =>
      input.phase !== "rcpt"
        ? Effect.succeed(NOTHING)
        : Effect.map(directory.refresh, () => {
            const h = Bypass.recipient(directory, input.recipient)
            return h ? bypassed(h) : NOTHING
          })
  }
}

const firstAddress = (v: string | undefined) =>
  /<([^<>@\s]+@[^<>\s]+)>/.exec(v ?? "")?.[1] ?? /([^\s<>,;"]+@[^\s<>,;"]+)/.exec(v ?? "")?.[1]

/** `safe-senders` (data, before every scan); none without a directory. */
export const safeSenders = (ctx: StageContext): Stage | undefined => {
  const directory = ctx.directory
  if (directory === undefined) return undefined
  const requireAuth = ctx.settings.bypass.safeSendersRequireAuth
  const delimiters = ctx.settings.recipientDelimiter
  return {
    name: "safe-senders",
    phase: "data",
    order: 0,
    budgetMillis: Math.round(ctx.settings.auth.timeoutSeconds * 1000) + 2000,
    symbols: BypassSymbols,
    run: (input) =>
      Effect.gen(function* () {
        if (input.phase !== "data") return NOTHING
        const message = input.message
        const env = message.envelope
        const facts = Facts.of(input)
        const sender = firstAddress(message.headers.get("from")) ?? env.mailFrom
        yield* directory.refresh
        const decisions: Array<RecipientDecision> = []
        const notes: Array<SymbolHit> = []
        const perRecipient: Record<string, string> = {}
        for (const r of input.recipients) {
          const match = Bypass.safeSenderMatch(directory, r, sender, delimiters)
          if (match === undefined) continue
          let reason = "authentication not required by configuration"
          if (requireAuth) {
            const auth = SenderAuth.fromFacts(yield* ctx.authenticator.facts(message, facts))
            if (!auth.authenticated) {
              perRecipient[r] = `safe sender, not applied: unauthenticated (${match}; ${auth.detail})`
              notes.push(hit(BypassSymbols, "SAFE_SENDER_UNAUTHENTICATED", SOURCE, `${r}: ${perRecipient[r]}`))
              continue
            }
            reason = auth.detail
          }
          const rule = `safeSender ${match}`
          perRecipient[r] = `bypass: ${rule} (${reason})`
          decisions.push({
            recipient: r,
            decision: { _tag: "Bypass", rule, reason },
            symbols: [hit(BypassSymbols, "BYPASS_SAFE_SENDER", SOURCE, `${r}: ${perRecipient[r]}`)]
          })
        }
        return decisions.length === 0 && notes.length === 0
          ? NOTHING
          : { symbols: notes, recipientDecisions: decisions, facts: { perRecipient } }
      })
  }
}

/**
 * The folder's entry in the stage sets: the SMTP profile only (in a download the "client" would
 * be the proxy itself).
 */
export const builtin = define({ options, server: [allowedIps, sessionBypass, recipientBypass, safeSenders] })
