// The session's phases keep what they gave per session and per transaction: a rcpt refusal is
// not handed to DATA, a transaction's facts are fresh at MAIL FROM (nothing learnt about one
// message reaches the next one of the session), and the end of the session forgets it all.
import { makeServerAntispam } from "@mailmoat/antispam"
import { Dns, Engine, Envelope, Facts, MessageModel, type Stage, type StageResult } from "@mailmoat/core"
import type { Smtp } from "@mailmoat/protocols"
import { Clock, Context, Effect, Exit } from "effect"
import { describe, expect, it } from "vitest"
import * as Log from "../src/Log.ts"
import * as Runner from "../src/runtime/Runner.ts"
import { makeSessionPhases } from "../src/SessionPhases.ts"

const session: Smtp.SmtpSessionInfo = {
  id: "s1",
  clientAddress: "192.0.2.1",
  clientPort: 1234,
  localAddress: "127.0.0.1",
  localPort: 25,
  helo: "client.test",
  tls: false,
  sessionFlags: new Set()
}
const stage = (
  name: string,
  phase: Stage["phase"],
  run: (input: Parameters<Stage["run"]>[0]) => StageResult
): Stage => ({
  name,
  phase,
  budgetMillis: 1000,
  symbols: {},
  run: (input) => Effect.sync(() => run(input))
})

const Seen = Facts.key<string>("test.seen")

