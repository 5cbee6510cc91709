// bench/gc-lines.mjs: what bench/gc-probe.mjs computes from v8.GCProfiler's entries, and the
// lines bench/gc-summary.mjs and bench/function-events.mjs read back from a gateway's output.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import {
  formatProbeLine,
  functionEvent,
  probeLine,
  summarizeCollections,
  survivorsOf
  // @ts-expect-error: a plain .mjs script without declarations
} from "../bench/gc-lines.mjs"

type Spaces = Record<string, number>
const heap = (spaces: Spaces) => ({
  heapStatistics: { usedHeapSize: Object.values(spaces).reduce((a, b) => a + b, 0) },
  heapSpaceStatistics: Object.entries(spaces).map(([spaceName, spaceUsedSize]) => ({ spaceName, spaceUsedSize }))
})
const collection = (gcType: string, before: Spaces, after: Spaces, cost = 100) => ({
  gcType,
  cost,
  beforeGC: heap(before),
  afterGC: heap(after)
})

describe("bench/gc-lines", () => {
  it("counts a scavenge's survivors: the young spaces after it plus what the old spaces gained", () => {
    const gc = collection(
      "Scavenge",
      { new_space: 8_000, new_large_object_space: 3_000, old_space: 50_000, large_object_space: 1_000 },
      { new_space: 700, new_large_object_space: 500, old_space: 50_400, large_object_space: 2_000 }
    )
    expect(survivorsOf(gc)).toBe(700 + 500 + 400 + 1_000)
  })

  it("sums a segment: counts by kind, bytes allocated between collections, the last heap carried on", () => {
    const s = summarizeCollections(
      [
        collection("Scavenge", { new_space: 1_000, old_space: 100 }, { new_space: 50, old_space: 120 }, 200),
        collection("IncrementalMarking", { new_space: 400, old_space: 120 }, { new_space: 400, old_space: 120 }, 10),
        collection("MarkSweepCompact", { new_space: 600, old_space: 150 }, { new_space: 0, old_space: 90 }, 900.4)
      ],
      80
    )
    expect(s).toEqual({
      scavenges: 1,
      fullGcs: 1,
      markingSteps: 1,
      pauseUs: 1110,
      // 1,100 - 80, then 520 - 170, then 750 - 520
      allocatedBytes: 1_020 + 350 + 230,
      survivedBytes: 50 + 20,
      usedAfter: 90
    })
  })

  const spaces = fc.record({
    new_space: fc.nat(1e7),
    new_large_object_space: fc.nat(1e7),
    old_space: fc.nat(1e8),
    large_object_space: fc.nat(1e8)
  })
  const kinds = fc.constantFrom("Scavenge", "MarkSweepCompact", "IncrementalMarking", "ProcessWeakCallbacks")
  test.prop([fc.array(fc.tuple(kinds, spaces, spaces, fc.nat(1e6))), fc.nat(1e8)])(
    "a segment's counts add up to its entries and its bytes are never negative",
    (entries, usedBefore) => {
      const stats = entries.map(([kind, before, after, cost]) => collection(kind, before, after, cost))
      const s = summarizeCollections(stats, usedBefore)
      expect(s.scavenges).toBe(entries.filter(([k]) => k === "Scavenge").length)
      expect(s.fullGcs + s.markingSteps + s.scavenges).toBeLessThanOrEqual(entries.length)
      expect(s.allocatedBytes).toBeGreaterThanOrEqual(0)
      expect(s.survivedBytes).toBeGreaterThanOrEqual(0)
      expect(s.usedAfter).toBe(stats.at(-1)?.afterGC.heapStatistics.usedHeapSize ?? usedBefore)
    }
  )

  it("reads the probe's own lines back and nothing else", () => {
    const segment = { segment: "run 1", sessions: 2000, scavenges: 55 }
    expect(probeLine(formatProbeLine(segment))).toEqual(segment)
    for (const line of ["[gc-probe] {", "[gc-probe] 12", '[gc-probe] {"sessions":1}', "2026 info message", ""])
      expect(probeLine(line), line).toBeUndefined()
  })

  test.prop([fc.string()])("never throws on an arbitrary line", (line) => {
    expect(() => probeLine(line)).not.toThrow()
    expect(() => functionEvent(line)).not.toThrow()
    expect(() => probeLine(`[gc-probe] ${line}`)).not.toThrow()
    expect(() => functionEvent(`function,${line}`)).not.toThrow()
  })

  it("reads V8's function events and the probe's markers", () => {
    expect(functionEvent("function,interpreter,36,12070,13386,0.028,815421,processPromiseRejections")).toEqual({
      event: "interpreter",
      ms: 0.028
    })
    expect(functionEvent("function,first-execution,87,12,24,0,467458,gcProbeMark3")).toEqual({ mark: 3 })
    expect(functionEvent("function,first-execution,87,12,24,0,467458,")).toEqual({ event: "first-execution", ms: 0 })
    expect(functionEvent("script,create,71")).toBeUndefined()
    expect(functionEvent("function,baseline,1")).toBeUndefined()
  })
})
