// The DNS wire format: questions encoded, answers decoded through a test encoder (round trips),
// hostile packets read as WireError values (never a throw, never a hang).
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { Dns } from "../../src/index.ts"
import { type AskedType, askedType, hostname, recordDataOf } from "./support/answerArbitraries.ts"
import { encodeAnswer, type TestAnswer, type TestRecord } from "./support/answerEncoder.ts"

const { Wire } = Dns

const ttl = fc.integer({ min: 0, max: 0x7fffffff })
const type = askedType
const dataOf = (t: AskedType) => recordDataOf(t)

/** What the decoder should give for a record of the test encoder. */
const textOf = (r: TestRecord): string => {
  const d = r.data
  switch (d.type) {
    case "A":
      return d.address
    case "AAAA":
      return Wire.ipv6Text(Uint8Array.from(d.bytes), 0)
    case "TXT":
      return d.strings.join("")
    case "PTR":
      return d.target
    case "MX":
      return `${d.preference} ${d.exchange}`
    case "CNAME":
      return d.target
  }
}

/** An answer: records of the asked type, maybe behind a chain of CNAMEs, maybe with unrelated records. */
const answerCase = type.chain((t) =>
  fc.record({
    id: fc.nat(65535),
    qname: hostname,
    chain: fc.array(fc.tuple(hostname, ttl), { maxLength: 3 }),
    records: fc.array(fc.tuple(dataOf(t), ttl), { minLength: 0, maxLength: 6 }),
    compress: fc.boolean(),
    upper: fc.boolean(),
    t: fc.constant(t)
  })
)

type Case = typeof answerCase extends fc.Arbitrary<infer T> ? T : never

const build = (c: Case) => {
  const answers: Array<TestRecord> = []
  let owner = c.qname
  const seen = new Set([c.qname])
  for (const [target, t] of c.chain) {
    if (seen.has(target)) break
    seen.add(target)
    answers.push({ name: owner, ttl: t, data: { type: "CNAME", target } })
    owner = target
  }
  const chainTtls = answers.map((a) => a.ttl)
  const records = c.records.map(([data, t]) => ({ name: c.upper ? owner.toUpperCase() : owner, ttl: t, data }))
  answers.push(...records)
  const packet = encodeAnswer({ id: c.id, question: { name: c.qname, type: c.t }, answers, compress: c.compress })
  const expected =
    records.length === 0
      ? { records: [], ttlSeconds: Number.POSITIVE_INFINITY }
      : { records: records.map(textOf), ttlSeconds: Math.min(...chainTtls, ...records.map((r) => r.ttl)) }
  return { packet, expected }
}

describe("Wire: questions", () => {
  test.prop([fc.nat(65535), hostname, type])(
    "a question's name reads back and the header asks one question",
    (id, name, t) => {
      const q = Wire.encodeQuery(id, name, t)
      expect(q).toBeInstanceOf(Uint8Array)
      const bytes = q as Uint8Array
      expect(Wire.readName(bytes, 12)).toEqual({ text: name, next: 12 + name.length + 2 })
      const h = Wire.readHeader(bytes)
      expect(h).toMatchObject({ id, qdcount: 1, ancount: 0, arcount: 1, isResponse: false })
      expect(Wire.questionBytes(bytes).length).toBe(name.length + 2 + 4)
    }
  )

  it("advertises 1232 bytes in an OPT record, or none", () => {
    const q = Wire.encodeQuery(0x1234, "a.test", "TXT") as Uint8Array
    expect([...q.subarray(q.length - 11)]).toEqual([0, 0, 41, 0x04, 0xd0, 0, 0, 0, 0, 0, 0])
    const bare = Wire.encodeQuery(0x1234, "a.test", "TXT", { udpSize: 0 }) as Uint8Array
    expect(bare.length).toBe(q.length - 11)
    expect(bare[11]).toBe(0)
  })

  it("refuses names it cannot put on the wire", () => {
    expect(Wire.encodeQuery(1, `${"a".repeat(64)}.test`, "A")).toMatchObject({ _tag: "WireError", reason: "BadName" })
    expect(Wire.encodeQuery(1, "a..test", "A")).toMatchObject({ reason: "BadName" })
    expect(Wire.encodeQuery(1, Array(128).fill("ab").join("."), "A")).toMatchObject({ reason: "BadName" })
    expect(Wire.encodeQuery(1, Array(126).fill("a").join("."), "A")).toBeInstanceOf(Uint8Array)
  })
})

/** The name encoder as the wire format states it: split on dots, each label's UTF-8 bytes behind its length. */
const referenceName = (name: string): Array<number> | string => {
  if (name === "") return [0]
  const out: Array<number> = []
  for (const label of name.split(".")) {
    const bytes = new TextEncoder().encode(label)
    if (bytes.length === 0) return `empty label in "${name}"`
    if (bytes.length > 63) return `label over 63 bytes in "${name}"`
    out.push(bytes.length, ...bytes)
  }
  out.push(0)
  return out.length > 255 ? `name over 255 bytes: "${name}"` : out
}

