import { fc, test } from "@fast-check/vitest"
import { describe, expect } from "vitest"
import { SerialOps } from "../src/SerialOps.ts"

const tick = () => new Promise((r) => setTimeout(r, 0))

/** How an operation ends: at once (inside `run`), after some microtasks, after a timer; or by a throw or rejection. */
const opArb = fc.record({
  wait: fc.constantFrom("none", "microtasks", "timer"),
  end: fc.constantFrom("fulfil", "reject", "throw"),
  /** Asked for after this many timer ticks of the test (0: with the one before). */
  gap: fc.nat(2)
})

describe("SerialOps", () => {
  test.prop([fc.array(opArb, { minLength: 1, maxLength: 12 })])(
    "operations run one at a time, in the order asked for, whatever the earlier ones did",
    async (ops) => {
      const serial = new SerialOps()
      const log: Array<string> = []
      let running = 0
      const results: Array<Promise<unknown>> = []
      for (const [i, op] of ops.entries()) {
        for (let g = 0; g < op.gap; g++) await tick()
        results.push(
          serial.run(async () => {
            running++
            expect(running).toBe(1)
            log.push(`start ${i}`)
            try {
              if (op.wait === "microtasks") for (let k = 0; k < 3; k++) await Promise.resolve()
              if (op.wait === "timer") await tick()
              if (op.end === "throw") throw new Error(`op ${i}`)
              if (op.end === "reject") return await Promise.reject(new Error(`op ${i}`))
              return i
            } finally {
              log.push(`end ${i}`)
              running--
            }
          })
        )
      }
      const settled = await Promise.allSettled(results)
      expect(log).toEqual(ops.flatMap((_, i) => [`start ${i}`, `end ${i}`]))
      settled.forEach((s, i) => {
        if (ops[i]!.end === "fulfil") expect(s).toEqual({ status: "fulfilled", value: i })
        else expect(s.status).toBe("rejected")
      })
      expect(serial.idle).toBe(true)
    }
  )

  test.prop([fc.nat(3)])(
    "idle while nothing runs or waits; busy from the first run until the last settles",
    async (extra) => {
      const serial = new SerialOps()
      expect(serial.idle).toBe(true)
      const gates: Array<() => void> = []
      const all = [0, ...Array.from({ length: extra }, (_, i) => i + 1)].map(() =>
        serial.run(() => new Promise<void>((r) => gates.push(r)))
      )
      expect(serial.idle).toBe(false)
      for (let i = 0; i <= extra; i++) {
        await tick()
        expect(serial.idle).toBe(false)
        gates[i]!()
      }
      await Promise.all(all)
      await tick()
      expect(serial.idle).toBe(true)
    }
  )

  test("a function that throws at once is a rejection, and the next operation runs", async () => {
    const serial = new SerialOps()
    const first = serial.run((): Promise<number> => {
      throw new Error("at once")
    })
    const second = serial.run(async () => 2)
    await expect(first).rejects.toThrow("at once")
    await expect(second).resolves.toBe(2)
  })

  test("an operation that finds the session idle starts inside run; a later one only after the one before settled", async () => {
    const serial = new SerialOps()
    const log: Array<string> = []
    let release = (): void => undefined
    void serial.run(() => {
      log.push("first")
      return new Promise<void>((r) => (release = r))
    })
    expect(log).toEqual(["first"])
    const second = serial.run(async () => void log.push("second"))
    await tick()
    expect(log).toEqual(["first"])
    release()
    await second
    expect(log).toEqual(["first", "second"])
  })
})
