// SPF and DMARC-record checks decided by their first DNS answer, against mailauth itself: for
// generated senders, HELO names, client addresses, From addresses and DNS answers (records,
// every error code, a rejection that is not an Error), the same result in every field
// FromMailauth.ts reads, the same facts, and the same questions in the same order.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import * as FirstAnswer from "../../src/auth/FirstAnswer.ts"
import { dmarcFact, spfFact } from "../../src/auth/FromMailauth.ts"
import * as Mailauth from "../../src/auth/Mailauth.ts"

/** An answer a question is scripted to get: records, an error code, or a rejection that is not an Error. */
type Scripted = { readonly records: ReadonlyArray<ReadonlyArray<string>> } | { readonly code: string } | "odd"

/** A resolver telling each question its scripted answer (unscripted: no such name), fresh errors each time as MailauthResolver's. */
const scripted = (answers: ReadonlyMap<string, Scripted>) => {
  const asked: Array<string> = []
  const resolve = async (name: string, type = "A"): Promise<unknown> => {
    asked.push(`${type} ${name}`)
    const a = answers.get(`${type} ${name.toLowerCase()}`) ?? { code: "ENOTFOUND" }
    if (a === "odd") throw "not an error"
    if ("records" in a) return a.records.map((r) => [...r])
    throw Object.assign(new Error(`${type} ${name}: ${a.code}`), { code: a.code })
  }
  return { resolve, asked }
}

const CODES = ["EREFUSED", "ETIMEOUT", "ESERVFAIL", "ENOTFOUND", "ENODATA", "EBADNAME", "EOTHER", ""]

const scriptedAnswer: fc.Arbitrary<Scripted> = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...CODES).map((code) => ({ code })) },
  { weight: 1, arbitrary: fc.constant("odd" as const) },
  {
    weight: 3,
    arbitrary: fc
      .array(
        fc.array(
          fc.constantFrom(
            "v=spf1 -all",
            "v=spf1 ~all",
            "v=spf1 ip4:192.0.2.0/24 -all",
            "v=spf1 include:inc.example.net ?all",
            "v=spf1 a mx -all",
            "v=DMARC1; p=reject; pct=50",
            "v=DMARC1; p=none; adkim=s",
            "v=dmarc1;p=quarantine;sp=reject",
            "garbage",
            "v=spf1",
            " all"
          ),
          { minLength: 1, maxLength: 2 }
        ),
        { maxLength: 2 }
      )
      .map((records) => ({ records }))
  }
)

const label = fc.oneof(
  { weight: 6, arbitrary: fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?$/) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      "-a",
      "a-",
      "a_b",
      "A",
      "Ex",
      "123",
      "xn--bcher-kva",
      "b\u00fccher",
      "",
      " ",
      "a".repeat(64)
    )
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 6 }) }
)
const domain = fc.oneof(
  { weight: 6, arbitrary: fc.array(label, { minLength: 1, maxLength: 4 }).map((ls) => ls.join(".")) },
  { weight: 1, arbitrary: fc.constantFrom("[192.0.2.1]", "example.com.", "EXAMPLE.COM", " example.com ", "-", "") },
  { weight: 1, arbitrary: fc.constant(`${"a".repeat(63)}.`.repeat(4).concat("com")) }
)
const sender = fc.oneof(
  domain.map((d) => `user@${d}`),
  domain.map((d) => `@${d}`),
  domain,
  domain.map((d) => `a@b@${d}`),
  fc.constant("")
)
const ip = fc.oneof(
  fc.ipV4(),
  fc.ipV6(),
  fc.ipV4().map((a) => `::ffff:${a}`),
  fc.ipV4().map((a) => `::FFFF:${a}`),
  fc.constantFrom("", "not-an-ip", "300.1.1.1")
)

/** The fields of mailauth's SPF result that FromMailauth.ts reads or that name the check. */
const spfShape = (r: Record<string, unknown>) => {
  const status = (r.status ?? {}) as Record<string, unknown>
  return {
    domain: r.domain,
    clientIp: r["client-ip"],
    helo: r.helo,
    envelopeFrom: r["envelope-from"],
    result: status.result,
    comment: status.comment
  }
}

const dmarcShape = (r: unknown) => {
  if (!r) return r
  const d = r as Record<string, unknown>
  return {
    result: (d.status as Record<string, unknown> | undefined)?.result,
    error: d.error,
    policy: d.policy,
    p: d.p,
    sp: d.sp,
    pct: d.pct,
    rr: d.rr,
    alignment: d.alignment
  }
}

