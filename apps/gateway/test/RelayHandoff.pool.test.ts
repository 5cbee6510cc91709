// The pool of idle downstream connections: a connection handed back when its client session ends
// is closed with QUIT after 30 s unused, each at its own time (one parked later stays until its
// own 30 s), and one taken again before that is not closed, whatever the wall clock does. The
// clock is faked (timers, Date and performance only); the sockets are real, on loopback.
import { afterEach, describe, expect, test, vi } from "vitest"
import { relayHandoff } from "../src/RelayHandoff.ts"
import { RawSink } from "./support/peers.ts"

const tx = (sessionId: string) => ({
  sessionId,
  mailFrom: "s@client.test",
  size: 0,
  eightBitMime: false,
  smtputf8: false
})

/** Turns of the event loop for real I/O (the fake clock does not move). */
const turns = async (n: number): Promise<void> => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r))
}

/** Lets real I/O run until `done` holds (at most 20,000 turns), then 200 turns more to settle. */
const until = async (done: () => boolean): Promise<void> => {
  for (let i = 0; i < 20_000 && !done(); i++) await turns(1)
  expect(done()).toBe(true)
  await turns(200)
}

describe("the relay's pool of idle connections", () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  test("closes each parked connection 30 s after it was parked, not one taken again", async () => {
    const sink = await RawSink.start()
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date", "performance"] })
    const handoff = relayHandoff({ host: "127.0.0.1", port: sink.port })
    const quits = () => sink.commands.filter((c) => c === "QUIT").length
    const resets = () => sink.commands.filter((c) => c === "RSET").length
    try {
      // Two sessions at once: two connections.
      expect(await handoff.recipient(tx("a"), "r@example.test")).toBeUndefined()
      expect(await handoff.recipient(tx("b"), "r@example.test")).toBeUndefined()
      expect(sink.connections).toBe(2)
      handoff.end("a")
      handoff.release("a")
      await until(() => resets() === 1)
      vi.advanceTimersByTime(20_000)
      handoff.end("b")
      handoff.release("b")
      await until(() => resets() === 2)
      // 30 s after the first was parked: it alone is closed.
      vi.advanceTimersByTime(10_000)
      await until(() => quits() === 1)
      // A new session takes the one left, 25 s after it was parked: it is not closed at its 30 s.
      vi.advanceTimersByTime(5_000)
      expect(await handoff.recipient(tx("c"), "r@example.test")).toBeUndefined()
      expect(sink.connections).toBe(2)
      vi.advanceTimersByTime(10_000)
      await turns(200)
      expect(quits()).toBe(1)
      // Handed back again, it is closed 30 s later.
      handoff.end("c")
      handoff.release("c")
      await until(() => resets() === 3)
      vi.advanceTimersByTime(29_000)
      await turns(200)
      expect(quits()).toBe(1)
      vi.advanceTimersByTime(1_000)
      await until(() => quits() === 2)
    } finally {
      vi.useRealTimers()
      await handoff.close()
      await sink.stop()
    }
  }, 30_000)

  test("a wall clock stepped back keeps no parked connection past its 30 s (idleness is monotonic)", async () => {
    const sink = await RawSink.start()
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date", "performance"] })
    const handoff = relayHandoff({ host: "127.0.0.1", port: sink.port })
    const quits = () => sink.commands.filter((c) => c === "QUIT").length
    try {
      expect(await handoff.recipient(tx("a"), "r@example.test")).toBeUndefined()
      handoff.end("a")
      handoff.release("a")
      await until(() => sink.commands.includes("RSET"))
      vi.advanceTimersByTime(10_000)
      // An hour back: the wall-clock pool read the connection as parked an hour from now.
      vi.setSystemTime(Date.now() - 3_600_000)
      vi.advanceTimersByTime(19_000)
      await turns(200)
      expect(quits()).toBe(0)
      vi.advanceTimersByTime(1_000)
      await until(() => quits() === 1)
    } finally {
      vi.useRealTimers()
      await handoff.close()
      await sink.stop()
    }
  }, 30_000)
})
