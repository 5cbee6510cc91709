/**
 * The sender-authentication stage and the per-message fact it leaves.
 *
 * `makeAuthenticator` runs the check at most once per message: the first reader (the safe-sender
 * stage, or this stage) starts it and keeps it in the message's facts (`AuthCheck`), later
 * readers share it (a check that remembered checks answer at once goes straight to `AuthResults`); `AuthResults` holds the finished facts for the DMARC step and other stages.
 * `make` is the data-phase stage: symbols with default weights, the facts in its trace, and our
 * `Authentication-Results` as a header change for every delivered copy (one line: the gateway's
 * header editor folds it).
 *
 * The SPF identity is the sender hop of the Received chain (the connecting client unless our
 * own trusted relays handed the message on), the same IP the RBL stage checks.
 *
 * A message submitted in an authenticated SMTP session is not checked by the stage: it is our
 * own users' outgoing mail, not mail claiming to come from a domain (the trace says so).
 *
 * @category stages
 * @since 0.1.0
 */
import {
  type DnsShape,
  EMPTY_LIST,
  Facts,
  Later,
  type Message,
  type Stage,
  type StageAnswer,
  StageAnswers,
  type StageInput,
  type StageResult
} from "@mailmoat/core"
import type { Effect } from "effect"
import { chainOf } from "../received/ReceivedFacts.ts"
import type { StageContext } from "../stages/StageContext.ts"
import type { AuthFacts } from "./AuthFacts.ts"
import * as AuthResultsHeader from "./AuthResultsHeader.ts"
import * as Authenticate from "./Authenticate.ts"
import * as CheckMemo from "./CheckMemo.ts"
import { AuthSymbols, symbolsOf } from "./AuthSymbols.ts"
import { define } from "../stages/Builtin.ts"
import { options } from "./options.ts"

/** The running check of this message (shared by every reader). */
const AuthCheck = Facts.key<Promise<AuthFacts>>("auth.check")
/** The finished facts of this message. */
export const AuthResults = Facts.key<AuthFacts>("auth.results")

export const AUTH_RESULTS = "Authentication-Results"

export interface AuthenticatorOptions {
  readonly dns: DnsShape
  /** Deadline of one message's whole check. */
  readonly timeoutMillis: number
  /** Our authserv-id / host name. */
  readonly mta: string
  /** The IP and HELO name SPF should check for a message. */
  readonly senderOf: (message: Message, facts: Facts.Facts) => { readonly ip: string; readonly helo: string }
}

export interface Authenticator {
  readonly authservId: string
  /**
   * The facts of `message`, computed on the first call for its fact cache. The check starts at
   * the call (not when the effect runs); known facts are a finished effect (`Effect.succeed`).
   */
  readonly facts: (message: Message, facts: Facts.Facts) => Effect.Effect<AuthFacts>
  /** `facts`, with known facts as themselves (no effect); a check that has to wait: its promise by callback (`Later`). */
  readonly factsNow: (message: Message, facts: Facts.Facts) => StageAnswers.Now<AuthFacts>
}

export const makeAuthenticator = (options: AuthenticatorOptions): Authenticator => {
  // Built once per configuration: SPF and DMARC-record results shared by messages whose inputs
  // and DNS answers are the same (a bulk sender's).
  const memo = CheckMemo.make()
  // Eager: its readers run what it gives at once, and a stage that gets known facts answers at
  // once too.
  const factsNow = (message: Message, facts: Facts.Facts): StageAnswers.Now<AuthFacts> => {
    const done = facts.get(AuthResults)
    if (done) return done
    let running = facts.get(AuthCheck)
    if (running === undefined) {
      const sender = options.senderOf(message, facts)
      const input = {
        message: message.scanView,
        truncated: message.scanTruncated,
        ip: sender.ip,
        helo: sender.helo,
        mailFrom: message.envelope.mailFrom
      }
      const checked = Authenticate.checkNow(options.dns, input, {
        timeoutMillis: options.timeoutMillis,
        mta: options.mta,
        memo
      })
      // Remembered checks answer at once: no promise for this message's readers to wait on.
      if (!(checked instanceof Promise)) {
        facts.set(AuthResults, checked)
        return checked
      }
      running = checked.then((f) => {
        facts.set(AuthResults, f)
        return f
      })
      facts.set(AuthCheck, running)
    }
    // By callback: the pipeline waits for it without a fiber (`Later`).
    return Later.fromPromise(running)
  }
  return {
    authservId: options.mta,
    facts: (message, facts) => StageAnswers.toEffect(factsNow(message, facts)),
    factsNow
  }
}

/** Mail from an authenticated SMTP session (submission): neither scored nor enforced. */
export const isSubmission = (message: Message): boolean => message.envelope.authenticatedUser !== undefined

export interface AuthStageOptions {
  readonly authenticator: Authenticator
  readonly budgetMillis: number
}

export const make = (options: AuthStageOptions): Stage => {
  // What the facts give, built once per facts object: remembered checks give a bulk sender's
  // messages the same facts object (`RecalledFacts.ts`), so they share its symbols and header.
  const built = new WeakMap<AuthFacts, Pick<StageResult, "symbols" | "headers">>()
  const resultOf = (facts: AuthFacts): StageResult => {
    let parts = built.get(facts)
    if (parts === undefined) {
      parts = {
        symbols: symbolsOf(facts),
        headers: [
          {
            op: "add",
            name: AUTH_RESULTS,
            value: AuthResultsHeader.format(options.authenticator.authservId, facts, "; ")
          }
        ]
      }
      built.set(facts, parts)
    }
    return { symbols: parts.symbols, facts: { auth: facts }, headers: parts.headers }
  }
  // A message whose check answers at once (remembered checks) answers with its result itself.
  const answer = (input: StageInput): StageAnswer<never> => {
    if (input.phase !== "data") return { symbols: EMPTY_LIST }
    if (isSubmission(input.message)) return { symbols: EMPTY_LIST, facts: { skipped: "authenticated session" } }
    return StageAnswers.andThen(options.authenticator.factsNow(input.message, Facts.of(input)), resultOf)
  }
  return {
    name: "auth",
    phase: "data",
    order: 1,
    budgetMillis: options.budgetMillis,
    symbols: AuthSymbols,
    answer,
    run: StageAnswers.runOf(answer)
  }
}

/** The sender hop's IP and HELO, from the message's Received-chain analysis. */
export const senderOf =
  (ctx: Pick<StageContext, "chain">) =>
  (message: Message, facts: Facts.Facts): { readonly ip: string; readonly helo: string } => {
    const hop = chainOf(facts, ctx.chain, message).hops.find((h) => h.status === "sender")
    return { ip: hop?.ip ?? message.envelope.clientAddress, helo: hop?.helo ?? message.envelope.helo }
  }

/** The server profile's stage (`antispam.auth.enabled`). */
export const fromContext = (ctx: StageContext): Stage | undefined =>
  ctx.settings.auth.enabled
    ? make({
        authenticator: ctx.authenticator,
        budgetMillis: Math.round(ctx.settings.auth.timeoutSeconds * 1000) + 2000
      })
    : undefined

/**
 * The folder's entry in the stage sets: the auth stage in the SMTP profile (a download has no
 * SMTP client to authenticate). DMARC enforcement is a verdict step (`DmarcStep.ts`) on the same
 * options.
 */
export const builtin = define({ options, server: [fromContext] })
