// A handler may answer with the value itself or with a promise of it. Both must give the client
// the same bytes (replies and their coalescing into writes), a throw at once must be a 451 as a
// rejection is, and an answer that comes too late must still meet the call's deadline. Loopback
// only; every wait is bounded.
import { describe, expect, it } from "vitest"
import type { SmtpHandler, SmtpReply, Spool } from "../../src/smtp/index.ts"
import { RawClient, recorder, REPLY_WAIT_MS } from "./support/peers.ts"
import { cmd, greeted, withServer } from "./support/server.ts"

type Mode = "now" | "promise" | "thenable"

/** A promise of another library: an object with a `then` method, not a native `Promise`. */
const foreign = <A>(value: A | Promise<A>): Promise<A> =>
  ({
    // biome-ignore lint/suspicious/noThenProperty: the point is a thenable that is not a Promise
    then: (resolve: (a: A) => unknown, reject: (e: unknown) => unknown) => Promise.resolve(value).then(resolve, reject)
  }) as unknown as Promise<A>

/** The value at once, or the same value in a promise (and so after a microtask), native or foreign. */
const give = <A>(mode: Mode, value: A): A | Promise<A> =>
  mode === "now" ? value : mode === "promise" ? Promise.resolve(value) : foreign(value)

const refuse = (code: number, enhanced: string, text: string): SmtpReply => ({ code, enhanced, text })

/** The whole body: from the spool's head at once (a small message is all there), else streamed. */
const bodyOf = (mode: Mode, spool: Spool): string | Promise<string> => {
  if (mode === "now") {
    expect(spool.complete).toBe(true)
    return Buffer.from(spool.head).toString("latin1")
  }
  return (async () => {
    const parts: Array<Buffer> = []
    for await (const chunk of spool.stream()) parts.push(Buffer.from(chunk))
    return Buffer.concat(parts).toString("latin1")
  })()
}

/** A policy that answers from memory: `blocked@` refused at MAIL, `nobody@` at RCPT, the rest accepted. */
const policy = (mode: Mode): { handler: SmtpHandler; bodies: Array<string> } => {
  const bodies: Array<string> = []
  const queued = (body: string): SmtpReply => {
    bodies.push(body)
    return { code: 250, enhanced: "2.0.0", text: `Queued as ${bodies.length}` }
  }
  const handler: SmtpHandler = {
    onConnect: () => give(mode, undefined),
    onMailFrom: (_s, address) =>
      give(mode, address.startsWith("blocked@") ? refuse(550, "5.7.1", "sender refused") : undefined),
    onRcptTo: (_s, _f, recipient) =>
      give(mode, recipient.startsWith("nobody@") ? refuse(550, "5.1.1", "no such user") : undefined),
    onData: (_s, _envelope, spool) => {
      const body = bodyOf(mode, spool)
      if (!(body instanceof Promise)) return queued(body)
      return mode === "thenable" ? foreign(body.then(queued)) : body.then(queued)
    }
  }
  return { handler, bodies }
}

/** One conversation: single commands, then a pipelined batch (its replies coalesce into one write). */
const converse = async (mode: Mode): Promise<{ transcript: string; bodies: Array<string> }> => {
  const { handler, bodies } = policy(mode)
  let transcript = ""
  await withServer({}, handler, async (server) => {
    const c = await greeted(server.address.port)
    await cmd(c, "EHLO client.test")
    await cmd(c, "MAIL FROM:<blocked@a.test>")
    await cmd(c, "MAIL FROM:<s@a.test>")
    await cmd(c, "RCPT TO:<nobody@b.test>")
    await cmd(c, "RCPT TO:<r@b.test>")
    await cmd(c, "DATA")
    await cmd(c, "Subject: one\r\n\r\nbody\r\n.")
    const from = c.received.length
    c.write("MAIL FROM:<s@a.test>\r\nRCPT TO:<nobody@b.test>\r\nRCPT TO:<r@b.test>\r\nDATA\r\n")
    await c.waitFor(/354 [^\r\n]*\r\n/, REPLY_WAIT_MS, from)
    await cmd(c, "Subject: two\r\n\r\nbody\r\n.")
    await cmd(c, "QUIT")
    await c.waitClosed()
    transcript = c.received
  })
  return { transcript, bodies }
}

