/**
 * Sender authentication for one message with mailauth 4.9.5 (the last line that supports Node
 * 20; 5.x needs Node 22.19): SPF for MAIL FROM and for the HELO name, DMARC for the From domain,
 * and DKIM and ARC when the message carries their headers, every lookup through our `Dns` (see
 * MailauthResolver.ts), the independent checks at once.
 *
 * We call mailauth's checks ourselves instead of its `authenticate`, which parses every message
 * for DKIM (body hashing included), parses the Received chain and looks at BIMI: a message with
 * no `DKIM-Signature` and no `ARC-*` field is not DKIM-parsed at all (its DKIM result is "no
 * signature", its DMARC rests on SPF alignment alone). The From addresses are read with mailauth's
 * own header and address parsers, so DMARC sees the same From domain either way.
 *
 * One deadline covers the whole check: a lookup asked after it fails as a DNS timeout, so a
 * slow resolver gives temperror results, never a hung message.
 *
 * **Gotchas**
 * - DKIM needs the whole message. With only its start (the scan view, 1 MiB or `maxScanSizeKB`)
 *   a body hash mismatch is reported `neutral` ("body not verified"), never `fail`, and a DMARC
 *   evaluation that such a signature could have passed is a temperror: a large legitimate
 *   message is never scored or refused for what we did not see.
 * - mailauth's DMARC result is asked only for the record (policy, pct, alignment modes): pass or
 *   fail is decided in FromMailauth.ts from our SPF and DKIM facts, so the DMARC lookup runs
 *   beside SPF and DKIM instead of after them.
 * - An unexpected failure inside mailauth gives temperror facts for everything (never a
 *   thrown error, never a spam point).
 * - An SPF or DMARC-record check whose first DNS answer decides it (refused, timed out, no such
 *   name for SPF) is answered without running mailauth (`FirstAnswer.ts`): the same result.
 * - With a `memo`, an SPF or DMARC-record check whose inputs and DNS answers are those of an
 *   earlier message gives that message's result without running again (`CheckMemo.ts`); an SPF
 *   check its first answer decided reads no IP, so it is remembered for every IP; and a sender
 *   whose every check is remembered gets the facts its earlier message got (`RecalledFacts.ts`).
 *
 * @category services
 * @since 0.1.0
 */
import { Deadline, type DnsShape } from "@mailmoat/core"
import { Cause, Effect } from "effect"
import { createHash } from "node:crypto"
import { isIP } from "node:net"
import type { AuthFacts } from "./AuthFacts.ts"
import type * as CheckMemo from "./CheckMemo.ts"
import * as FirstAnswer from "./FirstAnswer.ts"
import {
  arcFact,
  dkimFacts,
  dmarcFact,
  type MailauthArc,
  type MailauthDmarc,
  type MailauthSpf,
  spfFact
} from "./FromMailauth.ts"
import { type HeaderFacts, headerFacts } from "./HeaderFacts.ts"
import * as Mailauth from "./Mailauth.ts"
import * as MailauthResolver from "./MailauthResolver.ts"
import * as RecalledFacts from "./RecalledFacts.ts"

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
  /** SPF and DMARC-record results remembered across messages while their DNS answers hold (`CheckMemo.ts`). */
  readonly memo?: CheckMemo.CheckMemo | undefined
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

export { type HeaderFacts, headerFacts } from "./HeaderFacts.ts"

/** The key of an SPF check: everything it reads besides DNS answers. */
const spfKey = (input: AuthInput, options: AuthOptions, helo: string, sender: string) =>
  `spf\u0000${input.ip}\u0000${helo}\u0000${sender}\u0000${options.mta}`
/** The key of an SPF check that its first answer decided: every input but the IP (`FirstAnswer.decidedByFirst`). */
const firstSpfKey = (options: AuthOptions, helo: string, sender: string) =>
  `spf-first\u0000${helo}\u0000${sender}\u0000${options.mta}`
const dmarcKey = (headerFrom: ReadonlyArray<string>) => `dmarc\u0000${JSON.stringify(headerFrom)}`

