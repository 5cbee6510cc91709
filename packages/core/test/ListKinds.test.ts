import { describe, expect, it } from "vitest"
import { EMPTY_LIST, emptyList, listOfLength } from "../src/ListKinds.ts"
import { hiddenClasses } from "./support/hiddenClass.ts"

// An array's hidden class is its elements kind: the empty lists the message path hands on must
// have the kind of the filled ones, or the loops over both are optimised for one and thrown away
// at the other (docs/performance.md, "The first run's compilations by function").
describe("empty lists", () => {
  const filled = (): ReadonlyArray<ReadonlyArray<unknown>> => [[{ name: "A", score: 1 }], ["to@example.org"]]

  it("share the hidden class of a filled list of objects or strings", () => {
    expect(hiddenClasses([EMPTY_LIST, emptyList(), emptyList<string>(), ...filled()])).toBe(1)
  })

  it("where an empty literal does not (the kind they stand in for)", () => {
    expect(hiddenClasses([[], ...filled()])).toBe(2)
    expect(hiddenClasses([Object.freeze([]), ...filled()])).toBe(2)
  })

  it("are new and empty each time, and stay of their kind as they fill", () => {
    const a = emptyList<{ readonly name: string }>()
    const b = emptyList<{ readonly name: string }>()
    expect(a).not.toBe(b)
    expect(a.length + b.length + EMPTY_LIST.length).toBe(0)
    a.push({ name: "A" })
    expect(hiddenClasses([a, b, EMPTY_LIST])).toBe(1)
  })
  it("of a given length have no holes: filled by index, they keep the kind of a literal's", () => {
    const slots = listOfLength<{ readonly name: string }>(3)
    expect(slots).toEqual([undefined, undefined, undefined])
    for (let i = 0; i < slots.length; i++) slots[i] = { name: `S${i}` }
    const holey: Array<{ readonly name: string }> = new Array(3)
    for (let i = 0; i < holey.length; i++) holey[i] = { name: `S${i}` }
    expect(hiddenClasses([slots, listOfLength(0), ...filled()])).toBe(1)
    expect(hiddenClasses([holey, ...filled()])).toBe(2)
  })
})
