// The Node DNS layer's answer shapes for every record type, against a real dnsmasq on loopback:
// A and AAAA with their TTLs, TXT character-strings joined, MX as "priority exchange", PTR for an
// address asked by its reverse name; NODATA is NotFound; an interrupted lookup ends at once; a deadline is a Timeout.
import { Cause, Effect, Exit, Fiber } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type Dnsmasq, startDnsmasq } from "../../antispam/test/auth/support/dnsmasq.ts"
import { startSilentDns } from "../../core/test/dns/support/rbldnsd.ts"
import { NodeDns } from "../src/index.ts"

const long = `v=spf1 ${"ip4:192.0.2.0/24 ".repeat(20)}-all`

describe.each(["builtin", "system"] as const)(
  "NodeDns answer shapes against a real dnsmasq (%s resolver)",
  (resolver) => {
    let server: Dnsmasq
    beforeAll(async () => {
      server = await startDnsmasq(
        ["shapes.test"],
        [
          { type: "A", name: "host.shapes.test", value: "192.0.2.44" },
          { type: "A", name: "six.shapes.test", value: "2001:db8::44" },
          { type: "TXT", name: "txt.shapes.test", value: long },
          { type: "MX", name: "shapes.test", exchange: "mx.shapes.test", preference: 10 }
        ]
      )
    })
    afterAll(async () => {
      await server?.stop()
    })

    it("answers A, AAAA, TXT, MX and PTR in the contract's shapes", async () => {
      const dns = NodeDns.makeUncached({ resolver, servers: [server.server], attemptTimeoutMillis: 1000, tries: 2 })
      const lookup = (type: "A" | "AAAA" | "TXT" | "MX" | "PTR", name: string) =>
        Effect.runPromise(dns.lookup!(type, name))
      const a = await lookup("A", "HOST.shapes.test.")
      expect(a).toMatchObject({ _tag: "Answer", records: ["192.0.2.44"] })
      expect(a._tag === "Answer" && Number.isFinite(a.ttlSeconds) && a.ttlSeconds >= 0).toBe(true)
      expect(await lookup("AAAA", "six.shapes.test")).toMatchObject({ _tag: "Answer", records: ["2001:db8::44"] })
      // dnsmasq gives its own records a TTL of 0: the built-in resolver tells it; Node's c-ares
      // shows no TTL for TXT, MX and PTR, so those are kept for `unknownTtlSeconds` (300).
      const ttl = resolver === "builtin" ? 0 : 300
      expect(await lookup("TXT", "txt.shapes.test")).toEqual({ _tag: "Answer", records: [long], ttlSeconds: ttl })
      expect(await lookup("MX", "shapes.test")).toEqual({
        _tag: "Answer",
        records: ["10 mx.shapes.test"],
        ttlSeconds: ttl
      })
      expect(await lookup("PTR", "192.0.2.44")).toEqual({
        _tag: "Answer",
        records: ["host.shapes.test"],
        ttlSeconds: ttl
      })
      expect(await lookup("AAAA", "host.shapes.test")).toMatchObject({ _tag: "NotFound" })
      expect(await lookup("A", "nx.shapes.test")).toEqual({ _tag: "NotFound", detail: "ENOTFOUND" })
    })

    it("an interrupted lookup ends at once; a lookup past its deadline is Timeout, saying the deadline", async () => {
      const silent = await startSilentDns()
      try {
        const dns = NodeDns.makeUncached({ resolver, servers: [silent.server], attemptTimeoutMillis: 5000, tries: 1 })
        const fiber = Effect.runFork(dns.lookup!("A", "x.shapes.test", { timeoutMillis: 60_000 }))
        while (silent.received() === 0) await new Promise((r) => setTimeout(r, 10))
        const exit = await Effect.runPromise(Fiber.interrupt(fiber).pipe(Effect.andThen(Fiber.await(fiber))))
        expect(Exit.isFailure(exit) && Cause.hasInterruptsOnly(exit.cause)).toBe(true)
        const timed = await Effect.runPromise(Effect.result(dns.lookup!("A", "y.shapes.test", { timeoutMillis: 50 })))
        expect(timed._tag === "Failure" && timed.failure.reason).toBe("Timeout")
        expect(timed._tag === "Failure" && timed.failure.detail).toBe("no answer within 50 ms")
      } finally {
        await silent.stop()
      }
    })
  }
)