describe("FirstAnswer.spf", () => {
  test.prop(
    [
      ip,
      fc.oneof(domain, fc.constant("[192.0.2.7]")),
      sender,
      fc.constantFrom("mx.test", ""),
      scriptedAnswer,
      fc.array(fc.tuple(domain, scriptedAnswer), { maxLength: 3 })
    ],
    { numRuns: 400 }
  )("gives mailauth's result, facts and questions", async (clientIp, helo, from, mta, first, others) => {
    const mailauth = Mailauth.load()
    const senderDomain = (from || `postmaster@${helo}`).split("@").pop()!.toLowerCase().trim()
    const answers = new Map<string, Scripted>([
      ...others.map(([d, a]) => [`TXT ${d.toLowerCase()}`, a] as const),
      [`TXT ${senderDomain}`, first]
    ])
    const theirs = scripted(answers)
    const ours = scripted(answers)
    const options = { ip: clientIp, mta, helo, sender: from }
    const expected = await mailauth.spf({ ...options, resolver: theirs.resolve })
    const actual = await FirstAnswer.spf(mailauth, { ...options, resolver: ours.resolve })
    expect(spfShape(actual as Record<string, unknown>)).toEqual(spfShape(expected as Record<string, unknown>))
    const identity = from || `postmaster@${helo}`
    expect(spfFact("mailfrom", identity, actual, mta)).toEqual(spfFact("mailfrom", identity, expected, mta))
    expect(ours.asked).toEqual(theirs.asked)
  })

  it("answers a refused or missing domain without mailauth, and asks once", async () => {
    const mailauth = Mailauth.load()
    const unused = { ...mailauth, spf: () => Promise.reject(new Error("mailauth ran")) }
    for (const code of ["EREFUSED", "ETIMEOUT", "ESERVFAIL", "ENOTFOUND"]) {
      const { resolve, asked } = scripted(new Map([["TXT example.org", { code }]]))
      const r = await FirstAnswer.spf(unused, {
        ip: "192.0.2.1",
        mta: "mx.test",
        helo: "h.example.net",
        sender: "a@Example.org",
        resolver: resolve
      })
      expect(asked).toEqual(["TXT example.org"])
      expect(r.status?.result).toBe(code === "ENOTFOUND" ? "none" : "temperror")
    }
  })

  it("tells mailauth the first answer instead of asking again", async () => {
    const mailauth = Mailauth.load()
    const { resolve, asked } = scripted(new Map([["TXT example.org", { records: [["v=spf1 ip4:192.0.2.0/24 -all"]] }]]))
    const r = await FirstAnswer.spf(mailauth, {
      ip: "192.0.2.1",
      mta: "mx.test",
      helo: "h.example.net",
      sender: "a@example.org",
      resolver: resolve
    })
    expect(r.status?.result).toBe("pass")
    expect(asked).toEqual(["TXT example.org"])
  })
})

describe("FirstAnswer.dmarc", () => {
  test.prop(
    [
      fc.array(
        fc.oneof(
          domain.map((d) => `a@${d}`),
          domain
        ),
        { minLength: 0, maxLength: 2 }
      ),
      scriptedAnswer,
      scriptedAnswer
    ],
    { numRuns: 400 }
  )("gives mailauth's record result, facts and questions", async (headerFrom, first, org) => {
    const mailauth = Mailauth.load()
    const from = headerFrom[0] ?? ""
    const fromDomain = (from.includes("@") ? from.slice(from.indexOf("@") + 1) : from).toLowerCase().trim()
    const answers = new Map<string, Scripted>([[`TXT _dmarc.${fromDomain}`, first]])
    // The organisational domain's record, asked when the first name does not exist.
    const parts = fromDomain.split(".")
    if (parts.length > 2) answers.set(`TXT _dmarc.${parts.slice(-2).join(".")}`, org)
    const theirs = scripted(answers)
    const ours = scripted(answers)
    const expected = await mailauth.dmarc({
      headerFrom: [...headerFrom],
      spfDomains: [],
      dkimDomains: [],
      resolver: theirs.resolve
    })
    const actual = await FirstAnswer.dmarc(mailauth, { headerFrom, resolver: ours.resolve })
    expect(dmarcShape(actual)).toEqual(dmarcShape(expected))
    expect(ours.asked).toEqual(theirs.asked)
    if (headerFrom.length === 1 && fromDomain.length > 0) {
      const input = {
        fromDomain,
        spf: spfFact("mailfrom", "a@example.org", undefined, "mx.test"),
        dkim: [],
        sampleBucket: () => 42
      }
      expect(dmarcFact(actual, input)).toEqual(dmarcFact(expected, input))
    }
  })

  it("leaves a From domain that is no host name to mailauth, which asks its own questions", async () => {
    for (const from of ["a@@@", "a@ex ample.org", "a@[192.0.2.1]", "a@"]) {
      const mailauth = Mailauth.load()
      const answers = new Map<string, Scripted>([
        [`TXT _dmarc.${from.slice(from.indexOf("@") + 1)}`, { code: "EREFUSED" }]
      ])
      const theirs = scripted(answers)
      const ours = scripted(answers)
      await mailauth.dmarc({ headerFrom: [from], spfDomains: [], dkimDomains: [], resolver: theirs.resolve })
      await FirstAnswer.dmarc(mailauth, { headerFrom: [from], resolver: ours.resolve })
      expect(ours.asked, from).toEqual(theirs.asked)
    }
  })

  it("answers a refused record without mailauth", async () => {
    const mailauth = Mailauth.load()
    const unused = { ...mailauth, dmarc: () => Promise.reject(new Error("mailauth ran")) }
    const { resolve, asked } = scripted(new Map([["TXT _dmarc.example.org", { code: "EREFUSED" }]]))
    const r = await FirstAnswer.dmarc(unused, { headerFrom: ["a@example.org"], resolver: resolve })
    expect(asked).toEqual(["TXT _dmarc.example.org"])
    expect(r).toMatchObject({ status: { result: "temperror" }, error: "TXT _dmarc.example.org: EREFUSED" })
  })
})