/** A label's presentation text as c-ares gives it, one byte at a time. */
const referenceLabel = (bytes: ReadonlyArray<number>): string =>
  bytes
    .map((b) =>
      b === 0x2e || b === 0x5c
        ? `\\${String.fromCharCode(b)}`
        : b < 0x21 || b > 0x7e
          ? `\\${String(b).padStart(3, "0")}`
          : String.fromCharCode(b)
    )
    .join("")

describe("Wire: names", () => {
  const nameChars = fc.constantFrom("a", "Z", "0", "-", ".", "é", "\u00ff", "\u4e00", "_")
  const names = fc.oneof(
    fc.array(nameChars, { maxLength: 80 }).map((cs) => cs.join("")),
    fc.array(fc.stringMatching(/^[a-z0-9-]{0,70}$/), { minLength: 1, maxLength: 6 }).map((ls) => ls.join(".")),
    fc.string({ maxLength: 300 })
  )
  test.prop([names])("encodes every name as the per-label reference does, errors included", (name) => {
    const got = Wire.encodeName(name)
    const want = referenceName(name)
    if (typeof want === "string") expect(got).toMatchObject({ _tag: "WireError", reason: "BadName", detail: want })
    else expect(got instanceof Uint8Array ? [...got] : got).toEqual(want)
  })

  test.prop([fc.uint8Array({ minLength: 12, maxLength: 300 }), fc.nat(320)])(
    "skipping a name ends where reading it does, or fails as reading it does",
    (bytes, offset) => {
      const read = Wire.readName(bytes, offset)
      expect(Wire.skipName(bytes, offset)).toEqual("_tag" in read ? read : read.next)
    }
  )

  test.prop([fc.array(fc.array(fc.nat(255), { minLength: 1, maxLength: 63 }), { minLength: 1, maxLength: 3 })])(
    "reads any label bytes as the byte-by-byte reference presents them",
    (labels) => {
      const wire = [...Array(12).fill(0), ...labels.flatMap((l) => [l.length, ...l]), 0]
      expect(Wire.readName(Uint8Array.from(wire), 12)).toEqual({
        text: labels.map(referenceLabel).join("."),
        next: wire.length
      })
    }
  )
})

