// The Authentication-Results value we write and the authserv-id test for incoming ones
// (RFC 8601 §5), with property tests: never throws, our own header is always recognised, and
// the value can never add a header line.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import type { AuthFacts } from "../../src/auth/AuthFacts.ts"
import { authservIdOf, claims, format } from "../../src/auth/AuthResultsHeader.ts"

const facts = (over: Partial<AuthFacts> = {}): AuthFacts => ({
  fromDomain: "example.org",
  clientIp: "192.0.2.1",
  spf: { mailFrom: { scope: "mailfrom", identity: "a@example.org", domain: "example.org", result: "pass" } },
  dkim: [],
  dmarc: {
    result: "none",
    fromDomain: "example.org",
    pct: 100,
    applied: "none",
    sampled: true,
    alignment: { spf: { strict: false }, dkim: { strict: false } }
  },
  arc: { result: "none", instance: 0 },
  lookups: 3,
  timedOut: false,
  ...over
})

describe("authserv-id of incoming headers", () => {
  it.each([
    ["gw.test; spf=pass", "gw.test"],
    ["  GW.Test.  ; dmarc=pass", "gw.test"],
    ["(forged (nested) comment) gw.test 1; none", "gw.test"],
    ['"gw.test"; none', "gw.test"],
    ["gw.test;dkim=pass", "gw.test"],
    ["\r\n\tgw.test;\r\n\tarc=pass", "gw.test"],
    ["other.test; spf=pass", "other.test"],
    ["", undefined],
    [";", undefined],
    ["(only a comment)", undefined]
  ])("%j -> %s", (value, id) => {
    expect(authservIdOf(value)).toBe(id)
  })

  it("claims compares case-insensitively and ignores a trailing dot", () => {
    expect(claims("GW.TEST; spf=pass", "gw.test.")).toBe(true)
    expect(claims("gw.test.example; spf=pass", "gw.test")).toBe(false)
    expect(claims("xgw.test; spf=pass", "gw.test")).toBe(false)
  })

  test.prop([fc.string({ unit: "binary", maxLength: 300 })])("never throws on arbitrary text", (value) => {
    const id = authservIdOf(value)
    expect(id === undefined || id.length > 0).toBe(true)
  })
})

describe("the header we write", () => {
  it("names every method, folds after each result and quotes odd identities", () => {
    const v = format(
      "gw.test",
      facts({
        spf: {
          mailFrom: {
            scope: "mailfrom",
            identity: 'we"ird (x)@example.org',
            domain: "example.org",
            result: "softfail",
            comment: "a (comment) \\ here"
          }
        },
        dkim: [
          {
            domain: "example.org",
            selector: "s1",
            algorithm: "rsa-sha256",
            result: "fail",
            comment: "body hash did not verify",
            signature: "abcdefgh",
            aligned: true
          }
        ],
        arc: { result: "fail", instance: 2, sealer: "list.example", comment: "i=2 no valid signature" }
      })
    )
    expect(v.split(";\r\n\t")).toEqual([
      "gw.test",
      'spf=softfail (a \\(comment\\) \\\\ here) smtp.mailfrom="we\\"ird (x)@example.org"',
      "dkim=fail (body hash did not verify) header.d=example.org header.s=s1 header.a=rsa-sha256 header.b=abcdefgh",
      "dmarc=none header.from=example.org",
      "arc=fail (i=2 sealed by list.example i=2 no valid signature)"
    ])
  })

  // The comment as RFC 8601 §2.2 asks, written the obvious way: the header's scan must give the
  // same text for every string, clean or not, short or past the 100-character cut.
  const expectedComment = (text: string): string =>
    text
      .replace(/[\x00-\x1f\x7f]/g, " ")
      .slice(0, 100)
      .replace(/[()\\]/g, "\\$&")

  test.prop([
    fc.oneof(
      fc.string({ minLength: 1, maxLength: 300 }),
      fc.string({
        unit: fc.constantFrom("a", " ", "(", ")", "\\", "\t", "\x7f", "é", "\u{1F600}"),
        minLength: 1,
        maxLength: 120
      }),
      fc.stringMatching(/^[a-z .:=@]{95,105}$/)
    )
  ])("writes each comment escaped, without control characters and cut to 100 characters", (text) => {
    const spf = { scope: "mailfrom", identity: "a@example.org", domain: "example.org", result: "neutral" } as const
    const v = format("gw.test", facts({ spf: { mailFrom: { ...spf, comment: text } } }), "; ")
    expect(v).toContain(`spf=neutral (${expectedComment(text)}) smtp.mailfrom=a@example.org;`)
  })

  const arbFacts = fc.record({
    identity: fc.string({ maxLength: 300 }),
    comment: fc.option(fc.string({ maxLength: 300 }), { nil: undefined }),
    domain: fc.string({ minLength: 1, maxLength: 253 }),
    sigs: fc.integer({ min: 0, max: 20 })
  })

  test.prop([arbFacts])(
    "is recognised as ours, keeps lines short, and every line after the first is a fold",
    ({ identity, comment, domain, sigs }) => {
      const v = format(
        "gw.test",
        facts({
          spf: { mailFrom: { scope: "mailfrom", identity, domain, result: "neutral", comment } },
          dkim: Array.from({ length: sigs }, () => ({
            domain,
            selector: identity,
            algorithm: "rsa-sha256",
            result: "pass" as const,
            comment,
            signature: "abcdefgh",
            aligned: false
          }))
        })
      )
      expect(claims(v, "gw.test")).toBe(true)
      const lines = v.split("\r\n")
      expect(lines.length).toBeLessThanOrEqual(13)
      for (const [i, l] of lines.entries()) {
        expect(l).not.toMatch(/[\r\n\0]/)
        expect(l.length).toBeLessThan(998)
        if (i > 0) expect(l).toMatch(/^\t\S/)
      }
    }
  )
})
