// The IMAP proxy in front of a real Dovecot: curl and a scripted client compare direct fetches
// with fetches through the proxy (plain mode; the TLS modes are in imap.tls.test.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { MessageScanner } from "../../src/proxy/index.ts"
import { type Dovecot, startDovecot } from "./support/dovecot.ts"
import { ImapClient } from "./support/imapClient.ts"
import { plainProxy, withProxy } from "./support/proxy.ts"
import { curl, makeMessage, tag, taggingScanner } from "./support/tools.ts"

const COUNT = 200
const SPAM = new Set([3, 50, 199])
const messages = Array.from({ length: COUNT }, (_, i) => makeMessage(i + 1, { spam: SPAM.has(i + 1) }))

let dovecot: Dovecot
beforeAll(async () => {
  dovecot = await startDovecot(messages)
})
afterAll(async () => {
  await dovecot?.stop()
})

const session = async (port: number) => {
  const c = await ImapClient.connect(port)
  await c.login(dovecot.user, dovecot.password)
  expect((await c.command("EXAMINE INBOX")).status).toBe("OK")
  return c
}

/** Dovecot's tagged OK carries timings ("(0.001 + 0.000 secs)") that differ between two runs. */
const stable = (raw: Buffer): string => raw.toString("latin1").replace(/ \([0-9.+ ]+ secs\)/g, "")

const bySeq = (literals: ReadonlyArray<{ seq: number; bytes: Buffer }>) =>
  new Map(literals.map((l) => [l.seq, l.bytes]))

