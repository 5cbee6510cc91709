import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { toEngineAnswer } from "../src/Answer.ts"

describe("toEngineAnswer (the provider answer boundary)", () => {
  it("maps the four answer forms", () => {
    expect(toEngineAnswer(null, 60)).toEqual({ _tag: "NotListed", ttlSeconds: 60 })
    expect(toEngineAnswer(undefined, undefined)).toEqual({ _tag: "NotListed", ttlSeconds: undefined })
    expect(toEngineAnswer({ listed: false, ttlSeconds: 5 }, 60)).toEqual({ _tag: "NotListed", ttlSeconds: 5 })
    expect(toEngineAnswer({ listed: true, codes: ["127.0.0.2"], score: 2.5, reason: "spam source" }, 60)).toEqual({
      _tag: "Listed",
      codes: ["127.0.0.2"],
      score: 2.5,
      reason: "spam source",
      ttlSeconds: 60
    })
    expect(toEngineAnswer({ unknown: "ResolverBlocked", detail: "127.255.255.254" }, 60)).toEqual({
      _tag: "Unknown",
      reason: "ResolverBlocked",
      detail: "127.255.255.254"
    })
  })

  it("cuts TTLs over 7 days to 7 days instead of rejecting them (real DNS TTLs can be 2^31-1)", () => {
    const week = 7 * 86_400
    expect(toEngineAnswer({ listed: true, codes: ["127.0.0.2"], ttlSeconds: 2 ** 31 - 1 }, 60)).toMatchObject({
      _tag: "Listed",
      ttlSeconds: week
    })
    expect(toEngineAnswer({ listed: false, ttlSeconds: week + 1 }, 60)).toEqual({ _tag: "NotListed", ttlSeconds: week })
    expect(toEngineAnswer({ listed: false, ttlSeconds: week }, 60)).toEqual({ _tag: "NotListed", ttlSeconds: week })
    expect(toEngineAnswer(null, 30 * 86_400)).toEqual({ _tag: "NotListed", ttlSeconds: week })
    expect(toEngineAnswer({ listed: true }, 30 * 86_400)).toMatchObject({ _tag: "Listed", ttlSeconds: week })
  })

  it.each([
    [{ listed: "yes" }, "listed must be"],
    [{ listed: 1 }, "listed must be"],
    [{ listed: true, score: Number.NaN }, "score"],
    [{ listed: true, score: Number.POSITIVE_INFINITY }, "score"],
    [{ listed: true, score: 1e9 }, "score"],
    [{ listed: true, codes: "127.0.0.2" }, "codes"],
    [{ listed: true, codes: [2] }, "codes"],
    [{ listed: true, codes: Array(65).fill("x") }, "codes"],
    [{ listed: true, codes: ["x".repeat(256)] }, "codes"],
    [{ listed: true, reason: "x".repeat(501) }, "reason"],
    [{ listed: true, reason: 42 }, "reason"],
    [{ listed: true, ttlSeconds: -1 }, "ttlSeconds"],
    [{ listed: false, ttlSeconds: Number.NaN }, "ttlSeconds"],
    [{ listed: true, ttlSeconds: Number.POSITIVE_INFINITY }, "ttlSeconds"],
    [{ listed: false, ttlSeconds: "3600" }, "ttlSeconds"],
    [{ unknown: "Whatever" }, "unknown must be"],
    [{ unknown: "Timeout", detail: "d".repeat(10_000) }, "detail"],
    [{ unknown: "Timeout", listed: true }, "either listed or unknown"],
    ["listed", "expected an object"],
    [[{ listed: true }], "an array"],
    [42, "expected an object"]
  ])("garbage %j is an error answer, never a listing", (raw, why) => {
    const a = toEngineAnswer(raw, 60)
    expect(a._tag).toBe("Unknown")
    expect(a).toMatchObject({ reason: "ProviderError" })
    expect((a as { detail: string }).detail).toContain(why)
  })

  test.prop([fc.anything({ withNullPrototype: true, withBoxedValues: true, withSparseArray: true })])(
    "never throws; Listed only for well-formed listed answers",
    (raw) => {
      const a = toEngineAnswer(raw, 60)
      if (a._tag === "Listed") {
        expect((raw as { listed: unknown }).listed).toBe(true)
        expect(a.score === undefined || Number.isFinite(a.score)).toBe(true)
      }
      if (a._tag !== "Unknown") expect(a.ttlSeconds).toBeLessThanOrEqual(7 * 86_400)
    }
  )

  test.prop([fc.option(fc.double({ min: 0, noNaN: true, noDefaultInfinity: true }), { nil: undefined }), fc.boolean()])(
    "any finite TTL >= 0 is accepted, cut to 7 days",
    (ttl, listed) => {
      const a = toEngineAnswer({ listed, ttlSeconds: ttl }, 60)
      expect(a._tag).toBe(listed ? "Listed" : "NotListed")
      expect((a as { ttlSeconds: number }).ttlSeconds).toBe(Math.min(ttl ?? 60, 7 * 86_400))
    }
  )
})
