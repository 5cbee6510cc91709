// The batched log writer: lines logged together go out in one write, in order, never later than
// the delay (fake timers: nothing here depends on real time), at once past the byte bound.
import { afterEach, describe, expect, test, vi } from "vitest"
import { stdoutLines } from "../src/StdoutLines.ts"

afterEach(() => {
  vi.useRealTimers()
})

const sink = () => {
  const writes: Array<string> = []
  return { writes, write: (text: string) => writes.push(text) }
}

describe("stdoutLines", () => {
  test("lines of one burst are one write, in order, after the delay", () => {
    vi.useFakeTimers()
    const out = sink()
    const lines = stdoutLines(out, { delayMs: 50 })
    lines.line("one")
    lines.line("two")
    lines.line("three")
    expect(out.writes).toEqual([])
    vi.advanceTimersByTime(50)
    expect(out.writes).toEqual(["one\ntwo\nthree\n"])
    lines.line("four")
    vi.advanceTimersByTime(50)
    expect(out.writes).toEqual(["one\ntwo\nthree\n", "four\n"])
  })

  test("flush writes what is waiting at once; nothing is written twice", () => {
    vi.useFakeTimers()
    const out = sink()
    const lines = stdoutLines(out)
    lines.line("a")
    lines.flush()
    lines.flush()
    vi.advanceTimersByTime(1000)
    expect(out.writes).toEqual(["a\n"])
  })

  test("past maxBytes the waiting lines are written at once", () => {
    vi.useFakeTimers()
    const out = sink()
    const lines = stdoutLines(out, { maxBytes: 10 })
    lines.line("12345")
    expect(out.writes).toEqual([])
    lines.line("67890")
    expect(out.writes).toEqual(["12345\n67890\n"])
    vi.advanceTimersByTime(1000)
    expect(out.writes).toHaveLength(1)
  })
})