describe("SessionPhases", () => {
  it("hands connect, mail and accepted rcpt results to DATA; facts do not outlive their transaction", async () => {
    const sawEarlier: Array<string | undefined> = []
    const engine = Effect.runSync(
      Engine.make({
        scanning: false,
        stages: [
          stage("mail-notes", "mail", (i) => {
            if (i.phase === "mail") {
              sawEarlier.push(Facts.of(i).get(Seen))
              Facts.of(i).set(Seen, i.envelope.mailFrom)
            }
            return { symbols: [] }
          }),
          stage("no-gone", "rcpt", (i) => ({
            symbols: [],
            decision:
              i.phase === "rcpt" && i.recipient.startsWith("gone@")
                ? { _tag: "Reject", reason: "no such user" }
                : undefined
          }))
        ]
      })
    )
    const phases = makeSessionPhases(engine, { logger: Log.silent, run: Effect.runPromise })
    expect(await phases.connect(session)).toBeUndefined()
    expect(await phases.mail(session, "a@example.org")).toBeUndefined()
    expect(await phases.rcpt(session, "a@example.org", "gone@example.test", [])).toMatchObject({
      code: 550,
      enhanced: "5.7.1"
    })
    expect(await phases.rcpt(session, "a@example.org", "user@example.test", [])).toBeUndefined()
    const first = phases.earlier(session.id)
    expect(first.connect?.phase).toBe("connect")
    expect(first.mail?.traces.map((t) => t.stage)).toEqual(["mail-notes"])
    expect([...(first.rcpt?.keys() ?? [])]).toEqual(["user@example.test"])
    expect(first.facts?.get(Seen)).toBe("a@example.org")
    // Handed over: the session keeps its connection's outcome, not the transaction's part.
    const again = phases.earlier(session.id)
    expect(again.connect).toBe(first.connect)
    expect([again.mail, again.rcpt, again.facts]).toEqual([undefined, undefined, undefined])

    phases.endTransaction(session.id)
    expect(await phases.mail(session, "b@example.org")).toBeUndefined()
    const second = phases.earlier(session.id)
    expect(second.connect).toBe(first.connect)
    expect(second.rcpt?.size ?? 0).toBe(0)
    expect(second.facts?.get(Seen)).toBe("b@example.org")
    // The second transaction's mail stage did not see the first one's fact.
    expect(sawEarlier).toEqual([undefined, undefined])

    // The data phase runs nothing again: an engine that would run mail-notes does not.
    const message = MessageModel.fromBytes(new TextEncoder().encode("Subject: x\r\n\r\nbody\r\n"), {
      envelope: Envelope.make({
        clientAddress: session.clientAddress,
        mailFrom: "b@example.org",
        rcptTo: ["user@example.test"]
      })
    })
    const scanning = Effect.runSync(Engine.make({ stages: engine.stages }))
    await Effect.runPromise(scanning.data(message, second))
    expect(sawEarlier).toEqual([undefined, undefined])

    phases.endSession(session.id)
    expect(phases.earlier(session.id)).toEqual({})
  })

  it("answers at once when the engine does, by promise when it waits, and throws what the runner throws", async () => {
    const engine = Effect.runSync(
      Engine.make({
        scanning: false,
        stages: [
          {
            name: "memory-only",
            phase: "mail",
            budgetMillis: 1000,
            symbols: {},
            inline: true,
            run: (i) =>
              Effect.succeed<StageResult>({
                symbols: [],
                decision:
                  i.phase === "mail" && i.envelope.mailFrom.startsWith("spammer@")
                    ? { _tag: "Reject", reason: "known spammer" }
                    : undefined
              })
          },
          {
            name: "waits",
            phase: "rcpt",
            budgetMillis: 1000,
            symbols: {},
            run: () => Effect.as(Effect.sleep("1 millis"), { symbols: [] })
          }
        ]
      })
    )
    const phases = makeSessionPhases(engine, { logger: Log.silent, run: Runner.make(Context.empty()) })
    expect(phases.connect(session)).toBeUndefined()
    expect(phases.mail(session, "a@example.org")).toBeUndefined()
    expect(phases.mail(session, "spammer@example.org")).toMatchObject({ code: 550 })
    const rcpt = phases.rcpt(session, "a@example.org", "user@example.test", [])
    expect(rcpt).toBeInstanceOf(Promise)
    expect(await rcpt).toBeUndefined()
    const broken = makeSessionPhases(engine, {
      logger: Log.silent,
      run: () => {
        throw new Error("engine defect")
      }
    })
    expect(() => broken.mail(session, "a@example.org")).toThrow("engine defect")
  })

  it("lends the runner's clock while it builds a phase: the allowed-IPs check answers without a fiber", async () => {
    const antispam = makeServerAntispam(
      { bypass: { allowedIps: ["192.0.2.0/28"] } },
      { dns: Dns.makeStatic({}), healthIntervalMillis: 0 }
    )
    try {
      const clock = Clock.Clock.defaultValue()
      const stopped = Object.assign(Object.create(Object.getPrototypeOf(clock)), clock, {
        currentTimeMillisUnsafe: () => 42
      })
      const runner = Runner.make(Context.make(Clock.Clock, stopped) as Context.Context<never>)
      /** The runner, noting whether each effect it got was finished (no fiber needed for it). */
      const watched =
        (finished: Array<boolean>) =>
        <A>(effect: Effect.Effect<A>) => {
          finished.push(Exit.isExit(effect))
          return runner(effect)
        }
      const lentSeen: Array<boolean> = []
      const lent = makeSessionPhases(antispam.engine, { logger: Log.silent, run: watched(lentSeen), lend: runner.lend })
      expect(lent.connect(session)).toBeUndefined()
      expect(lentSeen).toEqual([true])
      const withLoan = lent.earlier(session.id).connect
      expect(withLoan?.decided?.decision._tag).toBe("Bypass")
      // Without the loan the phase waits for the runner's fiber, with the same outcome.
      const unlentSeen: Array<boolean> = []
      const unlent = makeSessionPhases(antispam.engine, { logger: Log.silent, run: watched(unlentSeen) })
      expect(unlent.connect(session)).toBeUndefined()
      expect(unlentSeen).toEqual([false])
      const timeless = (v: unknown) => JSON.parse(JSON.stringify(v, (k, x) => (k === "millis" ? undefined : x)))
      expect(timeless(unlent.earlier(session.id).connect)).toEqual(timeless(withLoan))
    } finally {
      await antispam.close()
    }
  })
})
