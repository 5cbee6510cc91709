// Partial and section fetches through the IMAP proxy in front of a real Dovecot: the proxy fetches
// the whole message itself (BODY.PEEK[]), judges it, and serves the client's pieces from the
// rewritten message when the scan rewrote it, untouched otherwise.
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { MessageScanner } from "../../src/proxy/index.ts"
import { ScanBudget } from "../../src/proxy/index.ts"
import { type Dovecot, startDovecot } from "./support/dovecot.ts"
import { ImapClient, type ImapReply } from "./support/imapClient.ts"
import { plainProxy, withProxy } from "./support/proxy.ts"
import { makeMessage, tag, taggingScanner } from "./support/tools.ts"

/** Spam whose only spam word comes at the end: a first piece alone shows nothing. */
const crafted = Buffer.from(
  [
    "From: crafted@example.test",
    "To: user@example.test",
    "Subject: read me in pieces",
    "Message-ID: <crafted@example.test>",
    "",
    ...Array.from({ length: 60 }, (_, k) => `innocent line ${k} of a long and harmless looking text`),
    "Buy now SPAMWORD cheap",
    ""
  ].join("\r\n"),
  "latin1"
)

const multipart = Buffer.from(
  [
    "From: attach@example.test",
    "To: user@example.test",
    "Subject: invoice",
    "MIME-Version: 1.0",
    'Content-Type: multipart/mixed; boundary="b1"',
    "",
    "--b1",
    "Content-Type: text/plain",
    "",
    "Please see the attachment.",
    "--b1",
    "Content-Type: application/octet-stream",
    "",
    "EVILPART payload bytes",
    "--b1--",
    ""
  ].join("\r\n"),
  "latin1"
)

// UIDs follow this order: 1 ham, 2 spam, 3 crafted spam, 4 ham, 5 multipart with a threat.
const messages = [makeMessage(1, { bodyLines: 40 }), makeMessage(2, { spam: true, bodyLines: 40 }), crafted]
messages.push(makeMessage(4, { bodyLines: 40 }), multipart)

/** Tags spam (taggingScanner) and replaces the part carrying EVILPART by a notice, as onThreat: replace does. */
const scanner = () => {
  const tagging = taggingScanner()
  const wrapped: MessageScanner = async (input) => {
    const text = Buffer.from(input.bytes).toString("latin1")
    if (!text.includes("EVILPART")) return tagging.scanner(input)
    tagging.calls.push(input.key)
    const replaced = text.replace(
      "Content-Type: application/octet-stream\r\n\r\nEVILPART payload bytes",
      "Content-Type: text/plain\r\n\r\nA threat was removed."
    )
    return { kind: "rewrite", bytes: Buffer.from(replaced, "latin1") }
  }
  return { scanner: wrapped, calls: tagging.calls }
}

let dovecot: Dovecot
beforeAll(async () => {
  dovecot = await startDovecot(messages)
})
afterAll(async () => {
  await dovecot?.stop()
})

const session = async (port: number, select = "EXAMINE") => {
  const c = await ImapClient.connect(port)
  await c.login(dovecot.user, dovecot.password)
  expect((await c.command(`${select} INBOX`)).status).toBe("OK")
  return c
}

const direct = async (command: string): Promise<ImapReply> => {
  const c = await session(dovecot.ports.imap)
  try {
    return await c.command(command)
  } finally {
    c.close()
  }
}

const whole = async (uid: number): Promise<Buffer> => (await direct(`UID FETCH ${uid} BODY.PEEK[]`)).literals[0]!.bytes

/** Fetches `uid` in pieces of `size` through `c` until a short piece; the pieces. */
const inPieces = async (c: ImapClient, uid: number, size: number, verb = "UID FETCH"): Promise<Array<Buffer>> => {
  const pieces: Array<Buffer> = []
  for (let origin = 0; ; origin += size) {
    const r = await c.command(`${verb} ${uid} BODY.PEEK[]<${origin}.${size}>`)
    expect(r.status).toBe("OK")
    expect(r.literals).toHaveLength(1)
    expect(r.literals[0]!.item).toBe(`BODY[]<${origin}>`)
    pieces.push(r.literals[0]!.bytes)
    if (r.literals[0]!.bytes.length < size) return pieces
  }
}

const flagsOf = async (uid: number): Promise<string> =>
  (await direct(`UID FETCH ${uid} FLAGS`)).raw.toString("latin1").match(/FLAGS \(([^)]*)\)/)![1]!

