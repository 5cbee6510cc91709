// A test encoder of DNS answers (RFC 1035 §4.1), independent of the wire module under test: the
// property tests round-trip through it and the fake servers of platform-node's tests answer with it.

export type RecordData =
  | { readonly type: "A"; readonly address: string }
  | { readonly type: "AAAA"; readonly bytes: ReadonlyArray<number> }
  | { readonly type: "TXT"; readonly strings: ReadonlyArray<string> }
  | { readonly type: "PTR" | "CNAME"; readonly target: string }
  | { readonly type: "MX"; readonly preference: number; readonly exchange: string }

export interface TestRecord {
  readonly name: string
  readonly ttl: number
  readonly data: RecordData
  /** Class code; IN (1) when absent. */
  readonly class?: number
}

export interface TestAnswer {
  readonly id: number
  readonly rcode?: number
  readonly truncated?: boolean
  readonly question: {
    readonly name: string
    readonly type: "A" | "AAAA" | "TXT" | "PTR" | "MX"
    readonly class?: number
  }
  readonly answers?: ReadonlyArray<TestRecord>
  readonly additional?: ReadonlyArray<TestRecord>
  /** Owner names equal to the question's name written as a pointer to it. */
  readonly compress?: boolean
}

const CODES = { A: 1, AAAA: 28, TXT: 16, PTR: 12, MX: 15, CNAME: 5 } as const

const nameBytes = (name: string): Array<number> => {
  const out: Array<number> = []
  if (name !== "")
    for (const label of name.split(".")) {
      const bytes = [...Buffer.from(label, "latin1")]
      out.push(bytes.length, ...bytes)
    }
  out.push(0)
  return out
}

const u16 = (n: number) => [(n >>> 8) & 0xff, n & 0xff]
const u32 = (n: number) => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]

const rdata = (d: RecordData): Array<number> => {
  switch (d.type) {
    case "A":
      return d.address.split(".").map(Number)
    case "AAAA":
      return [...d.bytes]
    case "TXT":
      return d.strings.flatMap((s) => {
        const b = [...Buffer.from(s, "latin1")]
        return [b.length, ...b]
      })
    case "PTR":
    case "CNAME":
      return nameBytes(d.target)
    case "MX":
      return [...u16(d.preference), ...nameBytes(d.exchange)]
  }
}

/** The answer's packet. */
export const encodeAnswer = (a: TestAnswer): Uint8Array => {
  const answers = a.answers ?? []
  const additional = a.additional ?? []
  const out: Array<number> = [
    ...u16(a.id),
    0x81 | (a.truncated ? 0x02 : 0),
    0x80 | (a.rcode ?? 0),
    ...u16(1),
    ...u16(answers.length),
    ...u16(0),
    ...u16(additional.length)
  ]
  out.push(...nameBytes(a.question.name), ...u16(CODES[a.question.type]), ...u16(a.question.class ?? 1))
  for (const r of [...answers, ...additional]) {
    const owner = a.compress && r.name.toLowerCase() === a.question.name.toLowerCase() ? [0xc0, 12] : nameBytes(r.name)
    const data = rdata(r.data)
    out.push(...owner, ...u16(CODES[r.data.type]), ...u16(r.class ?? 1), ...u32(r.ttl), ...u16(data.length), ...data)
  }
  return Uint8Array.from(out)
}
