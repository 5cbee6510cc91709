// A recipient written another way than its directory entry: every spelling of one mailbox gets
// that mailbox's entry, never its domain's or none (an attacker picks the spelling), and two
// spellings of one mailbox in one directory are refused rather than one silently dropping the other.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { canonical } from "../../src/bypass/DirectoryLookup.ts"
import { fromMap, parseDirectory } from "../../src/bypass/RecipientDirectory.ts"

const dir = (text: string) => fromMap(parseDirectory(text))

const TEXT = `recipients:
  "@example.org":
    bypassAntispam: true
    onSpam: none
  ceo@example.org:
    bypassAntispam: false
    onSpam: reject
  "@bücher.example":
    onSpam: reject
  boss@xn--caf-dma.example:
    onSpam: reject
`

describe("recipient directory: spellings of one mailbox", () => {
  const d = dir(TEXT)
  const ceo = { bypassAntispam: false, policy: { source: "directory: ceo@example.org", onSpam: "reject" } }

  it.each([
    "ceo@example.org",
    "CEO@Example.ORG",
    '"ceo"@example.org',
    '"CEO"@example.org',
    '"c\\eo"@example.org',
    "ceo@example.org."
  ])("%s is ceo@example.org", (rcpt) => {
    expect(d.get(rcpt)).toMatchObject(ceo)
    expect(d.policyOf(rcpt)?.onSpam).toBe("reject")
  })

  it("a sub-address without an entry of its own is its address's, not its domain's", () => {
    expect(d.get("ceo+news@example.org")).toMatchObject(ceo)
    expect(d.get('"ceo+x"@example.org')).toMatchObject(ceo)
    // The domain's still applies to a tagged address of someone without an entry.
    expect(d.get("anyone+x@example.org")).toMatchObject({ bypassAntispam: true, policy: { onSpam: "none" } })
    // An entry of the tagged address itself wins.
    const tagged = dir(`${TEXT}  ceo+press@example.org: { onSpam: quarantine }\n`)
    expect(tagged.policyOf("ceo+press@example.org")?.onSpam).toBe("quarantine")
    expect(tagged.policyOf("ceo+other@example.org")?.onSpam).toBe("reject")
  })

  it("an IDN domain matches in U-labels and A-labels, either way round", () => {
    expect(d.policyOf("a@xn--bcher-kva.example")?.onSpam).toBe("reject")
    expect(d.policyOf("a@BÜCHER.example")?.onSpam).toBe("reject")
    expect(d.policyOf("a@bu\u0308cher.example")?.onSpam).toBe("reject")
    expect(d.policyOf("boss@café.example")?.onSpam).toBe("reject")
    expect(d.policyOf("boss@cafe.example")).toBeUndefined()
  })

  it("a quoted local part that needs its quotes stays another mailbox", () => {
    expect(d.get('"ceo x"@example.org')).toMatchObject({ bypassAntispam: true, policy: { onSpam: "none" } })
    expect(canonical('"Ceo X"@Example.org')).toBe('"ceo x"@example.org')
    expect(canonical('"a\\"b"@x.example')).toBe('"a\\"b"@x.example')
    // A subdomain, or another domain ending like ours, is not the domain.
    expect(d.get("ceo@mail.example.org")).toBeUndefined()
    expect(d.get('"ceo@example.org"@evil.example')).toBeUndefined()
  })

  it("two spellings of one mailbox in one directory are refused, naming both", () => {
    expect(() =>
      parseDirectory(
        "recipients:\n  '@example.org': { onSpam: reject }\n  '@Example.org.': { safeSenders: [a.example] }\n"
      )
    ).toThrow(/^directory\.recipients\["@Example\.org\."\]: the same recipient as "@example\.org"/)
    expect(() => parseDirectory("recipients:\n  ceo@example.org: {}\n  '\"CEO\"@example.org': {}\n")).toThrow(
      /the same recipient as "ceo@example\.org"/
    )
    expect(() => parseDirectory("recipients:\n  '@.': {}\n")).toThrow(/expected @domain/)
  })
})

describe("recipient directory: spamScore at its edges", () => {
  it.each([
    ["-1", /\.spamScore: expected a number >= 0/],
    ["-0.01", /expected a number >= 0/],
    [".nan", /expected a number >= 0/],
    ["-.inf", /expected a number >= 0/],
    ["'4'", /expected a number >= 0/]
  ])("refuses %s, as antispam.spamScore does", (value, why) => {
    expect(() => parseDirectory(`recipients:\n  a@x.example: { spamScore: ${value} }\n`)).toThrow(why)
  })

  it.each([
    ["0", 0],
    ["1e300", 1e300],
    ["4.5", 4.5]
  ])("takes %s", (value, n) => {
    expect(dir(`recipients:\n  a@x.example: { spamScore: ${value} }\n`).policyOf("a@x.example")?.spamScore).toBe(n)
  })
})

const atext = fc.stringMatching(/^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]{1,8}$/)
const dotAtom = fc.array(atext, { minLength: 1, maxLength: 3 }).map((a) => a.join("."))
const label = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,6}[a-z0-9])?$/)
const domain = fc.oneof(
  fc.array(label, { minLength: 1, maxLength: 3 }).map((l) => `${l.join(".")}.example`),
  fc.constantFrom("bücher.example", "xn--bcher-kva.example", "ÉCOLE.example", "例え.テスト")
)

describe("recipient directory: canonical spelling (properties)", () => {
  test.prop([fc.string({ maxLength: 40 })])("is idempotent and never throws", (s) => {
    const c = canonical(s)
    expect(canonical(c)).toBe(c)
  })

  test.prop([dotAtom, domain, fc.boolean(), fc.boolean()])(
    "quoting, case and a final dot never change which entry an address gets",
    (local, dom, quote, upper) => {
      const written = `${local}@${dom}`
      const d = fromMap(parseDirectory(`recipients:\n  ${JSON.stringify(written)}: { onSpam: reject }\n`))
      const escaped = local.replace(/["\\]/g, "\\$&")
      const spelled = `${quote ? `"${escaped}"` : local}@${dom}.`
      expect(d.policyOf(upper ? spelled.toUpperCase() : spelled)?.onSpam).toBe("reject")
    }
  )
})