describe("IMAP proxy: partial and section fetches (Dovecot)", () => {
  it("a spam read in pieces is the tagged message in every piece; a clean one is the server's, byte for byte", async () => {
    const { scanner: scan, calls } = scanner()
    await withProxy(plainProxy(dovecot.ports.imap, "imap", scan), async (proxy) => {
      const via = await session(proxy.port)
      for (const uid of [2, 3]) {
        const original = await whole(uid)
        const pieces = await inPieces(via, uid, 500)
        expect(pieces.length).toBeGreaterThan(2)
        const tagged = Buffer.from(tag(original.toString("latin1")), "latin1")
        for (const [i, piece] of pieces.entries())
          expect(piece.equals(tagged.subarray(i * 500, i * 500 + 500)), `piece ${i}`).toBe(true)
        // The same bytes as a full fetch through the proxy.
        const full = await via.command(`UID FETCH ${uid} BODY.PEEK[]`)
        expect(Buffer.concat(pieces).equals(full.literals[0]!.bytes)).toBe(true)
      }
      const clean = await whole(1)
      const pieces = await inPieces(via, 1, 300)
      for (const [i, piece] of pieces.entries())
        expect(piece.equals(clean.subarray(i * 300, i * 300 + 300)), `piece ${i}`).toBe(true)
      // Each message was fetched and judged once, however many pieces (the full fetches hit the cache).
      expect(calls).toHaveLength(3)
      expect(proxy.logs.some((l) => l.includes("section_rewritten"))).toBe(true)
      via.close()
    })
  })

  it("FETCH by sequence number and the section items: HEADER, TEXT, HEADER.FIELDS, RFC822.HEADER, numbered parts", async () => {
    const { scanner: scan } = scanner()
    await withProxy(plainProxy(dovecot.ports.imap, "imap", scan), async (proxy) => {
      const via = await session(proxy.port)
      const original = (await whole(2)).toString("latin1")
      const tagged = tag(original)
      const split = tagged.indexOf("\r\n\r\n") + 4
      const seqPieces = await inPieces(via, 2, 700, "FETCH")
      expect(Buffer.concat(seqPieces).toString("latin1")).toBe(tagged)
      const r = await via.command(
        "FETCH 2 (BODY.PEEK[TEXT] BODY.PEEK[HEADER] BODY.PEEK[HEADER.FIELDS (Subject X-Mailmoat-Spam)] RFC822.HEADER BODY.PEEK[1]<5.20>)"
      )
      expect(r.status).toBe("OK")
      const byItem = new Map(r.literals.map((l) => [l.item, l.bytes.toString("latin1")]))
      expect(byItem.get("BODY[TEXT]")).toBe(tagged.slice(split))
      expect(byItem.get("BODY[HEADER]")).toBe(tagged.slice(0, split))
      expect(byItem.get("RFC822.HEADER")).toBe(tagged.slice(0, split))
      // (The test client names an item by its last word.)
      expect(byItem.get("X-MAILMOAT-SPAM)]")).toBe("X-Mailmoat-Spam: yes\r\nSubject: [SPAM] message 2\r\n\r\n")
      // The size a client reads pieces by is the tagged message's.
      const sized = await via.command("UID FETCH 2 (RFC822.SIZE BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
      expect(sized.raw.toString("latin1")).toContain(`RFC822.SIZE ${tagged.length} `)
      expect(sized.literals[0]!.bytes.toString("latin1")).toBe("Subject: [SPAM] message 2\r\n\r\n")
      // A tag changes the header alone: body parts are the server's.
      const d = await direct("FETCH 2 BODY.PEEK[1]<5.20>")
      expect(byItem.get("BODY[1]<5>")).toBe(d.literals[0]!.bytes.toString("latin1"))
      via.close()
    })
  })

  it("a message whose part the scan replaced: parts, TEXT and pieces come from the rewritten message", async () => {
    const { scanner: scan } = scanner()
    await withProxy(plainProxy(dovecot.ports.imap, "imap", scan), async (proxy) => {
      const via = await session(proxy.port)
      const r = await via.command(
        "UID FETCH 5 (BODY.PEEK[2] BINARY.PEEK[2] BODY.PEEK[2.MIME] BODY.PEEK[1] BODY.PEEK[TEXT] BODY.PEEK[]<0.40> BODY.PEEK[2]<2.5>)"
      )
      expect(r.status).toBe("OK")
      const byItem = new Map(r.literals.map((l) => [l.item, l.bytes.toString("latin1")]))
      expect(byItem.get("BODY[2]")).toBe("A threat was removed.")
      expect(byItem.get("BINARY[2]")).toBe("A threat was removed.")
      expect(byItem.get("BODY[2.MIME]")).toBe("Content-Type: text/plain\r\n\r\n")
      expect(byItem.get("BODY[2]<2>")).toBe("threa")
      expect(byItem.get("BODY[1]")).toBe("Please see the attachment.")
      const full = (await via.command("UID FETCH 5 BODY.PEEK[]")).literals[0]!.bytes.toString("latin1")
      expect(byItem.get("BODY[TEXT]")).toBe(full.slice(full.indexOf("\r\n\r\n") + 4))
      expect(byItem.get("BODY[]<0>")).toBe(full.slice(0, 40))
      expect(r.raw.toString("latin1")).not.toContain("EVILPART")
      // A part the rewritten message does not have: an empty string, logged.
      const none = await via.command("UID FETCH 5 BODY.PEEK[7]")
      expect(none.literals.map((l) => l.bytes.length)).toEqual([0])
      expect(proxy.logs.some((l) => l.includes("section_withheld"))).toBe(true)
      via.close()
    })
  })

  it("a header-only FETCH by sequence number is tagged as by UID, the number kept in step with EXPUNGE", async () => {
    const { scanner: scan } = scanner()
    await withProxy(plainProxy(dovecot.ports.imap, "imap", scan), async (proxy) => {
      // A mailbox of its own (the others read INBOX): 1 ham, 2 spam, 3 crafted spam, by number.
      const setup = await session(dovecot.ports.imap, "SELECT")
      expect((await setup.command("CREATE Numbers")).status).toBe("OK")
      expect((await setup.command("UID COPY 1:3 Numbers")).status).toBe("OK")
      expect((await setup.command("SELECT Numbers")).status).toBe("OK")
      const via = await ImapClient.connect(proxy.port)
      await via.login(dovecot.user, dovecot.password)
      expect((await via.command("SELECT Numbers")).status).toBe("OK")
      const subject = async (seq: number) => {
        const r = await via.command(`FETCH ${seq} BODY.PEEK[HEADER.FIELDS (SUBJECT)]`)
        expect(r.status).toBe("OK")
        return r.literals[0]!.bytes.toString("latin1").trim()
      }
      expect(await subject(2)).toBe("Subject: message 2")
      // Message 2 read in a piece by number: judged (tagged).
      expect((await via.command("FETCH 2 BODY.PEEK[]<0.100>")).status).toBe("OK")
      expect(await subject(2)).toBe("Subject: [SPAM] message 2")
      const header = (await via.command("FETCH 2 BODY.PEEK[HEADER]")).literals[0]!.bytes.toString("latin1")
      expect(header.startsWith("X-Mailmoat-Spam: yes\r\n")).toBe(true)
      // Another session expunges message 1: this one hears `* 1 EXPUNGE` and the spam is message 1.
      expect((await setup.command("STORE 1 +FLAGS.SILENT (\\Deleted)")).status).toBe("OK")
      expect((await setup.command("EXPUNGE")).status).toBe("OK")
      expect((await via.command("NOOP")).raw.toString("latin1")).toContain("* 1 EXPUNGE")
      expect(await subject(1)).toBe("Subject: [SPAM] message 2")
      expect(await subject(2)).toBe("Subject: read me in pieces")
      via.close()
      expect((await setup.command("UNSELECT")).status).toBe("OK")
      expect((await setup.command("DELETE Numbers")).status).toBe("OK")
      setup.close()
    })
  })

  it("the proxy's own fetch leaves \\Seen alone; the client's own non-PEEK fetch sets it as the server does", async () => {
    const { scanner: scan } = scanner()
    await withProxy(plainProxy(dovecot.ports.imap, "imap", scan), async (proxy) => {
      const via = await session(proxy.port, "SELECT")
      expect(await flagsOf(4)).not.toContain("\\Seen")
      const r = await via.command("UID FETCH 4 BODY.PEEK[TEXT]<0.50>")
      expect(r.status).toBe("OK")
      expect(await flagsOf(4)).not.toContain("\\Seen")
      expect(proxy.logs.some((l) => l.includes("section_rewritten"))).toBe(false)
      const seen = await via.command("UID FETCH 4 BODY[]<0.50>")
      expect(seen.status).toBe("OK")
      expect(await flagsOf(4)).toContain("\\Seen")
      await via.command("UID STORE 4 -FLAGS (\\Seen)")
      via.close()
    })
  })

  it("pipelined commands, a LITERAL+ command after a held fetch, and an unsolicited FETCH reach the client in order", async () => {
    const { scanner: scan } = scanner()
    await withProxy(plainProxy(dovecot.ports.imap, "imap", scan), async (proxy) => {
      const via = await session(proxy.port, "SELECT")
      const other = await session(dovecot.ports.imap, "SELECT")
      // A flag change made elsewhere: Dovecot tells this session with an unsolicited FETCH.
      expect((await other.command("UID STORE 1 +FLAGS (\\Flagged)")).status).toBe("OK")
      const tags = [
        via.send("UID FETCH 2 BODY.PEEK[]<0.100>"),
        via.send("NOOP"),
        via.send("UID FETCH 3 BODY.PEEK[TEXT]"),
        via.send("UID FETCH 2 BODY.PEEK[]<100.100>")
      ]
      via.wire.write("t99 UID SEARCH TEXT {8+}\r\nSPAMWORD\r\n")
      const replies = []
      for (const t of [...tags, "t99"]) replies.push(await via.reply(t))
      expect(replies.map((r) => r.status)).toEqual(["OK", "OK", "OK", "OK", "OK"])
      const tagged = tag((await whole(2)).toString("latin1"))
      expect(replies[0]!.literals[0]!.bytes.toString("latin1")).toBe(tagged.slice(0, 100))
      expect(replies[3]!.literals[0]!.bytes.toString("latin1")).toBe(tagged.slice(100, 200))
      const all = Buffer.concat(replies.map((r) => r.raw)).toString("latin1")
      // Dovecot may run the read-only UID SEARCH beside the fetches before it (RFC 3501 5.5), so
      // its untagged answer can come before an earlier command's completion: it must arrive, once,
      // and before t99's completion (the last reply), wherever the reader filed it.
      expect(all.match(/\* SEARCH 2 3\r\n/g)).toHaveLength(1)
      expect(all).toMatch(/\* 1 FETCH \(FLAGS \([^)]*\\Flagged/)
      // The proxy's own commands and their answers never reach the client.
      expect(all).not.toMatch(/RFC822\.SIZE|MM[A-Z0-9]+ OK/)
      await other.command("UID STORE 1 -FLAGS (\\Flagged)")
      other.close()
      via.close()
    })
  })

  it("over the scan limit, pieces pass as the server sends them (logged)", async () => {
    const { scanner: scan, calls } = scanner()
    await withProxy(
      plainProxy(dovecot.ports.imap, "imap", scan, { limits: { maxMessageBytes: 500 } }),
      async (proxy) => {
        const via = await session(proxy.port)
        const original = await whole(2)
        const pieces = await inPieces(via, 2, 1000)
        expect(Buffer.concat(pieces).equals(original)).toBe(true)
        expect(calls).toHaveLength(0)
        expect(proxy.logs.some((l) => l.includes("message_too_large_unscanned"))).toBe(true)
        via.close()
      }
    )
  })

  it("a response held to be served from a rewritten message counts in the budget: past it, the server's answer goes on whole", async () => {
    const { scanner: scan, calls } = scanner()
    const size = (await whole(2)).length
    // Room for the proxy's own fetch of message 2, not for an answer that carries it twice.
    const budget = new ScanBudget(size + 300)
    await withProxy(plainProxy(dovecot.ports.imap, "imap", scan, { limits: { scanBudget: budget } }), async (proxy) => {
      const via = await session(proxy.port)
      const command = `UID FETCH 2 (BODY.PEEK[TEXT] BODY.PEEK[]<0.${size + 100}>)`
      const r = await via.command(command)
      expect(r.status).toBe("OK")
      expect(calls).toHaveLength(1)
      const d = await direct(command)
      expect(r.literals.map((l) => [l.item, l.bytes.toString("latin1")])).toEqual(
        d.literals.map((l) => [l.item, l.bytes.toString("latin1")])
      )
      expect(proxy.logs.some((l) => l.includes("scan_budget_exhausted_unserved"))).toBe(true)
      expect(budget.used).toBe(0)
      // An answer that fits is served from the tagged message.
      const piece = await via.command("UID FETCH 2 BODY.PEEK[]<0.200>")
      expect(piece.literals[0]!.bytes.toString("latin1")).toBe(tag((await whole(2)).toString("latin1")).slice(0, 200))
      expect(budget.used).toBe(0)
      via.close()
    })
  })

  it("a spent scan budget: a partial fetch gets NO [UNAVAILABLE] and the session goes on; a full fetch streams unscanned", async () => {
    const { scanner: scan } = scanner()
    const budget = new ScanBudget(1000)
    await withProxy(plainProxy(dovecot.ports.imap, "imap", scan, { limits: { scanBudget: budget } }), async (proxy) => {
      const via = await session(proxy.port)
      const r = await via.command("UID FETCH 2 BODY.PEEK[]<0.100>")
      expect(r.status).toBe("NO")
      expect(r.raw.toString("latin1")).toContain("NO [UNAVAILABLE]")
      expect(r.literals).toHaveLength(0)
      expect(proxy.logs.some((l) => l.includes("scan_budget_exhausted"))).toBe(true)
      const full = await via.command("UID FETCH 2 BODY.PEEK[]")
      expect(full.literals[0]!.bytes.equals(await whole(2))).toBe(true)
      expect(proxy.logs.some((l) => l.includes("scan_budget_exhausted_unscanned"))).toBe(true)
      expect((await via.command("NOOP")).status).toBe("OK")
      expect(budget.used).toBe(0)
      via.close()
    })
  })
})
