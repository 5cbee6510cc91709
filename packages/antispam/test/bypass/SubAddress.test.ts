// The sub-address delimiter (`antispam.recipientDelimiter`): one key for every lookup keyed by an
// address (directory bypass, per-recipient policy, safe senders, the end-user blocklist), `+` by
// default, `-` or several characters as Postfix's recipient_delimiter, empty for none.
import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { fc, test } from "@fast-check/vitest"
import { Dns, type ListDocumentsShape, type RecipientOutcome } from "@mailmoat/core"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { fromMap, isSafeSender, parseDirectory } from "../../src/bypass/RecipientDirectory.ts"
import { base, DELIMITER_CHARACTERS, fold } from "../../src/bypass/SubAddress.ts"
import * as EndUserList from "../../src/enduser/EndUserList.ts"
import {
  type AntispamInput,
  AntispamConfigError,
  makeServerAntispam,
  resolveAntispamSettings
} from "../../src/index.ts"
import { makeMessage } from "../support/messages.ts"
import { tempDir } from "../../../../test/support/temp-dirs.ts"

const tmp = tempDir("mm-subaddress-")

const delimiterSet = fc.oneof(
  fc.constant(""),
  fc.constant("+"),
  fc.constant("-"),
  fc.subarray([...DELIMITER_CHARACTERS], { minLength: 1 }).map((cs) => cs.join(""))
)
const localChar = fc.constantFrom(...'abcXYZ09.+-_=~!#"\\ @'.split(""))
const address = fc.oneof(
  fc.string(),
  fc
    .tuple(fc.array(localChar, { maxLength: 12 }), fc.constantFrom("example.org", "", "a@b"))
    .map(([l, d]) => `${l.join("")}@${d}`)
)

describe("SubAddress: folding", () => {
  test.prop([address, delimiterSet])("never throws, and folding is idempotent", (a, d) => {
    const once = fold(a, d)
    expect(fold(once, d)).toBe(once)
  })

  test.prop([address, delimiterSet])("an address without a delimiter is unchanged", (a, d) => {
    fc.pre(![...a.slice(0, a.lastIndexOf("@") + 1)].some((c) => d.includes(c)))
    expect(base(a, d)).toBeUndefined()
    expect(fold(a, d)).toBe(a)
  })

  test.prop([fc.constantFrom(...DELIMITER_CHARACTERS), fc.string({ maxLength: 8 })])(
    "a local part that starts with the delimiter is not folded to an empty one",
    (d, tag) => {
      const a = `${d}${tag}@example.org`
      expect(fold(a, d)).toBe(a)
    }
  )

  test.prop([address, delimiterSet])("the folded local part is a prefix holding no delimiter", (a, d) => {
    const b = base(a, d)
    if (b === undefined) return
    const at = b.lastIndexOf("@")
    expect(at).toBeGreaterThan(0)
    expect(a.startsWith(b.slice(0, at))).toBe(true)
    expect([...b.slice(0, at)].some((c) => d.includes(c))).toBe(false)
  })

  it.each([
    ["ceo+news@example.org", "+", "ceo@example.org"],
    ["ceo-news@example.org", "-", "ceo@example.org"],
    ["ceo+news@example.org", "-", "ceo+news@example.org"],
    ["ceo-a+b@example.org", "+-", "ceo@example.org"],
    ["ceo+a-b@example.org", "-+", "ceo@example.org"],
    ["ceo+news@example.org", "", "ceo+news@example.org"],
    ["+news@example.org", "+", "+news@example.org"],
    ['"ceo+x y"@example.org', "+", '"ceo+x y"@example.org'],
    // Mailing-list names stay whole when `-` delimits, as Postfix keeps them.
    ["owner-list@example.org", "-", "owner-list@example.org"],
    ["list-request@example.org", "-", "list-request@example.org"],
    ["owner+x@example.org", "+", "owner@example.org"],
    ["mailer-daemon@example.org", "-", "mailer-daemon@example.org"],
    ["a+b@c+d@example.org", "+", "a@example.org"]
  ])("%s with %j is %s", (a, d, expected) => {
    expect(fold(a, d)).toBe(expected)
  })
})

const DIRECTORY = `recipients:
  "@example.org": { onSpam: reject }
  ceo@example.org: { onSpam: none, safeSenders: [partner@example.net] }
`

describe("the directory with a configured delimiter", () => {
  const entries = parseDirectory(DIRECTORY)

  it("- folds ceo-news@ to ceo@ and leaves ceo+news@ to the domain", () => {
    const d = fromMap(entries, { recipientDelimiter: "-" })
    expect(d.policyOf("ceo-news@example.org")?.onSpam).toBe("none")
    expect(d.policyOf("CEO-News@Example.org")?.onSpam).toBe("none")
    expect(d.policyOf("ceo+news@example.org")?.onSpam).toBe("reject")
  })

  it("several characters: each one delimits", () => {
    const d = fromMap(entries, { recipientDelimiter: "+-" })
    expect(d.policyOf("ceo-news@example.org")?.onSpam).toBe("none")
    expect(d.policyOf("ceo+news@example.org")?.onSpam).toBe("none")
    expect(d.policyOf("ceo_news@example.org")?.onSpam).toBe("reject")
  })

  it("empty: no sub-addresses, every tagged address is its domain's", () => {
    const d = fromMap(entries, { recipientDelimiter: "" })
    expect(d.policyOf("ceo+news@example.org")?.onSpam).toBe("reject")
    expect(d.policyOf("ceo@example.org")?.onSpam).toBe("none")
  })

  it("a safe sender covers its sub-addresses under the same delimiters", () => {
    const entry = fromMap(entries).get("ceo@example.org")!
    expect(isSafeSender(entry, "partner-bounce@example.net", "-")).toBe("partner@example.net")
    expect(isSafeSender(entry, "partner+bounce@example.net", "-")).toBeUndefined()
    expect(isSafeSender(entry, "partner+bounce@example.net", "+")).toBe("partner@example.net")
    expect(isSafeSender(entry, "partner+bounce@example.net", "")).toBeUndefined()
  })
})

