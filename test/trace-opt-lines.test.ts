// bench/trace-opt-lines.mjs: which lines of a gateway's output bench/trace-opt-blocks.mjs counts,
// on V8's trace formats of Node 20 and Node 24 and the gateway's message log line.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
// @ts-expect-error: a plain .mjs script without declarations
import { traceEvent } from "../bench/trace-opt-lines.mjs"

describe("bench/trace-opt-lines", () => {
  it("reads a compilation of each tier, with V8's three phases summed", () => {
    expect(
      traceEvent(
        "[completed compiling 0x3a1c <JSFunction f (sfi = 0x2b)> (target TURBOFAN_JS) - took 0.030, 14.374, 0.017 ms]"
      )
    ).toEqual({
      kind: "compiled",
      tier: "TurboFan",
      ms: expect.closeTo(14.421, 9),
      prepare: 0.03,
      execute: 14.374,
      finalize: 0.017,
      osr: false,
      name: "f",
      sfi: "0x2b"
    })
    expect(
      traceEvent("[completed compiling 0x1 <JSFunction (sfi = 0x2)> (target MAGLEV) OSR - took 0.006, 0.577, 0.015 ms]")
    ).toMatchObject({ kind: "compiled", tier: "Maglev", ms: expect.closeTo(0.598, 9), osr: true, name: "", sfi: "0x2" })
    expect(
      traceEvent(
        "[completed compiling 0x1 <JSFunction get protocol (sfi = 0x33b1)> (target TURBOFAN) - took 0.010, 2.308, 0.020 ms]"
      )
    ).toMatchObject({ name: "get protocol", sfi: "0x33b1", execute: 2.308 })
    expect(
      traceEvent("[completed compiling 0x1 <JSFunction g (sfi = 0x2)> (target TURBOFAN) - took 0.014, 0.484, 0.012 ms]")
    ).toMatchObject({ tier: "TurboFan" })
  })

  it("tells an OSR hand-over from a deoptimisation, and ignores the other trace lines", () => {
    expect(
      traceEvent(
        "[bailout (kind: deopt-eager, reason: prepare for on stack replacement (OSR)): begin. deoptimizing 0x1 <JSFunction (sfi = 0x2)>"
      )
    ).toEqual({ kind: "deopt", osr: true })
    expect(traceEvent("[bailout (kind: deopt-soft, reason: Insufficient type feedback for call): begin.")).toEqual({
      kind: "deopt",
      osr: false
    })
    for (const line of [
      "[completed optimizing 0x1 <JSFunction f (sfi = 0x2)> (target TURBOFAN)]",
      "[marking 0x1 <JSFunction f (sfi = 0x2)> for optimization to MAGLEV, ConcurrencyMode::kConcurrent, reason: hot and stable]",
      "[compiling method 0x1 <JSFunction g (sfi = 0x2)> (target MAGLEV), mode: ConcurrencyMode::kConcurrent]",
      "  SMTP        127.0.0.1:2727"
    ]) {
      expect(traceEvent(line), line).toBeUndefined()
    }
  })

  it("counts the gateway's log line for a message", () => {
    expect(
      traceEvent('2026-12-05T01:22:11.493Z info message queue="b0c3101.1" client="127.0.0.1" verdict="spam" code=250')
    ).toEqual({ kind: "message" })
  })

  const tier = fc.constantFrom("TURBOFAN", "TURBOFAN_JS", "MAGLEV")
  const ms = fc.integer({ min: 0, max: 1_000_000 }).map((n) => n / 1000)
  test.prop([fc.string({ maxLength: 30 }), tier, fc.boolean(), ms, ms, ms])(
    "any completed compilation's phases add up",
    (name, target, osr, a, b, c) => {
      const line = `[completed compiling 0x1 <JSFunction ${name.replace(/[\n\r]/g, "")} (sfi = 0x2)> (target ${target})${osr ? " OSR" : ""} - took ${a.toFixed(3)}, ${b.toFixed(3)}, ${c.toFixed(3)} ms]`
      const event = traceEvent(line)
      expect(event).toMatchObject({
        kind: "compiled",
        tier: target === "MAGLEV" ? "Maglev" : "TurboFan",
        osr,
        sfi: "0x2"
      })
      expect(event.ms).toBeCloseTo(a + b + c, 6)
      expect([event.prepare, event.execute, event.finalize]).toEqual([
        Number(a.toFixed(3)),
        Number(b.toFixed(3)),
        Number(c.toFixed(3))
      ])
    }
  )

  test.prop([fc.string({ maxLength: 200 })])("a line that is none of them is ignored", (line) => {
    const event = traceEvent(line)
    if (event !== undefined) expect(line).toMatch(/ info message |^\[completed compiling |^\[bailout /)
  })
})
