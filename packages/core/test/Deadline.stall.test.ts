// Deadlines against a busy process: an answer that arrived before the process got round to its
// timers wins over a deadline that passed meanwhile (see `Deadline.timer`). Each test sends the
// answer and stays busy past the deadline in one turn; without the answer, the deadline still ends
// the wait.
import { Effect, Exit, Option } from "effect"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import * as Deadline from "../src/Deadline.ts"
import * as InFlight from "../src/dns/InFlight.ts"
import { type Loopback, loopback } from "./support/stall.ts"

let udp: Loopback
beforeEach(async () => {
  udp = await loopback()
})
afterEach(() => udp.close())

const DEADLINE = 30
/**
 * Sends the answer and stays busy well past the deadline in that turn. The busy stretch runs
 * after the loop's read of the sockets (in a `setImmediate`, as the work of a message that just
 * arrived runs after that read), so the next turn begins with the passed deadline's timer. It is
 * queued at once, so it runs before the loop next looks at its timers however slow the machine.
 */
const stallAfterRead = (text: string, millis: number) => setImmediate(() => udp.sendThenStall(text, millis))
const answerLateInTheTurn = () => stallAfterRead("listed", DEADLINE * 4)

const udpAnswer = Effect.callback<string>((resume) => {
  udp.next((text) => resume(Effect.succeed(text)))
})

describe("a deadline that passed while the process was busy", () => {
  it("timer: an answer read in the same turn cancels it before it expires", async () => {
    const outcome = await new Promise<string>((resolve) => {
      const deadline = Deadline.timer(DEADLINE, () => resolve("expired"))
      udp.next((text) => {
        deadline.cancel()
        resolve(text)
      })
      answerLateInTheTurn()
    })
    expect(outcome).toBe("listed")
  })

  it("timer: with no answer it expires", async () => {
    const outcome = await new Promise<string>((resolve) => {
      Deadline.timer(DEADLINE, () => resolve("expired"))
      stallAfterRead("to nobody", DEADLINE * 2)
    })
    expect(outcome).toBe("expired")
  })

  it("within: the answer waiting in the socket wins", async () => {
    const result = Effect.runPromise(Deadline.within(udpAnswer, DEADLINE))
    answerLateInTheTurn()
    expect(await result).toEqual(Option.some("listed"))
  })

  it("within: no answer is None at the deadline", async () => {
    const never = Effect.callback<string>(() => {})
    expect(await Effect.runPromise(Deadline.within(never, DEADLINE))).toEqual(Option.none())
  })

  it("withinAll: the answer waiting in the socket wins; the item with no answer times out", async () => {
    const never = Effect.callback<string>(() => {})
    const result = Effect.runPromise(
      Deadline.withinAll([
        { effect: udpAnswer, millis: DEADLINE },
        { effect: never, millis: DEADLINE }
      ])
    )
    answerLateInTheTurn()
    expect(await result).toEqual([Option.some("listed"), Option.none()])
  })

  it("a DNS question in flight: the waiter gets the answer, not a timeout", async () => {
    const inFlight = InFlight.make()
    const start: InFlight.Start = (answered) => {
      udp.next(() => answered(Exit.succeed({ _tag: "Answer", records: ["127.0.0.2"] } as never)))
      return () => {}
    }
    const waiter = { type: "A" as const, name: "2.0.0.127.bl.test", timeoutMillis: DEADLINE, startedAt: Date.now() }
    const exit = await new Promise<Exit.Exit<unknown, unknown>>((resolve) => {
      inFlight.join("A 2.0.0.127.bl.test", start, waiter, Date.now(), resolve)
      answerLateInTheTurn()
    })
    expect(Exit.isSuccess(exit)).toBe(true)
  })
})