describe("handler answers given at once or by promise", () => {
  it("give the client the same replies and the handler the same messages", async () => {
    const now = await converse("now")
    const promised = await converse("promise")
    const thenable = await converse("thenable")
    expect(now.transcript).toBe(promised.transcript)
    expect(now.bodies).toEqual(promised.bodies)
    // Another library's promise is waited for like a native one, never taken for the reply.
    expect(thenable.transcript).toBe(promised.transcript)
    expect(thenable.bodies).toEqual(promised.bodies)
    expect(now.bodies).toEqual(["Subject: one\r\n\r\nbody\r\n", "Subject: two\r\n\r\nbody\r\n"])
    expect(now.transcript).toMatch(/550 5\.7\.1 sender refused\r\n/)
    expect(now.transcript).toMatch(/550 5\.1\.1 no such user\r\n/)
    expect(now.transcript.match(/^250 2\.0\.0 Queued as \d+\r\n/gm)).toHaveLength(2)
  })

  it("a refusal at connect given at once is sent instead of the greeting, and the connection closes", async () => {
    const handler: SmtpHandler = {
      ...recorder().handler,
      onConnect: () => refuse(554, "5.7.1", "go away")
    }
    await withServer({}, handler, async (server) => {
      const c = await RawClient.connect(server.address.port)
      await c.waitFor(/^554 5\.7\.1 go away\r\n/)
      await c.waitClosed()
    })
  })

  it("a throw at once is a 451 4.3.0 like a rejection, and the session goes on", async () => {
    const lines: Array<string> = []
    const rec = recorder()
    const handler: SmtpHandler = {
      ...rec.handler,
      onMailFrom: (_s, address) => {
        if (address.startsWith("throw@")) throw new Error("thrown at once")
        return address.startsWith("reject@") ? Promise.reject(new Error("rejected later")) : undefined
      },
      onRcptTo: (_s, _f, recipient) => {
        if (recipient.startsWith("throw@")) throw new Error("rcpt thrown at once")
        return undefined
      },
      onData: () => {
        throw new Error("data thrown at once")
      }
    }
    await withServer({ log: (l) => lines.push(l) }, handler, async (server) => {
      const c = await greeted(server.address.port)
      await cmd(c, "EHLO c")
      expect(await cmd(c, "MAIL FROM:<throw@a.test>")).toMatch(/^451 4\.3\.0/)
      expect(await cmd(c, "MAIL FROM:<reject@a.test>")).toMatch(/^451 4\.3\.0/)
      expect(await cmd(c, "MAIL FROM:<s@a.test>")).toMatch(/^250 /)
      expect(await cmd(c, "RCPT TO:<throw@b.test>")).toMatch(/^451 4\.3\.0/)
      expect(await cmd(c, "RCPT TO:<r@b.test>")).toMatch(/^250 /)
      expect(await cmd(c, "DATA")).toMatch(/^354 /)
      expect(await cmd(c, "x\r\n.")).toMatch(/^451 4\.3\.0/)
      expect(await cmd(c, "NOOP")).toMatch(/^250 /)
      c.close()
    })
    for (const text of ["thrown at once", "rejected later", "rcpt thrown at once", "data thrown at once"])
      expect(lines.some((l) => l.includes(text))).toBe(true)
  })

  it("an answer past the deadline is a 451 even right after answers given at once", async () => {
    // The slow answer comes only when the test has the 451: the 451 can only be the deadline's.
    // (A 600 ms timer against the 200 ms deadline raced: a stall of this process past both let
    // the late answer run before the client read the 451.)
    let answerLate = (): void => {}
    const late = new Promise<undefined>((resolve) => {
      answerLate = () => resolve(undefined)
    })
    const handler: SmtpHandler = {
      ...recorder().handler,
      onMailFrom: () => undefined,
      onRcptTo: (_s, _f, recipient) => (recipient.startsWith("slow@") ? late : undefined)
    }
    await withServer({ commandTimeoutMs: 200 }, handler, async (server) => {
      const c = await greeted(server.address.port)
      await cmd(c, "EHLO c")
      expect(await cmd(c, "MAIL FROM:<s@a.test>")).toMatch(/^250 /)
      expect(await cmd(c, "RCPT TO:<r@b.test>")).toMatch(/^250 /)
      expect(await cmd(c, "RCPT TO:<slow@b.test>")).toMatch(/^451 4\.3\.0/)
      answerLate()
      await late
      const afterLate = c.received.length
      // Answers at once after the timed-out call are taken as before; the late answer added no reply.
      expect(await cmd(c, "RCPT TO:<r2@b.test>")).toMatch(/^250 /)
      expect(c.received.slice(afterLate)).toMatch(/^250 [^\r\n]*\r\n$/)
      c.close()
    })
  })
})
