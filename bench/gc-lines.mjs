// What bench/gc-probe.mjs computes from V8's collections and what bench/gc-summary.mjs and
// bench/function-events.mjs read back from a gateway's output, as pure functions (tested in
// test/gc-lines.test.ts).

const YOUNG = new Set(["new_space", "new_large_object_space"])

/**
 * A scavenge's survivors (bytes), from one v8.GCProfiler entry: what is left in the young spaces
 * plus what the other spaces gained (promoted objects). This is what the scavenger copied.
 */
export const survivorsOf = (gc) => {
  let bytes = 0
  const before = new Map(gc.beforeGC.heapSpaceStatistics.map((s) => [s.spaceName, s.spaceUsedSize]))
  for (const space of gc.afterGC.heapSpaceStatistics)
    bytes += YOUNG.has(space.spaceName)
      ? space.spaceUsedSize
      : Math.max(0, space.spaceUsedSize - (before.get(space.spaceName) ?? 0))
  return bytes
}

/**
 * v8.GCProfiler's entries of one segment -> counts and bytes. `usedAfter` is the heap after the
 * collection before the segment's first (bytes allocated = each collection's heap before it minus
 * the previous one's after it); the result's `usedAfter` carries over to the next segment.
 */
export const summarizeCollections = (statistics, usedAfter) => {
  const out = { scavenges: 0, fullGcs: 0, markingSteps: 0, pauseUs: 0, allocatedBytes: 0, survivedBytes: 0 }
  let last = usedAfter
  for (const gc of statistics) {
    if (gc.gcType === "Scavenge" || gc.gcType === "MinorMarkCompact") {
      out.scavenges++
      out.survivedBytes += survivorsOf(gc)
    } else if (gc.gcType === "MarkSweepCompact") out.fullGcs++
    else if (gc.gcType === "IncrementalMarking") out.markingSteps++
    out.pauseUs += gc.cost
    out.allocatedBytes += Math.max(0, gc.beforeGC.heapStatistics.usedHeapSize - last)
    last = gc.afterGC.heapStatistics.usedHeapSize
  }
  out.pauseUs = Math.round(out.pauseUs)
  return { ...out, usedAfter: last }
}

const PROBE = "[gc-probe] "

/** A segment line as the probe prints it. */
export const formatProbeLine = (segment) => `${PROBE}${JSON.stringify(segment)}`

/** A line of a gateway's output -> the probe's segment object, or undefined for any other line. */
export const probeLine = (line) => {
  if (!line.startsWith(PROBE)) return undefined
  try {
    const value = JSON.parse(line.slice(PROBE.length))
    return typeof value === "object" && value !== null && typeof value.segment === "string" ? value : undefined
  } catch {
    return undefined
  }
}

const MARK = /^gcProbeMark(\d+)$/

/**
 * A line of V8's function-event log (`function,EVENT,SCRIPT,START,END,DURATION_MS,TIME_US,NAME`)
 * -> { mark: N } for the probe's marker of segment N, { event, ms } for any other function event,
 * undefined for anything else.
 */
export const functionEvent = (line) => {
  if (!line.startsWith("function,")) return undefined
  const fields = line.split(",")
  if (fields.length < 8) return undefined
  const mark = MARK.exec(fields.slice(7).join(","))
  if (mark !== null) return { mark: Number(mark[1]) }
  const ms = Number(fields[5])
  return { event: fields[1], ms: Number.isFinite(ms) ? ms : 0 }
}
