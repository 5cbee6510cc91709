// The proxy's literal limits in front of a real Dovecot: a too big or malformed APPEND literal
// is refused by the proxy (NO [TOOBIG] / BAD, no `+`, the session goes on), a too big `{n+}`
// closes the connection without its octets ever being read as commands, and a fetched message
// (IMAP literal, POP3 RETR) far over the scan limit streams through with flat memory.
import * as net from "node:net"
import { setFlagsFromString } from "node:v8"
import { runInNewContext } from "node:vm"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type Dovecot, startDovecot } from "./support/dovecot.ts"
import { ImapClient } from "./support/imapClient.ts"
import { type TestProxyOptions, withProxy } from "./support/proxy.ts"
import { makeMessage, taggingScanner } from "./support/tools.ts"

const MB = 1024 * 1024
// 32 times the scan limit, and well over the memory bound below: at 64 MB (and a 24 MB bound) a
// RETR through the proxy took over 120 s at load 80; this is half the work, the same proportions.
const BIG = 32 * MB
/** The most a fetch of BIG may raise live memory: kept in full it would be BIG or more (a RETR holds ~5 MB). */
const BOUND = 12 * MB
const bigMessage = Buffer.concat([Buffer.from("Subject: big one\r\n\r\n"), Buffer.alloc(BIG, "0123456789abcd\r\n")])

let dovecot: Dovecot
beforeAll(async () => {
  dovecot = await startDovecot([makeMessage(1), bigMessage])
}, 120_000)
afterAll(async () => {
  await dovecot?.stop()
})

const limitedProxy = (port: number): TestProxyOptions => ({
  upstream: { host: "127.0.0.1", port },
  protocol: "auto",
  mode: "plain",
  scanner: taggingScanner().scanner,
  limits: { maxLiteralBytes: MB, maxMessageBytes: MB }
})

/** Reads lines until one starts with `tag `; returns every line read. */
const untilTagged = async (c: ImapClient, tag: string): Promise<Array<string>> => {
  const lines: Array<string> = []
  for (;;) {
    const line = (await c.wire.line()).toString("latin1")
    lines.push(line)
    if (line.startsWith(`${tag} `)) return lines
  }
}

const mailboxes = async (port: number): Promise<string> => {
  const c = await ImapClient.connect(port)
  await c.login(dovecot.user, dovecot.password)
  const r = await c.command('LIST "" "*"')
  c.close()
  return r.raw.toString("latin1")
}

describe("IMAP client literals through the proxy (Dovecot upstream)", () => {
  it("a too big APPEND gets NO [TOOBIG] without `+`, malformed sizes BAD; the session goes on and a small APPEND works", async () => {
    await withProxy(limitedProxy(dovecot.ports.imap), async (proxy) => {
      const c = await ImapClient.connect(proxy.port)
      await c.login(dovecot.user, dovecot.password)
      const before = await c.command("STATUS INBOX (MESSAGES)")
      const count = Number(/MESSAGES (\d+)/.exec(before.raw.toString("latin1"))?.[1])
      c.wire.write("a1 APPEND INBOX {4294967295}\r\n")
      const toobig = await untilTagged(c, "a1")
      expect(toobig.some((l) => l.startsWith("+"))).toBe(false)
      expect(toobig.at(-1)).toBe(`a1 NO [TOOBIG] literal of 4294967295 octets is over this proxy's limit of ${MB}\r\n`)
      for (const [tag, size] of [
        ["a2", "99999999999999999999"],
        ["a3", "-1"],
        ["a4", "abc"]
      ] as const) {
        c.wire.write(`${tag} APPEND INBOX {${size}}\r\n`)
        const bad = await untilTagged(c, tag)
        expect(bad.some((l) => l.startsWith("+"))).toBe(false)
        expect(bad.at(-1)).toBe(`${tag} BAD invalid literal size {${size}}\r\n`)
      }
      const small = "Subject: appended\r\n\r\nsmall\r\n"
      c.wire.write(`a5 APPEND INBOX {${small.length}}\r\n`)
      expect((await c.wire.line()).toString("latin1")).toMatch(/^\+ /)
      c.wire.write(`${small}\r\n`)
      expect((await untilTagged(c, "a5")).at(-1)).toMatch(/^a5 OK /)
      const after = await c.command("STATUS INBOX (MESSAGES)")
      expect(Number(/MESSAGES (\d+)/.exec(after.raw.toString("latin1"))?.[1])).toBe(count + 1)
      c.close()
    })
  }, 60_000)

  it("a too big {n+} closes the connection; commands hidden in its octets never run", async () => {
    await withProxy(limitedProxy(dovecot.ports.imap), async (proxy) => {
      const c = await ImapClient.connect(proxy.port)
      await c.login(dovecot.user, dovecot.password)
      const filler = Buffer.alloc(2 * MB, 0x61)
      filler.write("\r\nb CREATE Smuggled\r\n", 1000, "latin1")
      c.wire.write(
        Buffer.concat([
          Buffer.from(`z APPEND INBOX {${filler.length}+}\r\n`),
          filler,
          Buffer.from("\r\nc CREATE AlsoSmuggled\r\n")
        ])
      )
      const rest = (await c.wire.rest(10_000)).toString("latin1")
      expect(rest).toMatch(
        /^\* BYE literal of 2097152 octets is over this proxy's limit of 1048576 \(non-synchronising, cannot be refused\)\r\n$/
      )
      expect(c.wire.closed).toBe(true)
      const list = await mailboxes(dovecot.ports.imap)
      expect(list).not.toMatch(/Smuggled/)
    })
  }, 60_000)
})

