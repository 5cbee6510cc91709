// The recipient directory's text: domain entries, how an address's entry and its domain's
// combine, the policy keys' validation, and properties over arbitrary YAML-ish input.
import { fc, test } from "@fast-check/vitest"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { stringify } from "yaml"
import { type DirectoryEntry, formatDirectory, fromMap, parseDirectory } from "../../src/bypass/RecipientDirectory.ts"

const dir = (text: string) => fromMap(parseDirectory(text))

/** An error of the parser: an Error whose message starts with the path it is about. */
const PATH = /^directory(\.recipients\["[^]*"\](\.(bypassAntispam|safeSenders|onSpam|spamScore|subjectPrefix))?)?: /

const parseOrError = (text: string): ReadonlyMap<string, DirectoryEntry> | Error => {
  try {
    return parseDirectory(text)
  } catch (e) {
    return e as Error
  }
}

describe("recipient directory: domain entries and per-recipient policy", () => {
  const text = `recipients:
  "@example.org":
    onSpam: reject
    spamScore: 4
    safeSenders: [partner.example]
  CEO@Example.org:
    onSpam: none
    subjectPrefix: "[SPAM]"
    safeSenders: [friend@example.net]
  alice@example.org:
    bypassAntispam: true
  "@example.net":
    bypassAntispam: true
  bob@example.net:
    bypassAntispam: false
  carol@example.com:
    spamScore: 2
`

  it("a domain entry covers the domain's recipients, not its subdomains", () => {
    const d = dir(text)
    expect(d.policyOf("someone@example.org")).toEqual({
      source: "directory: @example.org",
      onSpam: "reject",
      spamScore: 4,
      subjectPrefix: undefined
    })
    expect(d.get("Someone@EXAMPLE.org")?.safeSenders).toEqual(["partner.example"])
    expect(d.get("x@mail.example.org")).toBeUndefined()
    expect(d.policyOf("x@mail.example.org")).toBeUndefined()
    expect(d.get("x@example.org.evil")).toBeUndefined()
    expect(d.get("nobody@elsewhere.example")).toBeUndefined()
    expect(d.get("postmaster")).toBeUndefined()
  })

  it("an address entry wins key by key; safe senders are merged; unset keys come from the domain", () => {
    const d = dir(text)
    expect(d.policyOf("ceo@example.org")).toEqual({
      source: "directory: ceo@example.org + @example.org",
      onSpam: "none",
      spamScore: 4,
      subjectPrefix: "[SPAM]"
    })
    expect(d.get("ceo@example.org")?.safeSenders).toEqual(["friend@example.net", "partner.example"])
    // alice sets no policy key: the domain's policy, named as the domain's.
    expect(d.get("alice@example.org")).toMatchObject({
      bypassAntispam: true,
      policy: { source: "directory: @example.org" }
    })
    // A domain's bypass, and an address that turns it off for itself.
    expect(d.get("anyone@example.net")?.bypassAntispam).toBe(true)
    expect(d.get("bob@example.net")?.bypassAntispam).toBe(false)
    // No domain entry: the address alone.
    expect(d.policyOf("carol@example.com")).toEqual({
      source: "directory: carol@example.com",
      onSpam: undefined,
      spamScore: 2,
      subjectPrefix: undefined
    })
  })

  it("without any policy key, policyOf answers nothing for everyone", () => {
    const d = dir(
      "recipients:\n  '@example.org': { safeSenders: [a.example] }\n  b@example.org: { bypassAntispam: true }\n"
    )
    expect(d.get("x@example.org")?.safeSenders).toEqual(["a.example"])
    expect(d.policyOf("x@example.org")).toBeUndefined()
    expect(d.policyOf("b@example.org")).toBeUndefined()
  })

  it.each([
    ["recipients:\n  '@': {}\n", /^directory\.recipients\["@"\]: expected @domain/],
    ["recipients:\n  '@a b.example': {}\n", /expected @domain/],
    ["recipients:\n  example.org: {}\n", /^directory\.recipients\["example\.org"\]: not a mail address or @domain/],
    [
      "recipients:\n  a@x.example: { onSpam: bounce }\n",
      /\["a@x\.example"\]\.onSpam: expected none, quarantine, reject or drop/
    ],
    ["recipients:\n  a@x.example: { spamScore: high }\n", /\.spamScore: expected a number/],
    ["recipients:\n  a@x.example: { spamScore: .inf }\n", /\.spamScore: expected a number/],
    [
      'recipients:\n  a@x.example: { subjectPrefix: "a\\r\\nBcc: x@y" }\n',
      /\.subjectPrefix: expected one line of text/
    ],
    ["recipients:\n  a@x.example: { subjectPrefix: '' }\n", /\.subjectPrefix: expected one line/],
    ["recipients:\n  a@x.example: { spamscore: 3 }\n", /unknown key "spamscore"/],
    ["recipients:\n  a@x.example: { safeSenders: ['@'] }\n", /\.safeSenders: expected a list/],
    ["recipients: [\n", /^directory: not YAML: /]
  ])("refuses %j naming the path", (t, message) => {
    expect(() => parseDirectory(t)).toThrow(message)
  })

  it("writes back what it read: formatDirectory then parseDirectory gives the same entries", () => {
    const parsed = parseDirectory(
      `${text}  d@example.com: { safeSenders: ['@@Q.example', ' @p.example '], subjectPrefix: "[spam: 'x']" }\n`
    )
    expect(parsed.get("d@example.com")?.safeSenders).toEqual(["q.example", "p.example"])
    expect([...parseDirectory(formatDirectory(parsed))]).toEqual([...parsed])
  })

  it("a fixed directory needs no refresh", () => {
    expect(() => Effect.runSync(dir(text).refresh)).not.toThrow()
  })
})

