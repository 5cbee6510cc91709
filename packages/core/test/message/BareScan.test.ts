// scanBare and knownHost decide on indexes before making strings; on any text they must find
// exactly the hosts and addresses (in the same order) the slicing scans found.
import { fc, test } from "@fast-check/vitest"
import { describe, expect } from "vitest"
import * as Extract from "../../src/message/Extract.ts"
import * as Before from "./oracle/ExtractBefore.ts"

const found = (c: Extract.Collector | Before.Collector) => ({ hosts: [...c.hosts], ips: [...c.ips], urls: [...c.urls] })
const same = (text: string, max = 50): void => {
  const now = new Extract.Collector(max)
  const before = new Before.Collector(max)
  Extract.scanBare(now, text)
  Before.scanBare(before, text)
  Extract.scanUrls(now, text)
  Before.scanUrls(before, text)
  expect(found(now)).toStrictEqual(found(before))
}

const piece = fc.oneof(
  fc.domain(),
  fc.ipV4(),
  fc.ipV6(),
  fc.webUrl(),
  fc.emailAddress(),
  fc.constantFrom(
    "example.com",
    "EXAMPLE.CO.UK",
    "-a.example.com-",
    ".example.org.",
    "a..b.com",
    "x-.com",
    "-x.com",
    "a.b",
    "sub.Example.NET.",
    "0x7f.0.0.1",
    "192.0.2.1:8080",
    "192.0.2.1.",
    "::1",
    ":::",
    "::ffff:1.2.3.4",
    "2001:db8::1:",
    ":2001:db8::5",
    "12:30:45",
    "1.2.3",
    "1.2.3.4.5",
    "dead:beef:cafe::",
    "a:b:c",
    "aaaa.bbb",
    "readme.txt",
    "e.g.",
    "word.",
    "www.",
    "http://",
    "\u0130.com",
    "ex\u212Ample.com",
    `${"a".repeat(64)}.com`,
    `${"a.".repeat(130)}com`
  ),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: "binary", maxLength: 8 })
)
const sep = fc.constantFrom(" ", "", ".", ":", "-", "_", "@", "\n", "(", ")", "/", ",", "\u00a0", "é")
const text = fc.array(fc.tuple(piece, sep), { maxLength: 25 }).map((ps) => ps.map(([p, s]) => p + s).join(""))

describe("bare host and address scan against the slicing scan", () => {
  test.prop([text], { numRuns: 2000 })("same hosts, addresses and URLs on text of hosts and addresses", (t) => {
    same(t)
  })
  test.prop([text, fc.integer({ min: 0, max: 4 })])("same with small caps", (t, max) => {
    same(t, max)
  })
  test.prop([fc.string({ unit: fc.constantFrom(..."ab0129f.:-_@ xZ"), maxLength: 120 })], { numRuns: 3000 })(
    "same on text of the scan's own characters",
    (t) => {
      same(t)
    }
  )
  test.prop([fc.string({ unit: "binary", maxLength: 300 })])("same on arbitrary text", (t) => {
    same(t)
  })
  test.prop([fc.oneof(piece, fc.string({ unit: fc.constantFrom(..."ab0-_.Z\u0130"), maxLength: 70 }))], {
    numRuns: 2000
  })("knownHost gives what it gave", (name) => {
    expect(Extract.knownHost(name)).toBe(Before.knownHost(name))
  })
  const label = fc.string({ unit: fc.constantFrom(..."ab0-_Z\u0130."), minLength: 0, maxLength: 65 })
  const suffix = fc.constantFrom(".com", ".co.uk", ".example", ".COM", ".net.", "")
  test.prop([fc.array(label, { maxLength: 4 }), suffix], { numRuns: 2000 })(
    "knownHost on labels and suffixes",
    (labels, end) => {
      const name = labels.join(".") + end
      expect(Extract.knownHost(name)).toBe(Before.knownHost(name))
      // Again: now from the memo of public-suffix answers.
      expect(Extract.knownHost(name)).toBe(Before.knownHost(name))
    }
  )
})