/** The HELO name as checked, and the name SPF's MAIL FROM check is given (what mailauth's authenticate passes). */
const helosOf = (input: AuthInput) => {
  const helo = input.helo.trim()
  // The IP when there is no HELO name, an IP literal in brackets.
  const heloOrIp = helo || input.ip
  return { helo, spfHelo: isIP(heloOrIp) ? `[${heloOrIp}]` : heloOrIp }
}

/** What the checks gave, as the message's facts. */
const factsOf = (
  input: AuthInput,
  options: AuthOptions,
  resolver: MailauthResolver.MailauthResolver,
  helo: string,
  fromDomain: string | undefined,
  out: {
    readonly spf: MailauthSpf
    readonly heloSpf: MailauthSpf | undefined
    readonly dmarc: MailauthDmarc | false | undefined
    readonly dkim: Mailauth.DkimOutput | undefined
    readonly arc: MailauthArc | undefined
  },
  // Told when the DMARC result reads the message's sample bucket (the facts then depend on its bytes).
  onSample?: () => void
): AuthFacts => {
  const mailFrom = spfFact("mailfrom", input.mailFrom || `postmaster@${helo}`, out.spf, options.mta)
  const dkim = dkimFacts(out.dkim?.results ?? [], fromDomain, input.truncated === true)
  const bucket = () => {
    onSample?.()
    return sampleBucket(input.message)
  }
  return {
    fromDomain,
    clientIp: input.ip,
    spf: { mailFrom, helo: out.heloSpf ? spfFact("helo", helo, out.heloSpf, options.mta) : undefined },
    dkim,
    dmarc: fromDomain ? dmarcFact(out.dmarc, { fromDomain, spf: mailFrom, dkim, sampleBucket: bucket }) : undefined,
    arc: arcFact(out.arc, resolver.temporaryFailures()),
    lookups: resolver.lookups(),
    timedOut: false
  }
}

/**
 * The facts at once when nothing needs mailauth: no DKIM or ARC field to verify, and every SPF
 * and DMARC-record check remembered with its answers unchanged (a bulk sender's next message).
 * Then the checks are counted as `run` counts remembered ones, in the same order, and the facts
 * are what `run` gives; otherwise `undefined`, with nothing counted. Facts built here are kept
 * for the sender's later messages (`RecalledFacts`).
 */
const recalled = (
  input: AuthInput,
  options: AuthOptions,
  memo: CheckMemo.CheckMemo,
  resolver: MailauthResolver.MailauthResolver,
  found: HeaderFacts,
  sender: RecalledFacts.Sender
): AuthFacts | undefined => {
  const { helo, spfHelo } = helosOf(input)
  // An SPF check is remembered for this IP, or, decided by its first answer, for every IP.
  const ipDecides = FirstAnswer.ipDecides(input.ip)
  const recallSpf = (checkedHelo: string, sender: string) =>
    memo.recall(spfKey(input, options, checkedHelo, sender), resolver) ??
    (ipDecides ? memo.recall(firstSpfKey(options, checkedHelo, sender), resolver) : undefined)
  const spf = recallSpf(spfHelo, input.mailFrom)
  if (spf === undefined) return undefined
  const heloChecked = isDomainName(helo)
  const heloSpf = heloChecked ? recallSpf(helo, `postmaster@${helo}`) : undefined
  if (heloChecked && heloSpf === undefined) return undefined
  const fromDomain = fromDomainOf(found.headerFrom)
  const dmarc = fromDomain ? memo.recall(dmarcKey(found.headerFrom), resolver) : undefined
  if (fromDomain && dmarc === undefined) return undefined
  const out = {
    spf: memo.replay(spf, resolver) as MailauthSpf,
    heloSpf: heloSpf === undefined ? undefined : (memo.replay(heloSpf, resolver) as MailauthSpf),
    dmarc: dmarc === undefined ? undefined : (memo.replay(dmarc, resolver) as MailauthDmarc),
    dkim: undefined,
    arc: undefined
  }
  let sampled = false
  const facts = factsOf(input, options, resolver, helo, fromDomain, out, () => {
    sampled = true
  })
  const checks = [spf]
  if (heloSpf !== undefined) checks.push(heloSpf)
  if (dmarc !== undefined) checks.push(dmarc)
  if (!sampled) RecalledFacts.keep(memo, sender, checks, facts)
  return facts
}

