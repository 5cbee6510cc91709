/**
 * Runs mailauth 4.9.5 (the last line that supports Node 20; 5.x needs Node 22.19) once for a
 * message: DKIM, SPF for MAIL FROM, ARC and DMARC in one `authenticate` call, plus SPF for the
 * HELO name, every lookup through our `Dns` (see MailauthResolver.ts).
 *
 * One deadline covers the whole check: a lookup asked after it fails as a DNS timeout, so a
 * slow resolver gives temperror results, never a hung message.
 *
 * **Gotchas**
 * - DKIM needs the whole message. With only its start (the scan view, 1 MiB or `maxScanSizeKB`)
 *   a body hash mismatch is reported `neutral` ("body not verified"), never `fail`, and a DMARC
 *   evaluation that such a signature could have passed is a temperror: a large legitimate
 *   message is never scored or refused for what we did not see.
 * - An unexpected failure inside mailauth gives temperror facts for everything (never a
 *   thrown error, never a spam point).
 *
 * @category services
 * @since 0.1.0
 */
import type { DnsShape } from "@mailmoat/core"
import { Effect } from "effect"
import { createHash } from "node:crypto"
import { createRequire } from "node:module"
import type { AuthFacts } from "./AuthFacts.ts"
import {
  arcFact,
  dkimFacts,
  dmarcFact,
  type MailauthArc,
  type MailauthDkim,
  type MailauthDmarc,
  type MailauthSpf,
  spfFact
} from "./FromMailauth.ts"
import * as MailauthResolver from "./MailauthResolver.ts"

type Options = Readonly<Record<string, unknown>>
// mailauth 4.x is CommonJS and ships no types: load it with require and type what we use.
const require = createRequire(import.meta.url)
const { authenticate } = require("mailauth") as {
  readonly authenticate: (input: Uint8Array, options: Options) => Promise<MailauthOutput>
}
const { spf } = require("mailauth/lib/spf") as { readonly spf: (options: Options) => Promise<MailauthSpf> }

interface MailauthOutput {
  readonly dkim?: { readonly headerFrom?: ReadonlyArray<string>; readonly results?: ReadonlyArray<MailauthDkim> }
  readonly spf?: MailauthSpf | false
  readonly dmarc?: MailauthDmarc | false
  readonly arc?: MailauthArc | false
}

export interface AuthInput {
  readonly message: Uint8Array
  /** The sender hop's IP (what SPF checks). */
  readonly ip: string
  readonly helo: string
  /** MAIL FROM; empty for the null sender (SPF then checks `postmaster@` the HELO name). */
  readonly mailFrom: string
  /** `message` is only the start of the message (the scan view): DKIM body hashes cannot be verified. */
  readonly truncated?: boolean | undefined
}

export interface AuthOptions {
  /** Deadline for the whole check, and the most any one lookup may take. */
  readonly timeoutMillis: number
  /** Our host name, used in mailauth's comments. */
  readonly mta: string
}

const isDomainName = (s: string): boolean =>
  /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]*$/i.test(s)

/** 0..99, stable for the same message bytes (the DMARC `pct` sample). */
export const sampleBucket = (message: Uint8Array): number =>
  createHash("sha256").update(message).digest().readUInt32BE(0) % 100

const fromDomainOf = (headerFrom: ReadonlyArray<string> | undefined): string | undefined => {
  if (headerFrom?.length !== 1) return undefined
  const from = headerFrom[0]!
  const at = from.lastIndexOf("@")
  return at >= 0 && at < from.length - 1 ? from.slice(at + 1).toLowerCase() : undefined
}

const unavailable = (input: AuthInput, reason: string, lookups: number, timedOut: boolean): AuthFacts => ({
  clientIp: input.ip,
  spf: {
    mailFrom: {
      scope: "mailfrom",
      identity: input.mailFrom,
      domain: input.mailFrom.slice(input.mailFrom.lastIndexOf("@") + 1),
      result: "temperror",
      comment: reason
    }
  },
  dkim: [],
  arc: { result: "none", instance: 0 },
  lookups,
  timedOut
})

const run = async (
  input: AuthInput,
  options: AuthOptions,
  resolver: MailauthResolver.MailauthResolver
): Promise<AuthFacts> => {
  const helo = input.helo.trim()
  const common = { ip: input.ip, mta: options.mta, resolver: resolver.resolve }
  const [res, heloSpf] = await Promise.all([
    authenticate(Buffer.from(input.message), {
      ...common,
      helo: helo || input.ip,
      sender: input.mailFrom,
      disableBimi: true
    }),
    isDomainName(helo) ? spf({ ...common, helo, sender: `postmaster@${helo}` }) : Promise.resolve(undefined)
  ])
  const fromDomain = fromDomainOf(res.dkim?.headerFrom)
  const mailFrom = spfFact("mailfrom", input.mailFrom || `postmaster@${helo}`, res.spf, options.mta)
  const dkim = dkimFacts(res.dkim?.results ?? [], fromDomain, input.truncated === true)
  return {
    fromDomain,
    clientIp: input.ip,
    spf: { mailFrom, helo: heloSpf ? spfFact("helo", helo, heloSpf, options.mta) : undefined },
    dkim,
    dmarc: fromDomain
      ? dmarcFact(res.dmarc, { fromDomain, spf: mailFrom, dkim, sampleBucket: sampleBucket(input.message) })
      : undefined,
    arc: arcFact(res.arc, resolver.temporaryFailures()),
    lookups: resolver.lookups(),
    timedOut: false
  }
}

export const check = (dns: DnsShape, input: AuthInput, options: AuthOptions): Effect.Effect<AuthFacts> =>
  Effect.clockWith((clock) => {
    // The deadline and mailauth's lookups (Promise callbacks) read the fiber's Clock.
    const now = () => clock.currentTimeMillisUnsafe()
    const resolver = MailauthResolver.make(dns, options.timeoutMillis, now() + options.timeoutMillis, now)
    return Effect.tryPromise(() => run(input, options, resolver)).pipe(
      // mailauth's lookups end at the deadline; the grace covers its CPU work (key parsing, hashing).
      Effect.timeoutOption(options.timeoutMillis + 1000),
      Effect.map((o) =>
        o._tag === "Some"
          ? o.value
          : unavailable(input, `no result within ${options.timeoutMillis} ms`, resolver.lookups(), true)
      ),
      Effect.catch((e) =>
        Effect.succeed(
          unavailable(input, `authentication check failed: ${String(e).slice(0, 120)}`, resolver.lookups(), false)
        )
      )
    )
  })