const address = fc.oneof(
  fc.constantFrom("a@x.example", "B@Y.example", "@x.example", "@y.example", " c@x.example ", "@", "x.example"),
  fc.tuple(fc.string({ maxLength: 6 }), fc.string({ maxLength: 8 })).map(([l, d]) => `${l}@${d}`),
  fc.string({ maxLength: 10 })
)
const value = fc.oneof(
  fc.constantFrom("none", "quarantine", "reject", "drop", "bounce", "", "[SPAM]", "a\nb"),
  fc.double(),
  fc.integer({ min: -20, max: 20 }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom("friend@x.example", "@p.example", "@@q")), {
    maxLength: 3
  }),
  fc.string({ maxLength: 12 })
)
const entry = fc.oneof(
  fc.dictionary(
    fc.constantFrom("bypassAntispam", "safeSenders", "onSpam", "spamScore", "subjectPrefix", "other"),
    value,
    { maxKeys: 5 }
  ),
  value
)
/** Directory-shaped documents, mostly close to valid, some not at all. */
const document = fc.oneof(
  fc.dictionary(address, entry, { maxKeys: 6 }).map((recipients) => ({ recipients })),
  fc.dictionary(address, entry, { maxKeys: 4 }),
  fc.jsonValue({ maxDepth: 3 })
)
/** YAML text of such a document, sometimes cut or with characters spliced in. */
const yamlish = fc.oneof(
  document.map((d) => stringify(d)),
  fc.tuple(document, fc.nat(), fc.string({ maxLength: 4 })).map(([d, at, s]) => {
    const t = stringify(d)
    const i = t.length === 0 ? 0 : at % t.length
    return t.slice(0, i) + s + t.slice(i)
  }),
  fc.string({ maxLength: 200 })
)

describe("recipient directory: properties", () => {
  test.prop([yamlish], { numRuns: 400 })(
    "parseDirectory accepts, or throws an Error naming a path; what it accepts round-trips",
    (text) => {
      const parsed = parseOrError(text)
      if (parsed instanceof Error) {
        expect(parsed).toBeInstanceOf(Error)
        expect(parsed.message).toMatch(PATH)
        return
      }
      const again = parseDirectory(formatDirectory(parsed))
      expect([...again]).toEqual([...parsed])
      // Every accepted entry resolves without throwing.
      const d = fromMap(parsed)
      for (const key of parsed.keys()) {
        d.get(key)
        d.policyOf(`someone${key.startsWith("@") ? key : key.slice(key.lastIndexOf("@"))}`)
      }
    }
  )
})