const run = async (
  input: AuthInput,
  options: AuthOptions,
  resolver: MailauthResolver.MailauthResolver,
  message: Buffer,
  found: HeaderFacts | undefined
): Promise<AuthFacts> => {
  const mailauth = Mailauth.load()
  const checked = <A>(key: string, f: (resolve: MailauthResolver.MailauthResolver["resolve"]) => Promise<A>) =>
    options.memo === undefined ? f(resolver.resolve) : options.memo.run(key, resolver, f)
  const spf = (helo: string, sender: string): Promise<MailauthSpf> => {
    const memo = options.memo
    const key = spfKey(input, options, helo, sender)
    const check = (resolve: MailauthResolver.MailauthResolver["resolve"]) =>
      FirstAnswer.spf(mailauth, { ip: input.ip, mta: options.mta, resolver: resolve, helo, sender })
    if (memo === undefined) return check(resolver.resolve)
    if (!FirstAnswer.ipDecides(input.ip)) return memo.run(key, resolver, check)
    // A check its first answer decided is the same for every IP (a new sender's IP, a sender
    // domain that the resolver refuses or does not know): remembered without the IP too.
    const anyIp = firstSpfKey(options, helo, sender)
    const decided = memo.recall(anyIp, resolver)
    if (decided !== undefined) return Promise.resolve(memo.replay(decided, resolver) as MailauthSpf)
    return memo.run(key, resolver, check).then((result) => {
      if (FirstAnswer.decidedByFirst(result)) memo.alias(key, anyIp)
      return result
    })
  }
  const { helo, spfHelo } = helosOf(input)
  // Without a header end we cannot tell: mailauth's DKIM verifier decides, as before.
  const signed = found === undefined || found.dkim || found.arc
  const dkimRun = signed
    ? mailauth.dkimVerify(message, { resolver: resolver.resolve, sender: input.mailFrom })
    : undefined
  const headerFrom = found?.headerFrom ?? (await dkimRun)?.headerFrom ?? []
  const fromDomain = fromDomainOf(headerFrom)
  const [dkimOut, spfOut, heloSpf, dmarcOut] = await Promise.all([
    dkimRun,
    spf(spfHelo, input.mailFrom),
    isDomainName(helo) ? spf(helo, `postmaster@${helo}`) : undefined,
    // Only the record is read from mailauth's answer (see the gotchas): no SPF or DKIM domains needed.
    fromDomain
      ? checked(dmarcKey(headerFrom), (resolve) => FirstAnswer.dmarc(mailauth, { headerFrom, resolver: resolve }))
      : undefined
  ])
  const sealed = dkimOut?.arc !== undefined && (found === undefined || found.arc)
  const arcOut = sealed ? await mailauth.arc(dkimOut.arc, { resolver: resolver.resolve }) : undefined
  return factsOf(input, options, resolver, helo, fromDomain, {
    spf: spfOut,
    heloSpf,
    dmarc: dmarcOut,
    dkim: dkimOut,
    arc: arcOut
  })
}

/** What a check that threw or rejected gives: the error's own text (not the wrapper's). */
const failed = (input: AuthInput, error: unknown, lookups: number): AuthFacts => {
  const e = error instanceof Cause.UnknownError && error.cause !== undefined ? error.cause : error
  return unavailable(input, `authentication check failed: ${String(e).slice(0, 120)}`, lookups, false)
}

const timedOut = (input: AuthInput, options: AuthOptions, lookups: number): AuthFacts =>
  unavailable(input, `no result within ${options.timeoutMillis} ms`, lookups, true)

// mailauth's lookups end at the deadline; the grace covers its CPU work (key parsing, hashing).
const GRACE_MILLIS = 1000

