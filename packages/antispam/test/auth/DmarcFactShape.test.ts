import { describe, expect, it } from "vitest"
import type { DmarcFact } from "../../src/auth/AuthFacts.ts"
import { type DmarcInput, dmarcFact, type MailauthDmarc } from "../../src/auth/FromMailauth.ts"
import { hiddenClasses } from "../../../core/test/support/hiddenClass.ts"

// Every DMARC fact has one hidden class, whatever its result: the gateway builds one per new
// sender, and its readers (the header, the symbols, the enforcement step) stay monomorphic.
const input = (spf: "pass" | "fail"): DmarcInput => ({
  fromDomain: "example.com",
  spf: { scope: "mailfrom", identity: "a@example.com", result: spf, domain: "example.com" },
  dkim: [],
  sampleBucket: () => 50
})
const record = (fields: Partial<MailauthDmarc>): MailauthDmarc => ({
  status: { result: "pass" },
  policy: "reject",
  p: "reject",
  rr: "v=DMARC1; p=reject",
  ...fields
})

describe("DMARC facts", () => {
  it("have one hidden class for every result, and keep each result's own fields", () => {
    const facts: Array<[DmarcFact, Partial<DmarcFact>]> = [
      [dmarcFact(undefined, input("pass")), { result: "none", pct: 100, applied: "none", sampled: true }],
      [
        dmarcFact(record({ status: { result: "temperror" }, error: "timeout" }), input("pass")),
        { result: "temperror", comment: "timeout" }
      ],
      [dmarcFact(record({ p: "bogus" }), input("pass")), { result: "permerror", record: "v=DMARC1; p=reject" }],
      [dmarcFact(record({}), input("pass")), { result: "pass", p: "reject", sp: "reject", applied: "none" }],
      [dmarcFact(record({ pct: 0 }), input("fail")), { result: "fail", pct: 0, sampled: false, applied: "quarantine" }]
    ]
    for (const [fact, expected] of facts) expect(fact).toMatchObject(expected)
    expect(facts[3]![0].alignment.spf).toEqual({ domain: "example.com", strict: false })
    expect(hiddenClasses(facts.map(([f]) => f))).toBe(1)
  })
})
