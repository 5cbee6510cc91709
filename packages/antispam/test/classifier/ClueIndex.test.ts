// The clue index gives exactly what the clue table (a Map) gives, for keys and for other tokens.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import * as ClueIndex from "../../src/classifier/ClueIndex.ts"

/** The index of a Map's entries, as Clues.ts fills it from a model's clues. */
const indexOf = (table: ReadonlyMap<string, number>) => ClueIndex.make([...table.keys()], [...table.values()])

// Keys that share prefixes, differ in one unit or in length, the empty key, astral characters and
// lone surrogates, and f(w) values of every kind a double has.
const key = fc.oneof(
  fc.constantFrom("", "a", "ab", "abc", "abd", "ba", "feat:x", "subj:free", "\ud800", "\udc00", "😀", "é"),
  fc.string({ maxLength: 20 }),
  fc.string({ unit: fc.constantFrom("a", "b", "\u00e9", "\ud83d", "\ude00"), maxLength: 6 })
)
const value = fc.oneof(fc.double(), fc.constantFrom(0, -0, 1, 0.5, Number.NaN))

describe("ClueIndex", () => {
  test.prop([fc.array(fc.tuple(key, value), { maxLength: 200 }), fc.array(key, { maxLength: 50 })])(
    "finds every key with its value and nothing else",
    (entries, others) => {
      const table = new Map(entries)
      const index = indexOf(table)
      expect(index.size).toBe(table.size)
      for (const t of [...table.keys(), ...others]) expect(Object.is(index.get(t), table.get(t))).toBe(true)
    }
  )

  test.prop([
    fc.array(fc.tuple(key, value), { maxLength: 200 }),
    fc.array(fc.tuple(fc.array(key, { maxLength: 3 }), fc.nat(30), fc.nat(12)), { maxLength: 50 })
  ])("reads a piece of a longer string as it gets the piece's string", (entries, pieces) => {
    const index = indexOf(new Map(entries))
    const into = new Float64Array(2)
    for (const [keys, a, n] of [...entries.map(([k]) => [[k], 1, k.length] as const), ...pieces]) {
      const text = `x${keys.join("")}y`
      const from = Math.min(a, text.length)
      const length = Math.min(n, text.length - from)
      const expected = index.get(text.slice(from, from + length))
      into[1] = 7
      const found = index.readRange(text, from, length, ClueIndex.hashRange(text, from, length), into, 1)
      expect(found).toBe(expected !== undefined)
      expect(Object.is(into[1], expected ?? 7)).toBe(true)
    }
  })

  test.prop([
    fc.array(fc.tuple(key, value), { maxLength: 200 }),
    fc.array(key, { maxLength: 50 }),
    fc.array(fc.integer(), { maxLength: 60 })
  ])("warm answers nothing and changes no answer, whatever hashes it is given", (entries, others, noise) => {
    const table = new Map(entries)
    const index = indexOf(table)
    const keys = [...table.keys(), ...others]
    // The keys' own hashes (found and not) and any 32-bit integers, more of them than `n` reads.
    const hashes = Int32Array.from([...keys.map(ClueIndex.hashOf), ...noise, 0])
    expect(index.warm(hashes, hashes.length - 1)).toBeUndefined()
    for (const t of keys) expect(Object.is(index.get(t), table.get(t))).toBe(true)
  })

  it("tells apart keys of the same hash, one the start of the other", () => {
    // "free" followed by U+4511 U+A467 has the same FNV-1a hash as "free": only the characters and
    // the length tell them apart.
    const longer = "free\u4511\ua467"
    expect(ClueIndex.hashOf(longer)).toBe(ClueIndex.hashOf("free"))
    const index = indexOf(new Map([[longer, 0.9]]))
    expect(index.get("free")).toBeUndefined()
    expect(indexOf(new Map([["free", 0.2]])).get(longer)).toBeUndefined()
    const both = indexOf(
      new Map([
        ["free", 0.2],
        [longer, 0.9]
      ])
    )
    expect([both.get("free"), both.get(longer)]).toStrictEqual([0.2, 0.9])
  })

  it("finds keys in a full run of slots and misses past it", () => {
    // More keys than the smallest capacity holds at half load: probes run over several slots.
    const table = new Map(Array.from({ length: 100 }, (_, i) => [`w${i}`, i / 100] as const))
    const index = indexOf(table)
    for (const [t, f] of table) expect(index.get(t)).toBe(f)
    expect(index.get("w100")).toBeUndefined()
    expect(indexOf(new Map()).get("")).toBeUndefined()
  })
})