/**
 * Starts mailauth's checks with a resolver whose lookups end at the deadline, counted on
 * `timing` (`now`, the caller's clock, unless given; the cache's answers are read at `now`): the
 * facts themselves when remembered checks give them at once (`RecalledFacts`, else `recalled`),
 * else their promise with its resolver.
 */
const start = (
  dns: DnsShape,
  input: AuthInput,
  options: AuthOptions,
  now: () => number,
  timing: () => number = now
): AuthFacts | { readonly resolver: MailauthResolver.MailauthResolver; readonly running: Promise<AuthFacts> } => {
  // The first check loads mailauth's modules: before its deadline starts, not against it.
  Mailauth.load()
  const at = now()
  const message = Buffer.isBuffer(input.message)
    ? input.message
    : Buffer.from(input.message.buffer, input.message.byteOffset, input.message.byteLength)
  const found = headerFacts(message)
  const memo = options.memo
  const known = memo !== undefined && found !== undefined && !found.dkim && !found.arc
  const sender: RecalledFacts.Sender | undefined = known
    ? {
        ip: input.ip,
        helo: input.helo,
        mailFrom: input.mailFrom,
        truncated: input.truncated === true,
        mta: options.mta,
        headerFrom: found.headerFrom
      }
    : undefined
  // Before the deadline (at + timeoutMillis) every answer is read from memory as the resolver's
  // `seenNow` reads it.
  if (sender !== undefined && options.timeoutMillis > 0) {
    const shared = RecalledFacts.find(memo!, sender, (name, type) => MailauthResolver.seenAt(dns, name, type, at))
    if (shared !== undefined) return shared
  }
  const resolver = MailauthResolver.make(dns, options.timeoutMillis, timing() + options.timeoutMillis, now, timing)
  const facts = sender === undefined ? undefined : recalled(input, options, memo!, resolver, found!, sender)
  return facts ?? { resolver, running: run(input, options, resolver, message, found) }
}

/**
 * The check in the fiber's runtime: the deadline and mailauth's lookups read its `Clock` (a
 * `TestClock` decides when the deadline passes). Remembered checks give their facts at once.
 */
export const check = (dns: DnsShape, input: AuthInput, options: AuthOptions): Effect.Effect<AuthFacts> =>
  Effect.clockWith((clock) => {
    let started: ReturnType<typeof start>
    try {
      started = start(dns, input, options, () => clock.currentTimeMillisUnsafe())
    } catch (error) {
      return Effect.succeed(failed(input, error, 0))
    }
    if (!("running" in started)) return Effect.succeed(started)
    const { resolver, running } = started
    return Effect.tryPromise(() => running).pipe(
      (checking) => Deadline.within(checking, options.timeoutMillis + GRACE_MILLIS),
      Effect.map((o) => (o._tag === "Some" ? o.value : timedOut(input, options, resolver.lookups()))),
      Effect.catch((e) => Effect.succeed(failed(input, e, resolver.lookups())))
    )
  })

/**
 * The same check for a caller outside any runtime (the once-per-message check every reader
 * shares): on the system clock, its deadline one timer, no fibers. What `check` gives under the
 * runtime's own clock: the facts themselves when remembered checks give them at once (no
 * promise, no timer), else a promise of them.
 */
export const checkNow = (dns: DnsShape, input: AuthInput, options: AuthOptions): AuthFacts | Promise<AuthFacts> => {
  let started: ReturnType<typeof start>
  try {
    // The deadline on the monotonic clock (a step of the wall clock must not end the questions).
    started = start(dns, input, options, Date.now, Deadline.now)
  } catch (error) {
    return failed(input, error, 0)
  }
  if (!("running" in started)) return started
  const { resolver, running } = started
  return new Promise((resolve) => {
    const deadline = Deadline.timer(options.timeoutMillis + GRACE_MILLIS, () =>
      resolve(timedOut(input, options, resolver.lookups()))
    )
    running.then(
      (facts) => {
        deadline.cancel()
        resolve(facts)
      },
      (error: unknown) => {
        deadline.cancel()
        resolve(failed(input, error, resolver.lookups()))
      }
    )
  })
}