describe("the end-user blocklist with a configured delimiter", () => {
  const lookup = (list: ReturnType<typeof EndUserList.make>, value: string) =>
    Effect.runPromise(list.lookup({ kind: "address", value, origin: "mail-from" }))

  it("an address entry covers its sub-addresses; the listed code names the entry", async () => {
    const dash = EndUserList.make(["spammer@example.net"], { recipientDelimiter: "-" })
    expect(await lookup(dash, "spammer-x@example.net")).toMatchObject({
      _tag: "Listed",
      codes: ["spammer@example.net"]
    })
    expect(await lookup(dash, "spammer+x@example.net")).toMatchObject({ _tag: "NotListed" })
    const plus = EndUserList.make(["spammer@example.net"])
    expect(await lookup(plus, "Spammer+x@example.net")).toMatchObject({ _tag: "Listed" })
    const off = EndUserList.make(["spammer@example.net"], { recipientDelimiter: "" })
    expect(await lookup(off, "spammer+x@example.net")).toMatchObject({ _tag: "NotListed" })
  })
})

describe("antispam.recipientDelimiter", () => {
  it("defaults to +, takes a set of characters, refuses others with a clear error", () => {
    expect(resolveAntispamSettings({}).recipientDelimiter).toBe("+")
    expect(resolveAntispamSettings({ recipientDelimiter: "" }).recipientDelimiter).toBe("")
    expect(resolveAntispamSettings({ recipientDelimiter: "+-" }).recipientDelimiter).toBe("+-")
    for (const bad of ["@", ".", "a", " ", '"']) {
      let error: unknown
      try {
        resolveAntispamSettings({ recipientDelimiter: bad })
      } catch (e) {
        error = e
      }
      expect(error).toBeInstanceOf(AntispamConfigError)
      expect(String((error as Error).message)).toMatch(
        /antispam\.recipientDelimiter: expected a set of sub-address delimiter characters from/
      )
    }
  })
})

// The module as the gateway builds it: the directory from the file or from a shared document,
// and the end-user list, all read with the configured delimiter.
describe("the server module reads every address lookup with antispam.recipientDelimiter", () => {
  const zone: Dns.StaticZone = { "7.2.0.192.bl.test": { A: ["127.0.0.2"] } }
  const evaluate = async (config: AntispamInput, rcptTo: ReadonlyArray<string>, extra = {}, mailFrom?: string) => {
    const m = makeServerAntispam(config, { dns: Dns.makeStatic(zone), healthIntervalMillis: 0, ...extra })
    try {
      const message = makeMessage({
        envelope: { clientAddress: "192.0.2.7", rcptTo, ...(mailFrom ? { mailFrom, helo: "laptop" } : {}) }
      })
      const out = await Effect.runPromise(m.evaluate(message))
      return Object.fromEntries(out.map((o: RecipientOutcome) => [o.recipient, o]))
    } finally {
      await m.close()
    }
  }
  const listedConfig = (extra: AntispamInput): AntispamInput => ({
    rbl: { servers: ["bl.test"] },
    scores: { RBL_LISTED: 6 },
    ...extra
  })
  const rcpts = ["ceo-news@example.org", "ceo+news@example.org"]

  it("directory file: ceo-news@ gets ceo@'s tagged delivery, ceo+news@ the domain's reject", async () => {
    const file = join(tmp, "recipients.yaml")
    writeFileSync(file, DIRECTORY)
    const out = await evaluate(listedConfig({ recipientDelimiter: "-", bypass: { directory: file } }), rcpts)
    expect(out["ceo-news@example.org"]!.action._tag).toBe("Deliver")
    expect(out["ceo-news@example.org"]!.rule).toContain("directory: ceo@example.org")
    expect(out["ceo+news@example.org"]!.action._tag).toBe("Reject")
  })

  it("shared directory document: the same", async () => {
    const store: ListDocumentsShape = {
      describe: "test",
      stampIsLocal: true,
      stamp: () => "v1",
      read: () => DIRECTORY,
      write: () => undefined
    }
    const out = await evaluate(listedConfig({ recipientDelimiter: "-" }), rcpts, {
      directoryDocument: { documents: store, name: "directory" }
    })
    expect(out["ceo-news@example.org"]!.action._tag).toBe("Deliver")
    expect(out["ceo+news@example.org"]!.action._tag).toBe("Reject")
  })

  it("end-user blocklist: MAIL FROM spammer-x@ is listed under spammer@", async () => {
    const config = { recipientDelimiter: "-", endUserBlocklist: { entries: ["spammer@example.net"] } }
    const [o] = Object.values(await evaluate(config, ["a@example.org"], {}, "spammer-x@example.net"))
    const listed = o!.verdict.symbols.find((s) => s.name === "ENDUSER_LISTED")
    expect(listed?.detail ?? "").toContain("spammer@example.net")
    const plus = await evaluate({ ...config, recipientDelimiter: "+" }, ["a@example.org"], {}, "spammer-x@example.net")
    expect(Object.values(plus)[0]!.verdict.symbols.map((s) => s.name)).not.toContain("ENDUSER_LISTED")
  })
})
