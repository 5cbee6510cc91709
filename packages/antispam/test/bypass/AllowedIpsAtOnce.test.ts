// The connect phase's allowed-IPs check reads the lists in force at a clock's time. With a clock
// to read at once (a fiber's, or the one a runner lends while it builds the phase) the phase is
// finished as it is built; its outcome is the one the phase gives when run in a fiber with that
// clock (how the gateway ran it before), the lists read at that clock's time.
import { fc, test } from "@fast-check/vitest"
import { Dns, Envelope, Facts, FiberClock } from "@mailmoat/core"
import { Clock, Effect, Exit } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { makeServerAntispam } from "../../src/index.ts"
import type { ListStore } from "../../src/lists/ListStore.ts"

const stoppedAt = (millis: number): Clock.Clock => {
  const clock = Clock.Clock.defaultValue()
  return Object.assign(Object.create(Object.getPrototypeOf(clock)), clock, { currentTimeMillisUnsafe: () => millis })
}

// An import of 198.51.100.0/24 into the allowed IPs that is in force from t = 1,000 ms on.
const IMPORTED_AT = 1000
const asked: Array<number | undefined> = []
const NONE: ReadonlyArray<string> = []
const IMPORTED: ReadonlyArray<string> = ["198.51.100.0/24"]
const store: ListStore = {
  importList: () => 0,
  exportList: () => "",
  entries: (kind, at) => {
    if (kind !== "allowedIps") return NONE
    asked.push(at)
    return at !== undefined && at >= IMPORTED_AT ? IMPORTED : NONE
  },
  settled: async () => {}
}
const antispam = makeServerAntispam(
  { bypass: { allowedIps: ["192.0.2.0/28"] } },
  { dns: Dns.makeStatic({}), healthIntervalMillis: 0, listStore: store }
)
afterAll(() => antispam.close())
const engine = antispam.engine

const connectOf = (clientAddress: string) => () => engine.connect(Envelope.make({ clientAddress }), Facts.make())
const timeless = (v: unknown) => JSON.parse(JSON.stringify(v, (k, x) => (k === "millis" ? undefined : x)))
/** The phase built and run in one fiber with `clock` (the gateway's runner before the loan). */
const inFiber = (build: () => Effect.Effect<unknown>, clock: Clock.Clock) =>
  Effect.runSync(Effect.provideService(Effect.suspend(build), Clock.Clock, clock))

describe("allowed-ips at once", () => {
  it("with a lent clock the connect phase is finished as it is built, the lists read at its time", () => {
    asked.length = 0
    const allowed = FiberClock.lend(stoppedAt(5000), connectOf("198.51.100.9"))
    expect(Exit.isExit(allowed)).toBe(true)
    expect(asked).toEqual([5000])
    const outcome = Effect.runSync(allowed)
    expect(outcome.decided?.decision).toMatchObject({ _tag: "Bypass" })
    expect(outcome.traces.map((t) => [t.stage, t.outcome, t.millis])).toEqual([["allowed-ips", "ok", 0]])
    // Before the import was in force: not allowed, at once as well.
    const before = FiberClock.lend(stoppedAt(500), connectOf("198.51.100.9"))
    expect(Exit.isExit(before)).toBe(true)
    expect(Effect.runSync(before).decided).toBeUndefined()
  })

  it("built outside any fiber and with no clock lent, it waits for the fiber that runs it, as before", () => {
    const phase = connectOf("192.0.2.7")()
    expect(Exit.isExit(phase)).toBe(false)
    const outcome = Effect.runSync(Effect.provideService(phase, Clock.Clock, stoppedAt(5000)))
    expect(outcome.decided?.decision).toMatchObject({ _tag: "Bypass" })
  })

  test.prop([
    fc.oneof(
      fc.ipV4(),
      fc.constantFrom("192.0.2.7", "192.0.2.16", "198.51.100.1", "198.51.101.1", "2001:db8::1", "", "not an ip")
    ),
    fc.integer({ min: 0, max: 2 * IMPORTED_AT })
  ])("the same outcome as the phase run in a fiber with the same clock", (clientAddress, now) => {
    const clock = stoppedAt(now)
    const lent = FiberClock.lend(clock, connectOf(clientAddress))
    expect(Exit.isExit(lent)).toBe(true)
    expect(timeless(Effect.runSync(lent))).toEqual(timeless(inFiber(connectOf(clientAddress), clock)))
  })
})