describe("Wire: answers", () => {
  test.prop([answerCase])("round trip: records of the asked type through CNAMEs, the smallest TTL", (c) => {
    const { packet, expected } = build(c)
    const a = Wire.decodeAnswer(packet, c.t)
    expect(Wire.isWireError(a)).toBe(false)
    expect(a).toMatchObject({ header: { id: c.id, rcode: 0, truncated: false }, questionName: c.qname, ...expected })
  })

  test.prop([fc.uint8Array({ maxLength: 600 }), type])("never throws on arbitrary bytes", (bytes, t) => {
    const a = Wire.decodeAnswer(bytes, t)
    expect(Wire.isWireError(a) || Array.isArray(a.records)).toBe(true)
  })

  test.prop([answerCase, fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 8 }), fc.nat()])(
    "never throws on mutated or cut answers",
    (c, edits, cut) => {
      const { packet } = build(c)
      const bytes = Uint8Array.from(packet)
      for (const [at, value] of edits) bytes[at % bytes.length] = value
      for (const b of [bytes, bytes.subarray(0, cut % (bytes.length + 1))]) {
        const a = Wire.decodeAnswer(b, c.t)
        expect(Wire.isWireError(a) || Array.isArray(a.records)).toBe(true)
      }
    }
  )

  const base: TestAnswer = {
    id: 7,
    question: { name: "x.test", type: "A" },
    answers: [{ name: "x.test", ttl: 60, data: { type: "A", address: "127.0.0.2" } }]
  }
  const packet = encodeAnswer(base)
  const reason = (bytes: Uint8Array | Array<number>, t: "A" | "TXT" = "A") => {
    const a = Wire.decodeAnswer(Uint8Array.from(bytes), t)
    return Wire.isWireError(a) ? a.reason : "ok"
  }

  it("reads a plain answer, NXDOMAIN, REFUSED and TC", () => {
    expect(Wire.decodeAnswer(packet, "A")).toMatchObject({ records: ["127.0.0.2"], ttlSeconds: 60, header: { id: 7 } })
    expect(Wire.decodeAnswer(encodeAnswer({ ...base, answers: [], rcode: 3 }), "A")).toMatchObject({
      header: { rcode: 3 },
      records: []
    })
    expect(Wire.decodeAnswer(encodeAnswer({ ...base, answers: [], rcode: 5 }), "A")).toMatchObject({
      header: { rcode: 5 }
    })
    // A TC answer is read to its question only: its records may be cut.
    const tc = encodeAnswer({ ...base, truncated: true })
    expect(Wire.decodeAnswer(tc.subarray(0, 12 + 8 + 4 + 3), "A")).toMatchObject({
      header: { truncated: true },
      records: []
    })
  })

  it("a TTL with the top bit set is zero; records of other types and owners are left out", () => {
    const a = encodeAnswer({
      ...base,
      answers: [
        { name: "x.test", ttl: 0x80000000, data: { type: "A", address: "127.0.0.3" } },
        { name: "y.test", ttl: 5, data: { type: "A", address: "127.0.0.4" } },
        { name: "x.test", ttl: 1, data: { type: "TXT", strings: ["t"] } }
      ]
    })
    expect(Wire.decodeAnswer(a, "A")).toMatchObject({ records: ["127.0.0.3"], ttlSeconds: 0 })
  })

  it("a CNAME loop or a chain that leads nowhere is NODATA", () => {
    const loop = encodeAnswer({
      ...base,
      answers: [
        { name: "x.test", ttl: 5, data: { type: "CNAME", target: "y.test" } },
        { name: "y.test", ttl: 5, data: { type: "CNAME", target: "x.test" } }
      ]
    })
    expect(Wire.decodeAnswer(loop, "A")).toMatchObject({ records: [], ttlSeconds: Number.POSITIVE_INFINITY })
  })

  it("hostile names: pointer loops, forward pointers, long labels, long names, bad label types", () => {
    const q = [0, 7, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0]
    const question = [1, 0x78, 4, 0x74, 0x65, 0x73, 0x74, 0, 0, 1, 0, 1]
    const tail = [0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 127, 0, 0, 2]
    // Owner is a pointer to itself (offset 24), then to the record's own later bytes.
    expect(reason([...q, ...question, 0xc0, 24, ...tail])).toBe("BadName")
    expect(reason([...q, ...question, 0xc0, 30, ...tail])).toBe("BadName")
    // Two names pointing at each other: the second jump is not lower than the first.
    expect(reason([...q, ...question, 0x01, 0x61, 0xc0, 24, ...tail])).toBe("BadName")
    expect(reason([0, 7, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0, 64, ...Array(64).fill(0x61), 0, 0, 1, 0, 1])).toBe(
      "BadName"
    )
    const longName = Array(128).fill([1, 0x61]).flat()
    expect(reason([0, 7, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0, ...longName, 0, 0, 1, 0, 1])).toBe("BadName")
    expect(reason([...q, ...question, 0x40, ...tail])).toBe("BadName")
    expect(reason([0, 7, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 0x05, 0, 1, 0, 1])).toBe("BadName")
  })

  it("counts that lie, records overrunning the packet, wrong class, bad record data", () => {
    const bytes = [...packet]
    expect(reason(bytes.map((b, i) => (i === 7 ? 2 : b)))).toBe("Truncated")
    expect(reason(bytes.map((b, i) => (i === 11 ? 1 : b)))).toBe("Truncated")
    expect(reason(bytes.slice(0, -1))).toBe("Truncated")
    expect(reason(bytes.map((b, i) => (i === 5 ? 2 : b)))).toBe("BadHeader")
    expect(reason(bytes.map((b, i) => (i === 5 ? 0 : b)))).toBe("BadHeader")
    // Left over after the last record: ignored, as c-ares ignores it.
    expect(reason([...bytes, 0])).toBe("ok")
    expect(reason(encodeAnswer({ ...base, answers: [{ ...base.answers![0]!, class: 3 }] }))).toBe("WrongClass")
    // rdlength 5 for an A record (the packet grown to match).
    const rd = bytes.length - 5
    expect(reason([...bytes.map((b, i) => (i === rd ? 5 : b)), 9])).toBe("BadRecord")
    const txt = encodeAnswer({
      id: 1,
      question: { name: "x.test", type: "TXT" },
      answers: [{ name: "x.test", ttl: 1, data: { type: "TXT", strings: ["abc"] } }]
    })
    expect(
      reason(
        txt.map((b, i) => (i === txt.length - 4 ? 9 : b)),
        "TXT"
      )
    ).toBe("BadRecord")
    expect(reason([1, 2, 3])).toBe("Truncated")
  })
})

describe("Wire: record text", () => {
  it("AAAA as inet_ntop writes it", () => {
    const v6 = (hex: string) => Wire.ipv6Text(Uint8Array.from(Buffer.from(hex, "hex")), 0)
    const cases: ReadonlyArray<readonly [string, string]> = [
      ["20010db8000000000000000000000044", "2001:db8::44"],
      ["00000000000000000000000000000001", "::1"],
      ["00000000000000000000000000000000", "::"],
      ["00000000000000000000ffffc0000201", "::ffff:192.0.2.1"],
      ["000000000000000000000000c0000201", "::192.0.2.1"],
      ["20010db8000000010000000000000000", "2001:db8:0:1::"],
      ["20010db8000100000001000000000001", "2001:db8:1:0:1::1"],
      ["20010000000000010000000000000001", "2001:0:0:1::1"],
      ["20010000000000010000000000010001", "2001::1:0:0:1:1"]
    ]
    for (const [hex, text] of cases) expect(v6(hex)).toBe(text)
  })

  it("names with dots or odd bytes inside a label are escaped", () => {
    const b = Uint8Array.from([...Array(12).fill(0), 3, 0x61, 0x2e, 0x62, 2, 0x20, 0x5c, 0])
    expect(Wire.readName(b, 12)).toEqual({ text: "a\\.b.\\032\\\\", next: 20 })
  })
})
