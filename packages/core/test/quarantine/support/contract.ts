// The QuarantineStore contract, run against every implementation (file store in
// packages/platform-node/test, Redis store in packages/redis/test). `make` returns a fresh, empty
// store; `peer` another handle on the same storage (as another process or node would open it).
import { fc, test as propTest } from "@fast-check/vitest"
import { describe, expect, test } from "vitest"
import { Envelope, Quarantine } from "../../../src/index.ts"

const collect = async (s: AsyncIterable<Uint8Array>): Promise<Uint8Array> => {
  const parts: Array<Uint8Array> = []
  for await (const c of s) parts.push(c)
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

const text = (s: string) => new TextEncoder().encode(s)
const message = (subject: string, body = "hello\r\n") =>
  text(`From: Spammer <spam@example.net>\r\nSubject: ${subject}\r\nTo: user@example.org\r\n\r\n${body}`)
const envelope = Envelope.make({
  clientAddress: "::ffff:192.0.2.7",
  helo: "mx.example.net",
  mailFrom: "bounce@example.net",
  rcptTo: ["a@example.org", "b@example.org"],
  sessionFlags: new Set(["bypassAntispam"])
})
const verdict = {
  class: "spam" as const,
  score: 9.5,
  symbols: [{ name: "RBL_LISTED", score: 6, source: "rbl", detail: "192.0.2.7 via bl.test" }],
  trace: []
}

export const quarantineContract = (
  name: string,
  make: () => Promise<Quarantine.QuarantineStoreShape>,
  peer: (of: Quarantine.QuarantineStoreShape) => Quarantine.QuarantineStoreShape
) =>
  describe(`QuarantineStore contract: ${name}`, () => {
    test("put then get returns the bytes, the envelope, the verdict summary and header summary", async () => {
      const store = await make()
      try {
        const bytes = message("cheap pills")
        const id = await store.put({
          envelope,
          recipients: ["a@example.org"],
          reason: "spam (score 9.5)",
          verdict,
          message: bytes
        })
        expect(Quarantine.isValidId(id)).toBe(true)
        const got = await store.get(id)
        expect(await collect(got.stream())).toEqual(bytes)
        expect(await collect(got.stream())).toEqual(bytes) // streams more than once
        expect(got.meta).toMatchObject({
          id,
          recipients: ["a@example.org"],
          reason: "spam (score 9.5)",
          size: bytes.length,
          subject: "cheap pills",
          from: "Spammer <spam@example.net>",
          envelope: {
            clientAddress: "192.0.2.7",
            helo: "mx.example.net",
            mailFrom: "bounce@example.net",
            rcptTo: ["a@example.org", "b@example.org"],
            sessionFlags: ["bypassAntispam"]
          },
          verdict: {
            class: "spam",
            score: 9.5,
            symbols: [{ name: "RBL_LISTED", score: 6, source: "rbl", detail: "192.0.2.7 via bl.test" }]
          }
        })
        expect(got.meta.confirmedAt).toBeUndefined()
        expect(Number.isNaN(Date.parse(got.meta.storedAt))).toBe(false)
      } finally {
        await store.close()
      }
    })

    test("a streamed message in many chunks is stored whole; recipients default to the envelope's", async () => {
      const store = await make()
      try {
        const big = new Uint8Array(300_000).map((_, i) => 32 + (i % 90))
        const head = message("big one")
        const id = await store.put({
          envelope,
          reason: "r",
          message: async function* () {
            yield head
            for (let i = 0; i < big.length; i += 7000) yield big.subarray(i, i + 7000)
          }
        })
        const got = await store.get(id)
        const all = await collect(got.stream())
        expect(all.length).toBe(head.length + big.length)
        expect(all.subarray(head.length)).toEqual(big)
        expect(got.meta.recipients).toEqual(envelope.rcptTo)
        expect(got.meta.size).toBe(all.length)
      } finally {
        await store.close()
      }
    })

    test("list is newest first, paged, with the total", async () => {
      const store = await make()
      try {
        const ids: Array<string> = []
        for (let i = 0; i < 5; i++) {
          ids.push(await store.put({ envelope, reason: `r${i}`, message: message(`n${i}`) }))
          await new Promise((r) => setTimeout(r, 3))
        }
        const all = await store.list({ limit: 100 })
        expect(all.total).toBe(5)
        expect(all.entries.map((e) => e.id)).toEqual([...ids].reverse())
        const page = await store.list({ limit: 2, offset: 1 })
        expect(page.total).toBe(5)
        expect(page.entries.map((e) => e.subject)).toEqual(["n3", "n2"])
      } finally {
        await store.close()
      }
    })

    test("markConfirmed records the time; remove deletes; unknown ids are NotFound", async () => {
      const store = await make()
      try {
        const id = await store.put({ envelope, reason: "r", message: message("confirm me") })
        const m = await store.markConfirmed(id)
        expect(m.confirmedAt).toBeDefined()
        expect((await store.get(id)).meta.confirmedAt).toBe(m.confirmedAt)
        await store.remove(id)
        await expect(store.get(id)).rejects.toMatchObject({ reason: "NotFound" })
        await expect(store.remove(id)).rejects.toMatchObject({ reason: "NotFound" })
        await expect(store.markConfirmed(id)).rejects.toMatchObject({ reason: "NotFound" })
        expect((await store.list()).total).toBe(0)
      } finally {
        await store.close()
      }
    })

    test("markVirusFound records the signature beside the confirmation; the entry stays; unknown ids are NotFound", async () => {
      const store = await make()
      try {
        const id = await store.put({ envelope, reason: "spam", message: message("infected later") })
        await store.markConfirmed(id)
        const m = await store.markVirusFound(id, "Test.Sig.UNOFFICIAL")
        expect(m.virusFound).toEqual({ signature: "Test.Sig.UNOFFICIAL", at: expect.any(String) })
        const read = (await store.get(id)).meta
        expect(read.virusFound).toEqual(m.virusFound)
        expect(read.confirmedAt).toBeDefined()
        expect(read.reason).toBe("spam")
        expect((await store.list()).entries.map((e) => e.virusFound?.signature)).toEqual(["Test.Sig.UNOFFICIAL"])
        await store.remove(id)
        await expect(store.markVirusFound(id, "Test.Sig.UNOFFICIAL")).rejects.toMatchObject({ reason: "NotFound" })
      } finally {
        await store.close()
      }
    })

    test("a confirmation and a virus record at once, through two handles (the CLI's confirm, a release's rescan): both kept", async () => {
      const store = await make()
      const other = peer(store)
      try {
        for (let round = 0; round < 5; round++) {
          const id = await store.put({ envelope, reason: "spam", message: message(`race ${round}`) })
          await Promise.all([store.markConfirmed(id), other.markVirusFound(id, "Race.Sig.UNOFFICIAL")])
          const read = (await store.get(id)).meta
          expect({ confirmed: read.confirmedAt !== undefined, virus: read.virusFound?.signature }).toEqual({
            confirmed: true,
            virus: "Race.Sig.UNOFFICIAL"
          })
        }
      } finally {
        await other.close()
        await store.close()
      }
    })

    test("of 8 concurrent claims exactly one holds; complete removes and is remembered as released", async () => {
      const store = await make()
      const others = Array.from({ length: 7 }, () => peer(store))
      try {
        const id = await store.put({ envelope, reason: "r", message: message("claim me") })
        const outcomes = await Promise.allSettled([store, ...others].map((s) => s.claim(id)))
        const held = outcomes.filter((o) => o.status === "fulfilled")
        expect(held).toHaveLength(1)
        for (const o of outcomes)
          if (o.status === "rejected")
            expect(o.reason).toMatchObject({
              reason: "Released",
              message: expect.stringContaining("already being released")
            })
        await (held[0] as PromiseFulfilledResult<Quarantine.ReleaseClaim>).value.complete()
        await expect(store.get(id)).rejects.toMatchObject({ reason: "NotFound" })
        expect((await store.list()).total).toBe(0)
        await expect(others[0]!.claim(id)).rejects.toMatchObject({
          reason: "Released",
          message: expect.stringMatching(/was already released \(at \d{4}-/)
        })
        await expect(store.claim("20990101T000000000-000000000000")).rejects.toMatchObject({ reason: "NotFound" })
        await expect(store.claim("../x")).rejects.toMatchObject({ reason: "BadId" })
      } finally {
        await Promise.all([store, ...others].map((s) => s.close()))
      }
    })

    test("an abandoned claim leaves the entry, which can be claimed again", async () => {
      const store = await make()
      try {
        const id = await store.put({ envelope, reason: "r", message: message("abandon me") })
        const first = await store.claim(id)
        await expect(store.claim(id)).rejects.toMatchObject({ reason: "Released" })
        await first.abandon()
        expect((await store.get(id)).meta.id).toBe(id)
        const second = await store.claim(id)
        await first.abandon() // no longer the holder: must not free the second claim
        await expect(store.claim(id)).rejects.toMatchObject({ reason: "Released" })
        await second.complete()
        await expect(store.get(id)).rejects.toMatchObject({ reason: "NotFound" })
      } finally {
        await store.close()
      }
    })

    test("ids that could escape the store are refused", async () => {
      const store = await make()
      try {
        for (const bad of ["../x", "a/b", "", ".hidden", "x\ny", "a..b"]) {
          await expect(store.get(bad)).rejects.toMatchObject({ reason: "BadId" })
          await expect(store.remove(bad)).rejects.toMatchObject({ reason: "BadId" })
        }
      } finally {
        await store.close()
      }
    })

    propTest.prop([fc.uint8Array({ maxLength: 4096 })], { numRuns: 15 })("any bytes round trip", async (bytes) => {
      const store = await make()
      try {
        const id = await store.put({ envelope, reason: "prop", message: bytes })
        const got = await store.get(id)
        expect(await collect(got.stream())).toEqual(bytes)
        expect(got.meta.size).toBe(bytes.length)
      } finally {
        await store.close()
      }
    })
  })
