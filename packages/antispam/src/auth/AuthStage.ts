/**
 * The sender-authentication stage and the per-message fact store behind it.
 *
 * `makeAuthenticator` runs the check at most once per message (the first caller starts it, later
 * callers share the result) and keeps the facts for later readers: the safe-sender bypass, the
 * stage, the `Authentication-Results` header and DMARC enforcement. `make` wraps it as a
 * data-phase `Stage` whose symbols carry default weights and whose trace facts carry the facts.
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
import type { DnsShape, Message, Stage, StageResult } from "@mailmoat/core"
import { Effect } from "effect"
import type { AuthFacts } from "./AuthFacts.ts"
import * as Authenticate from "./Authenticate.ts"
import { AuthSymbols, symbolsOf } from "./AuthSymbols.ts"

export interface AuthenticatorOptions {
  readonly dns: DnsShape
  /** Deadline of one message's whole check. */
  readonly timeoutMillis: number
  /** Our authserv-id / host name. */
  readonly mta: string
  /** The IP and HELO name SPF should check for a message. */
  readonly senderOf: (message: Message) => { readonly ip: string; readonly helo: string }
}

export interface Authenticator {
  /** The facts of `message`, computed on the first call. */
  readonly facts: (message: Message) => Effect.Effect<AuthFacts>
  /** The facts if some caller already computed them. */
  readonly peek: (message: Message) => AuthFacts | undefined
}

export const makeAuthenticator = (options: AuthenticatorOptions): Authenticator => {
  const running = new WeakMap<Message, Promise<AuthFacts>>()
  const done = new WeakMap<Message, AuthFacts>()
  const start = (message: Message): Promise<AuthFacts> => {
    const sender = options.senderOf(message)
    const input = { message: message.scanView, truncated: message.scanTruncated, ip: sender.ip, helo: sender.helo, mailFrom: message.envelope.mailFrom }
    const p = Effect.runPromise(Authenticate.check(options.dns, input, { timeoutMillis: options.timeoutMillis, mta: options.mta })).then((f) => {
      done.set(message, f)
      return f
    })
    running.set(message, p)
    return p
  }
  return {
    facts: (message) =>
      Effect.suspend(() => {
        const known = done.get(message)
        return known ? Effect.succeed(known) : Effect.promise(() => running.get(message) ?? start(message))
      }),
    peek: (message) => done.get(message)
  }
}

/** Mail from an authenticated SMTP session (submission): neither scored nor enforced. */
export const isSubmission = (message: Message): boolean => message.envelope.authenticatedUser !== undefined

export interface AuthStageOptions {
  readonly authenticator: Authenticator
  /** Symbol weight overrides by name. */
  readonly scores?: Readonly<Record<string, number>> | undefined
  readonly budgetMillis: number
}

export const make = (options: AuthStageOptions): Stage => ({
  name: "auth",
  phase: "data",
  order: 1,
  budgetMillis: options.budgetMillis,
  symbols: AuthSymbols,
  run: (input) =>
    Effect.gen(function* () {
      if (input.phase !== "data") return { symbols: [] } satisfies StageResult
      if (isSubmission(input.message)) return { symbols: [], facts: { skipped: "authenticated session" } } satisfies StageResult
      const facts = yield* options.authenticator.facts(input.message)
      return { symbols: symbolsOf(facts, options.scores), facts: { auth: facts } } satisfies StageResult
    })
})
