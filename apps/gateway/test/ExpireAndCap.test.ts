import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { expireAndCap } from "../src/quarantine-web/ExpireAndCap.ts"

describe("expireAndCap", () => {
  it("drops what the store's rule says is over, then the first to go while there is no room", () => {
    const entries = [
      { name: "a", expires: 50 },
      { name: "b", expires: 300 },
      { name: "c", expires: 200 },
      { name: "d", expires: 90 },
      { name: "e", expires: 400 }
    ]
    const expired = (e: { expires: number }) => e.expires <= 100
    expect(expireAndCap(entries, { expired, room: 3 }).map((e) => e.name)).toEqual(["a", "d"])
    // In the entries' own order (memory: the oldest first) or in the store's (files: nearest expiry).
    expect(expireAndCap(entries, { expired, room: 2 }).map((e) => e.name)).toEqual(["a", "d", "b"])
    const byExpiry = (x: { expires: number }, y: { expires: number }) => x.expires - y.expires
    expect(expireAndCap(entries, { expired, room: 2, firstOut: byExpiry }).map((e) => e.name)).toEqual(["a", "d", "c"])
    expect(expireAndCap(entries, { expired, room: 0 }).map((e) => e.name)).toEqual(["a", "d", "b", "c", "e"])
  })

  test.prop([fc.array(fc.integer({ min: 0, max: 1000 }), { maxLength: 60 }), fc.nat(1000), fc.nat(40), fc.boolean()])(
    "what stays is live, at most `room` of it, and the last to go; nothing is dropped twice",
    (expiries, now, room, sorted) => {
      const entries = expiries.map((expires, i) => ({ i, expires }))
      const gone = expireAndCap(entries, {
        expired: (e) => e.expires <= now,
        room,
        firstOut: sorted ? (a, b) => a.expires - b.expires : undefined
      })
      expect(new Set(gone).size).toBe(gone.length)
      const kept = entries.filter((e) => !gone.includes(e))
      expect(kept.every((e) => e.expires > now)).toBe(true)
      expect(gone.filter((e) => e.expires <= now)).toHaveLength(entries.filter((e) => e.expires <= now).length)
      const live = entries.filter((e) => e.expires > now)
      expect(kept).toHaveLength(Math.min(room, live.length))
      // A live entry that went goes no later than any kept one.
      for (const g of gone.filter((e) => e.expires > now))
        for (const k of kept) expect(sorted ? g.expires <= k.expires : g.i < k.i).toBe(true)
    }
  )
})
