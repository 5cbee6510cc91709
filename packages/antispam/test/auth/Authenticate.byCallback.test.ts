// A message with no DKIM or ARC field checked outside the runtime (`checkNow`, the gateway's
// way) waits for its questions by callback (`runBy`): it must give what the promise path (`run`,
// through `check`) gives, facts, questions and remembered checks alike, for every SPF and DMARC
// outcome of the test world and for names the resolver refuses, does not know, fails or never
// answers; and a new sender whose first answers decide its checks (refused names, as on the peer
// workload) waits with no promise of the check's own.
import { createHook } from "node:async_hooks"
import { Dns, type DnsShape } from "@mailmoat/core"
import { fc, test } from "@fast-check/vitest"
import { Effect, Exit } from "effect"
import { describe, expect } from "vitest"
import * as Authenticate from "../../src/auth/Authenticate.ts"
import type { AuthFacts } from "../../src/auth/AuthFacts.ts"
import * as CheckMemo from "../../src/auth/CheckMemo.ts"
import { byCallback } from "../support/callbackDns.ts"
import { IP, message, RECORDS, zoneOf } from "./support/world.ts"

const TIMEOUT_MILLIS = 150

/** The world's zone and names that fail each way (a static zone's failures, a name never answered). */
const zone: Dns.StaticZone = {
  ...zoneOf(RECORDS),
  "refused.test": { fail: "Refused" },
  "_dmarc.refused.test": { fail: "Refused" },
  "servfail.test": { fail: "ServerFailure" },
  "_dmarc.servfail.test": { fail: "ServerFailure" },
  "hang.test": "hang"
}

/**
 * A cached resolver whose inner one answers by callback one event-loop turn later (as a socket
 * would, `DnsShape.query`), counting its questions in order.
 */
const world = () => {
  const asked: Array<string> = []
  return { dns: Dns.withCache(byCallback(zone, asked)), asked, memo: CheckMemo.make() }
}

interface Sender {
  readonly mailFrom: string
  readonly from: string
  readonly ip: string
  readonly helo: string
}

const input = (s: Sender) => ({
  message: new TextEncoder().encode(message({ from: s.from })),
  ip: s.ip,
  helo: s.helo,
  mailFrom: s.mailFrom
})
const options = (memo: CheckMemo.CheckMemo) => ({ timeoutMillis: TIMEOUT_MILLIS, mta: "gw.test", memo })

/** The senders' facts, one after the other, by one path, and what that path asked and remembered. */
const checkAll = async (senders: ReadonlyArray<Sender>, byCallback: boolean) => {
  const w = world()
  const facts: Array<AuthFacts> = []
  for (const s of senders)
    facts.push(
      byCallback
        ? await Authenticate.checkNow(w.dns, input(s), options(w.memo))
        : await Effect.runPromise(Authenticate.check(w.dns, input(s), options(w.memo)))
    )
  return { facts, asked: w.asked, remembered: w.memo.hits() }
}

const DOMAINS = [
  "sig.test",
  "soft.test",
  "neutral.test",
  "inc.test",
  "mac.test",
  "mx.test",
  "broken.test",
  "l0.loop.test",
  "nospf.test",
  "quar.test",
  "org.test",
  "pct.test",
  "relaxed.test",
  "strict.test",
  "nodmarc.test",
  "refused.test",
  "servfail.test",
  "hang.test",
  "unknown.test"
]
const sender: fc.Arbitrary<Sender> = fc.record({
  mailFrom: fc.oneof(
    fc.constantFrom(...DOMAINS).map((d) => `x@${d}`),
    fc.constant("")
  ),
  from: fc.constantFrom(...DOMAINS).map((d) => `a@${d}`),
  ip: fc.constantFrom(...Object.values(IP), "198.51.100.7", "::ffff:127.0.0.23"),
  helo: fc.constantFrom("client.example", "mail.pass.test", "refused.test", "unknown.test", "[127.0.0.23]", "")
})

describe("checkNow by callback", () => {
  test.prop([fc.array(sender, { minLength: 1, maxLength: 4 })], { numRuns: 40 })(
    "gives what check gives, asks the same questions and remembers the same checks",
    async (senders) => {
      // Each sender twice: the second time from the remembered checks where they hold.
      const twice = senders.flatMap((s) => [s, s])
      const [byCallback, byPromise] = [await checkAll(twice, true), await checkAll(twice, false)]
      expect(byCallback.facts).toEqual(byPromise.facts)
      expect(byCallback.asked).toEqual(byPromise.asked)
      expect(byCallback.remembered).toBe(byPromise.remembered)
    }
  )

  test.prop([fc.integer({ min: 1, max: 250 })], { numRuns: 5 })(
    "waits for a new sender whose first answers decide its checks with no promise of its own",
    async (n) => {
      // Every TXT name refused one turn later, as the peer workload's rbldnsd refuses them.
      const refusing: DnsShape = {
        resolve: () => Effect.die("asked through the Effect form"),
        query: (type, name, _millis, _now, answered) => {
          const t = setImmediate(() => answered(Exit.fail(Dns.dnsError({ reason: "Refused", name, type }))))
          return () => clearImmediate(t)
        }
      }
      const dns = Dns.withCache(refusing)
      const memo = CheckMemo.make()
      const sender = (i: number): Sender => ({
        mailFrom: "x@client.example",
        from: `a@d${i}.example`,
        ip: `192.0.2.${i}`,
        helo: `h${i}.example`
      })
      // Warm: mailauth loaded, the MAIL FROM domain's refusal cached (as every later message finds it).
      await Authenticate.checkNow(dns, input(sender(0)), options(memo))
      let promises = 0
      const hook = createHook({
        init: (_id, type) => {
          if (type === "PROMISE") promises++
        }
      })
      const facts = await new Promise<AuthFacts>((resolve) => {
        hook.enable()
        // A new IP, HELO name and From domain: the HELO name's SPF and the DMARC record asked.
        const checking = Authenticate.checkNow(dns, input(sender(n)), options(memo)) as Promise<AuthFacts>
        checking.then((f) => {
          hook.disable()
          resolve(f)
        })
      })
      expect(facts.spf.mailFrom.result).toBe("temperror")
      expect(facts.spf.helo?.result).toBe("temperror")
      expect(facts.dmarc?.result).toBe("temperror")
      expect(facts.lookups).toBe(3)
      // The check's one promise (what `checkNow` hands its caller), this test's `then` and its
      // `await`: none inside the check (the promise path made 23 more).
      expect(promises).toBe(3)
    }
  )
})