// Live memory of this process (the proxy runs in it), measured after a full GC while a fetch runs.
setFlagsFromString("--expose-gc")
const gc = runInNewContext("gc") as () => void
const live = () => {
  gc()
  const m = process.memoryUsage()
  return m.heapUsed + m.arrayBuffers
}

/** Runs `fetch` while sampling live memory; returns the peak growth over the baseline. */
const peakGrowth = async (fetch: () => Promise<void>): Promise<number> => {
  const base = live()
  let peak = base
  let done = false
  const sampling = (async () => {
    while (!done) {
      peak = Math.max(peak, live())
      await new Promise((r) => setTimeout(r, 20))
    }
  })()
  try {
    await fetch()
  } finally {
    done = true
    await sampling
  }
  return peak - base
}

/** A client that only counts what it receives, so the test itself holds no copy of the message. */
const countingSession = async (port: number, script: ReadonlyArray<string>, done: RegExp): Promise<number> =>
  new Promise((resolve, reject) => {
    const s = net.connect({ host: "127.0.0.1", port })
    let received = 0
    let tail = ""
    let step = 0
    s.on("data", (d: Buffer) => {
      received += d.length
      tail = (tail + d.toString("latin1")).slice(-200)
      if (step < script.length && /\r\n$/.test(tail)) s.write(script[step++]!)
      else if (step === script.length && done.test(tail)) {
        s.destroy()
        resolve(received)
      }
    })
    s.on("error", reject)
  })

describe("server literals and POP3 messages over the scan limit stream with flat memory", () => {
  it(`IMAP FETCH of a ${BIG / MB} MB message through a proxy scanning at most 1 MB`, async () => {
    await withProxy(limitedProxy(dovecot.ports.imap), async (proxy) => {
      let received = 0
      const growth = await peakGrowth(async () => {
        received = await countingSession(
          proxy.port,
          [`l LOGIN ${dovecot.user} ${dovecot.password}\r\n`, "s SELECT INBOX\r\n", "f FETCH 2 BODY.PEEK[]\r\n"],
          /\r\nf OK [^\r\n]*\r\n$/
        )
      })
      expect(received).toBeGreaterThan(bigMessage.length)
      expect(growth).toBeLessThan(BOUND)
      expect(proxy.logs.some((l) => l.includes("message_too_large_unscanned"))).toBe(true)
    })
  }, 180_000)

  it(`POP3 RETR of the ${BIG / MB} MB message through the same limits`, async () => {
    await withProxy(limitedProxy(dovecot.ports.pop3), async (proxy) => {
      let received = 0
      const growth = await peakGrowth(async () => {
        received = await countingSession(
          proxy.port,
          [`USER ${dovecot.user}\r\n`, `PASS ${dovecot.password}\r\n`, "RETR 2\r\n"],
          /\r\n\.\r\n$/
        )
      })
      expect(received).toBeGreaterThan(bigMessage.length)
      expect(growth).toBeLessThan(BOUND)
    })
  }, 180_000)
})
