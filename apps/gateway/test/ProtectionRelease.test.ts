// The gateway's data phase drops the message's parsed parts once it is done (whether it answered
// at once or by promise): what the stages parsed must not stay reachable after the verdict.
import { join } from "node:path"
import { Envelope, type Headers, type Message, type Stage } from "@mailmoat/core"
import type { Smtp } from "@mailmoat/protocols"
import { Effect, Layer } from "effect"
import { describe, expect, it } from "vitest"
import * as Log from "../src/Log.ts"
import { startProtection } from "../src/Protection.ts"
import * as StateStores from "../src/StateStores.ts"
import { tempDir } from "../../../test/support/temp-dirs.ts"

const dataDir = tempDir("mm-protection-release-")

// A data stage that keeps the message it saw and the header list it read, answering at once or
// after a timer.
const seen: Array<{ message: Message; headers: Headers }> = []
const keeper = (waits: boolean): Stage => ({
  name: waits ? "keeper-waits" : "keeper",
  phase: "data",
  budgetMillis: 1000,
  symbols: {},
  run: (input) => {
    const note = Effect.sync(() => {
      if (input.phase === "data") seen.push({ message: input.message, headers: input.message.headers })
      return { symbols: [] }
    })
    return waits ? Effect.andThen(Effect.sleep("1 millis"), note) : note
  }
})

const bytes = new TextEncoder().encode("From: a@example.org\r\nSubject: hello\r\n\r\nbody\r\n")
const spool: Smtp.Spool = {
  size: bytes.length,
  head: bytes,
  complete: true,
  stream: async function* () {
    yield bytes
  },
  dispose: async () => {}
}
const envelope = Envelope.make({ clientAddress: "192.0.2.1", mailFrom: "a@example.org", rcptTo: ["u@example.test"] })

const evaluateWith = async (waits: boolean) => {
  const layer = StateStores.layer({ backend: "embedded" }, dataDir, undefined)
  return Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const protection = yield* startProtection(
          {
            dataDir,
            hostname: "gw.test",
            antispam: { rbl: { servers: [] }, dnsbl: { servers: [] } },
            state: { backend: "embedded" },
            classifier: { enabled: false },
            stages: [keeper(waits)],
            healthIntervalMillis: 0
          },
          Log.silent
        )
        const outcomes = yield* Effect.promise(async () => protection.evaluate(envelope, spool))
        yield* Effect.promise(() => protection.close())
        return outcomes
      }).pipe(Effect.provide(Layer.orDie(layer)))
    )
  )
}

describe("Protection.evaluate", () => {
  for (const waits of [false, true])
    it(`releases what the message parsed once the data phase is done (${waits ? "by promise" : "at once"})`, async () => {
      seen.length = 0
      const outcomes = await evaluateWith(waits)
      expect(outcomes).toHaveLength(1)
      expect(seen).toHaveLength(1)
      const { message, headers } = seen[0]!
      // Read again after the phase: parsed anew, the same fields.
      expect(message.headers).not.toBe(headers)
      expect(message.headers.get("subject")).toBe("hello")
    })
})