describe("IMAP proxy (plain) with Dovecot", () => {
  it("fetches 200 messages in one FETCH: identical to direct except the tagged ones, with correct literal lengths", async () => {
    const { scanner, calls } = taggingScanner()
    await withProxy(plainProxy(dovecot.ports.imap, "imap", scanner), async (proxy) => {
      const direct = await session(dovecot.ports.imap)
      const via = await session(proxy.port)
      const d = await direct.command("FETCH 1:* BODY.PEEK[]")
      const p = await via.command("FETCH 1:* BODY.PEEK[]")
      expect(d.status).toBe("OK")
      expect(p.status).toBe("OK")
      expect(d.literals).toHaveLength(COUNT)
      expect(p.literals).toHaveLength(COUNT)
      const directBySeq = bySeq(d.literals)
      let tagged = 0
      for (const lit of p.literals) {
        expect(lit.item).toBe("BODY[]")
        const original = directBySeq.get(lit.seq)!
        if (original.includes("SPAMWORD")) {
          tagged++
          expect(lit.bytes.toString("latin1")).toBe(tag(original.toString("latin1")))
        } else {
          expect(lit.bytes.equals(original)).toBe(true)
        }
      }
      expect(tagged).toBe(SPAM.size)
      expect(calls).toHaveLength(COUNT)
      // Everything outside the literals is the same too (same server state, same commands).
      expect(stable(p.raw).length - stable(d.raw).length).toBe(
        SPAM.size * (tag("Subject: ").length - "Subject: ".length)
      )

      // A re-fetch is answered from the verdict cache.
      const again = await via.command("FETCH 1:* RFC822")
      expect(again.literals.filter((l) => l.bytes.includes("X-Mailmoat-Spam: yes"))).toHaveLength(SPAM.size)
      expect(calls).toHaveLength(COUNT)
      expect(proxy.cachedVerdicts()).toBe(COUNT)
      direct.close()
      via.close()
    })
  })

  it("the size a FETCH announces before a tagged message (RFC822.SIZE, the literal's {n}) is that of the bytes it sends", async () => {
    const { scanner } = taggingScanner()
    await withProxy(plainProxy(dovecot.ports.imap, "imap", scanner), async (proxy) => {
      const direct = await session(dovecot.ports.imap)
      const via = await session(proxy.port)
      // Thunderbird's full fetch; Dovecot answers the size before the body whatever the order asked.
      for (const items of ["(UID RFC822.SIZE BODY.PEEK[])", "(BODY.PEEK[] RFC822.SIZE FLAGS)"]) {
        const d = await direct.command(`FETCH 1:* ${items}`)
        const p = await via.command(`FETCH 1:* ${items}`)
        expect(p.literals).toHaveLength(COUNT)
        const announced = [
          ...p.raw.toString("latin1").matchAll(/\* (\d+) FETCH \([^{]*RFC822\.SIZE (\d+)[^{]*\{(\d+)\}\r\n/g)
        ]
        expect(announced).toHaveLength(COUNT)
        const literals = bySeq(p.literals)
        const original = bySeq(d.literals)
        for (const [, seq, size, marker] of announced) {
          const sent = literals.get(Number(seq))!
          expect(Number(size), `message ${seq}`).toBe(sent.length)
          expect(Number(marker), `message ${seq}`).toBe(sent.length)
          if (!SPAM.has(Number(seq))) expect(sent.equals(original.get(Number(seq))!)).toBe(true)
        }
        // Nothing else differs: the clean messages' responses are Dovecot's.
        const delta = tag("Subject: ").length - "Subject: ".length
        expect(stable(p.raw).length - stable(d.raw).length).toBe(SPAM.size * delta)
      }
      // A header literal before the body: held with the start, the server's (the tag is the body's).
      const d = await direct.command("FETCH 3 (RFC822.SIZE BODY.PEEK[HEADER] BODY.PEEK[])")
      const p = await via.command("FETCH 3 (RFC822.SIZE BODY.PEEK[HEADER] BODY.PEEK[])")
      expect(p.literals.map((l) => l.item)).toEqual(["BODY[HEADER]", "BODY[]"])
      expect(p.literals[0]!.bytes.equals(d.literals[0]!.bytes)).toBe(true)
      expect(p.raw.toString("latin1")).toContain(`RFC822.SIZE ${p.literals[1]!.bytes.length} `)
      expect(p.literals[1]!.bytes.length).toBeGreaterThan(d.literals[1]!.bytes.length)
      direct.close()
      via.close()
    })
  })

  it("handles FETCH variants: BODY[], RFC822, BINARY[] rewritten; a clean message's partial and section fetches untouched", async () => {
    const { scanner } = taggingScanner()
    await withProxy(plainProxy(dovecot.ports.imap, "imap", scanner), async (proxy) => {
      const direct = await session(dovecot.ports.imap)
      const via = await session(proxy.port)
      const spamSeq = 3
      // Partial and section fetches of spam: imap.partial.dovecot.test.ts.
      const hamSeq = 2
      const variants: Array<[string, boolean]> = [
        [`FETCH ${spamSeq} BODY[]`, true],
        [`FETCH ${spamSeq} RFC822`, true],
        [`FETCH ${spamSeq} BINARY.PEEK[]`, true],
        [`UID FETCH 1:* (UID FLAGS BODY.PEEK[])`, true],
        [`FETCH ${hamSeq} BODY.PEEK[]<0.100>`, false],
        [`FETCH ${hamSeq} BODY.PEEK[HEADER]`, false],
        [`FETCH ${hamSeq} BODY.PEEK[TEXT]`, false],
        [`FETCH ${hamSeq} BODY.PEEK[1]`, false],
        [`FETCH ${hamSeq} (RFC822.HEADER RFC822.SIZE ENVELOPE)`, false],
        [`FETCH 2:4 (BODY.PEEK[HEADER] BODY.PEEK[])`, true]
      ]
      for (const [command, rewrites] of variants) {
        const d = await direct.command(command)
        const p = await via.command(command)
        expect(p.status, command).toBe("OK")
        expect(p.literals.length, command).toBe(d.literals.length)
        expect(p.literals.length, command).toBeGreaterThan(0)
        p.literals.forEach((lit, i) => {
          const original = d.literals[i]!
          expect(lit.item, command).toBe(original.item)
          const whole = ["BODY[]", "RFC822", "BINARY[]"].includes(lit.item)
          if (rewrites && whole && original.bytes.includes("SPAMWORD")) {
            expect(lit.bytes.toString("latin1"), command).toBe(tag(original.bytes.toString("latin1")))
          } else {
            expect(lit.bytes.equals(original.bytes), command).toBe(true)
          }
        })
        if (!rewrites) expect(stable(p.raw), command).toBe(stable(d.raw))
      }
      direct.close()
      via.close()
    })
  })

  it("curl: ham is byte-identical to the direct fetch, spam is tagged", async () => {
    const { scanner } = taggingScanner()
    await withProxy(plainProxy(dovecot.ports.imap, "imap", scanner), async (proxy) => {
      const auth = ["--user", `${dovecot.user}:${dovecot.password}`]
      for (const uid of [1, 3]) {
        const direct = await curl(`imap://127.0.0.1:${dovecot.ports.imap}/INBOX;UID=${uid}`, auth)
        const via = await curl(`imap://127.0.0.1:${proxy.port}/INBOX;UID=${uid}`, auth)
        expect(direct.code, direct.stderr).toBe(0)
        expect(via.code, via.stderr).toBe(0)
        if (uid === 3) expect(via.stdout.toString("latin1")).toBe(tag(direct.stdout.toString("latin1")))
        else expect(via.stdout.equals(direct.stdout)).toBe(true)
      }
    })
  })

  it("fails open when the scanner throws or is too slow, and a slow scan does not block other connections", async () => {
    let slow = true
    const scanner: MessageScanner = async ({ bytes }) => {
      const text = Buffer.from(bytes).toString("latin1")
      if (text.includes("Hello 1.")) throw new Error("scanner exploded")
      if (text.includes("Hello 2.") && slow) await new Promise((r) => setTimeout(r, 1500))
      return { kind: "pass" }
    }
    await withProxy(
      plainProxy(dovecot.ports.imap, "imap", scanner, { limits: { scanTimeoutMs: 1000 } }),
      async (proxy) => {
        const a = await session(proxy.port)
        const b = await session(proxy.port)
        const direct = await session(dovecot.ports.imap)
        const reference = await direct.command("FETCH 1:2 BODY.PEEK[]")
        let slowDone = false
        const slowFetch = a.command("FETCH 2 BODY.PEEK[]").then((r) => {
          slowDone = true
          return r
        })
        const fast = await b.command("FETCH 5 BODY.PEEK[]")
        expect(fast.literals).toHaveLength(1)
        // The other connection was served while this one's scan was still hanging.
        expect(slowDone).toBe(false)
        const slowResult = await slowFetch
        expect(slowResult.literals[0]!.bytes.equals(reference.literals[1]!.bytes)).toBe(true)
        expect(proxy.logs.some((l) => l.includes("scanner timed out"))).toBe(true)
        const failed = await b.command("FETCH 1 BODY.PEEK[]")
        expect(failed.literals[0]!.bytes.equals(reference.literals[0]!.bytes)).toBe(true)
        expect(proxy.logs.some((l) => l.includes("scanner exploded"))).toBe(true)
        slow = false
        for (const c of [a, b, direct]) c.close()
      }
    )
  })

  it("streams a message over the size limit through unscanned", async () => {
    const { scanner, calls } = taggingScanner()
    await withProxy(
      plainProxy(dovecot.ports.imap, "imap", scanner, { limits: { maxMessageBytes: 200 } }),
      async (proxy) => {
        const direct = await session(dovecot.ports.imap)
        const via = await session(proxy.port)
        const d = await direct.command("FETCH 3 BODY.PEEK[]")
        const p = await via.command("FETCH 3 BODY.PEEK[]")
        expect(stable(p.raw)).toBe(stable(d.raw))
        expect(calls).toHaveLength(0)
        expect(proxy.logs.some((l) => l.includes("message_too_large_unscanned"))).toBe(true)
        direct.close()
        via.close()
      }
    )
  })

  it("auto mode detects IMAP from the greeting", async () => {
    const { scanner } = taggingScanner()
    await withProxy(plainProxy(dovecot.ports.imap, "auto", scanner), async (proxy) => {
      const via = await session(proxy.port)
      const p = await via.command("FETCH 3 BODY.PEEK[]")
      expect(p.literals[0]!.bytes.includes("X-Mailmoat-Spam: yes")).toBe(true)
      expect(proxy.logs.some((l) => l.includes('protocol="imap"'))).toBe(true)
      via.close()
    })
  })
})
