// The gateway in its embedded default mode (local Maildir), per-recipient actions executed through
// real SMTP sessions, the quarantine on disk, status/protection, and graceful shutdown.
import type { RecipientOutcome, Verdict } from "@mailmoat/core"
import { Action } from "@mailmoat/core"
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import * as net from "node:net"
import { join } from "node:path"
import { FileQuarantineStore } from "@mailmoat/platform-node"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import type { Evaluate } from "../src/GatewayHandler.ts"
import type { RunningGateway } from "../src/index.ts"
import { gateway, RawClient, sendRaw, swaks } from "./support/peers.ts"

// The header block every real client writes (RFC 5322 §3.6: From and Date are required): these
// tests are about delivery, and a message without From is rightly scored by the classifier.
const wellFormed = (id: string) =>
  `From: Sender <s@client.test>\r\nDate: Thu, 03 Dec 2026 09:00:00 +0000\r\nMessage-ID: <${id}@client.test>\r\n`

const verdict = (cls: Verdict["class"]): Verdict => ({
  class: cls,
  score: cls === "spam" ? 10 : 0,
  symbols: [],
  trace: []
})

/** A test evaluator: the recipient's local part says what to do. */
const byLocalPart: Evaluate = async (envelope) => byLocalPartNow(envelope)

/** `byLocalPart`'s outcomes at once, without a promise. */
const byLocalPartNow = (envelope: Parameters<Evaluate>[0]): ReadonlyArray<RecipientOutcome> =>
  envelope.rcptTo.map((recipient): RecipientOutcome => {
    const local = recipient.split("@")[0]!
    const action =
      local === "quarantine"
        ? Action.quarantine("spam")
        : local === "reject"
          ? Action.reject("spam")
          : local === "drop"
            ? Action.drop("spam")
            : local === "unsure"
              ? Action.tempfail("unsure")
              : local === "tag"
                ? Action.deliver([["X-Mailmoat-Verdict", "spam"]], "[SPAM]")
                : Action.deliver([["X-Mailmoat-Verdict", "ham"]])
    return { recipient, verdict: verdict(local === "ham" ? "ham" : "spam"), action, rule: `test: ${local}` }
  })

const files = (dir: string): Array<string> => (existsSync(dir) ? readdirSync(dir) : [])
const newMail = (gw: RunningGateway, rcpt: string) => files(join(gw.settings.dataDir, "maildir", rcpt, "new"))
/** The quarantine as `mailmoat quarantine` sees it: each entry's metadata and message text. */
const quarantined = async (gw: RunningGateway) => {
  const store = FileQuarantineStore.make({ root: gw.settings.quarantine.path })
  const page = await store.list({ limit: 1000 })
  return Promise.all(
    page.entries.map(async (meta) => {
      const chunks: Array<Uint8Array> = []
      for await (const c of (await store.get(meta.id)).stream()) chunks.push(c)
      return { ...meta, text: Buffer.concat(chunks).toString("latin1") }
    })
  )
}

describe("Maildir mode (embedded default)", () => {
  let gw: RunningGateway
  beforeAll(async () => {
    gw = await gateway({}, {})
  })
  afterAll(() => gw?.close())

  test("250 after the file is in <maildir>/<rcpt>/new, with our Received header first", async () => {
    const r = await sendRaw(
      gw.smtp.port,
      { from: "s@client.test", to: ["Box@Example.test"] },
      `${wellFormed("md")}Subject: md\r\n\r\nhello\r\n..dot`
    )
    expect(r.data).toMatch(/^250 2\.0\.0 Ok: queued as /)
    const [name] = newMail(gw, "box@example.test")
    expect(name).toMatch(/,S=\d+$/)
    const text = readFileSync(join(gw.settings.dataDir, "maildir", "box@example.test", "new", name!), "latin1")
    expect(text).toMatch(
      /^Received: from client\.test \(\[127\.0\.0\.1\]\)\r\n\tby gw\.test \(Mailmoat\) with ESMTP id /
    )
    expect(text.endsWith("Subject: md\r\n\r\nhello\r\n.dot\r\n")).toBe(true)
    expect(files(join(gw.settings.dataDir, "maildir", "box@example.test", "tmp"))).toEqual([])
    expect(gw.status().delivery).toBe(`maildir ${join(gw.settings.dataDir, "maildir")}`)
  })

  test("a Maildir that cannot be written => 451, nothing half-delivered", async () => {
    await sendRaw(
      gw.smtp.port,
      { from: "s@client.test", to: ["broken@example.test"] },
      `${wellFormed("b1")}Subject: 1\r\n\r\nx`
    )
    const box = join(gw.settings.dataDir, "maildir", "broken@example.test")
    rmSync(join(box, "new"), { recursive: true })
    writeFileSync(join(box, "new"), "not a directory")
    const failuresBefore = gw.status().counters.deliveryFailures ?? 0
    const r = await sendRaw(
      gw.smtp.port,
      { from: "s@client.test", to: ["broken@example.test"] },
      `${wellFormed("b2")}Subject: 2\r\n\r\nx`
    )
    expect(r.data).toMatch(/^451 4\.3\.0 /)
    expect(files(join(box, "tmp"))).toEqual([])
    expect((gw.status().counters.deliveryFailures ?? 0) - failuresBefore).toBe(1)
  })

  test("status: the embedded defaults run the antispam module => protected, each part listed", () => {
    const s = gw.status()
    expect(s.modules.antispam).toMatchObject({
      enabled: true,
      state: "on",
      tempReject: { enabled: false, store: expect.any(String) }
    })
    expect(s.protected).toBe(true)
  })
})

describe("per-recipient actions through SMTP", () => {
  let gw: RunningGateway
  beforeAll(async () => {
    gw = await gateway({}, { evaluate: byLocalPart })
  })
  afterAll(() => gw?.close())

  const send = (to: ReadonlyArray<string>, subject: string) =>
    sendRaw(gw.smtp.port, { from: "s@client.test", to }, `Subject: ${subject}\r\n\r\nbody`)

  test("deliver adds the action's headers", async () => {
    expect((await send(["ham@example.test"], "ham")).data).toMatch(/^250 /)
    const [name] = newMail(gw, "ham@example.test")
    const text = readFileSync(join(gw.settings.dataDir, "maildir", "ham@example.test", "new", name!), "latin1")
    expect(text).toMatch(/^Received: [\s\S]*?\r\nX-Mailmoat-Verdict: ham\r\nSubject: ham\r\n/)
  })

  test("tag: subject prefixed, forged X-Mailmoat-* headers from the client removed, body untouched", async () => {
    const body = `Subject: cheap pills\r\nX-Mailmoat-Verdict: ham\r\nx-mailmoat-score: -100\r\nFrom: a@b.test\r\n\r\n${"line\r\n".repeat(3000)}end`
    expect((await sendRaw(gw.smtp.port, { from: "s@client.test", to: ["tag@example.test"] }, body)).data).toMatch(
      /^250 /
    )
    const [name] = newMail(gw, "tag@example.test")
    const text = readFileSync(join(gw.settings.dataDir, "maildir", "tag@example.test", "new", name!), "latin1")
    expect(text).toMatch(
      /^Received: [\s\S]*?\r\nX-Mailmoat-Verdict: spam\r\nSubject: \[SPAM\] cheap pills\r\nFrom: a@b\.test\r\n\r\n/
    )
    expect(text.match(/x-mailmoat-/gi)).toHaveLength(1)
    expect(text.endsWith(`${"line\r\n".repeat(3000)}end\r\n`)).toBe(true)
  })

  test("quarantine => 250, message and metadata stored, not delivered", async () => {
    expect((await send(["quarantine@example.test"], "q1")).data).toMatch(/^250 /)
    expect(newMail(gw, "quarantine@example.test")).toEqual([])
    const q = (await quarantined(gw)).find((m) => m.recipients.includes("quarantine@example.test"))
    expect(q).toMatchObject({
      reason: "spam",
      envelope: { mailFrom: "s@client.test", clientAddress: "127.0.0.1" },
      verdict: { class: "spam" }
    })
    expect(q?.text).toContain("Subject: q1")
  })

  test("reject => 550 5.7.1; drop => 250 and nothing kept; tempfail => 451 4.7.1", async () => {
    expect((await send(["reject@example.test"], "r")).data).toMatch(/^550 5\.7\.1 /)
    const before = (await quarantined(gw)).length
    expect((await send(["drop@example.test"], "d")).data).toMatch(/^250 /)
    expect(newMail(gw, "drop@example.test")).toEqual([])
    expect((await quarantined(gw)).length).toBe(before)
    expect((await send(["unsure@example.test"], "u")).data).toMatch(/^451 4\.7\.1 /)
    expect(gw.status().counters).toMatchObject({ messagesRejected: 1, messagesTempfailed: 1 })
  })

  test("split recipients: one delivered, one quarantined => 250 and both done", async () => {
    expect((await send(["ham2@example.test", "quarantine@example.test"], "split")).data).toMatch(/^250 /)
    expect(newMail(gw, "ham2@example.test")).toHaveLength(1)
    expect(
      (await quarantined(gw)).some(
        (m) => m.recipients.join() === "quarantine@example.test" && m.text.includes("Subject: split")
      )
    ).toBe(true)
  })

  test("split recipients: reject for one, deliver for another => 250, the rejected one is quarantined (no bounce, no loss)", async () => {
    expect((await send(["ham3@example.test", "reject@example.test"], "mixed-reject")).data).toMatch(/^250 /)
    expect(newMail(gw, "ham3@example.test")).toHaveLength(1)
    const q = (await quarantined(gw)).find((m) => m.text.includes("Subject: mixed-reject"))
    expect(q?.recipients).toEqual(["reject@example.test"])
    expect(q?.reason).toMatch(/^rejected for this recipient/)
  })

  test("a tempfail for any recipient => 451 for the message, nothing stored for anyone", async () => {
    expect((await send(["ham4@example.test", "unsure@example.test"], "t")).data).toMatch(/^451 4\.7\.1 /)
    expect(newMail(gw, "ham4@example.test")).toEqual([])
  })

  test("status: antispam on => protected", () => {
    expect(gw.status()).toMatchObject({ protected: true, modules: { antispam: { enabled: true, state: "on" } } })
  })
})

describe("evaluator failures and antispam off", () => {
  const failing: ReadonlyArray<readonly [string, Evaluate]> = [
    ["rejects", async () => Promise.reject(new Error("boom"))],
    [
      "throws at once (no promise)",
      () => {
        throw new Error("boom")
      }
    ]
  ]
  test.each(failing)("an evaluator that %s => 451 4.7.1, nothing delivered", async (_, evaluate) => {
    const gw = await gateway({}, { evaluate })
    try {
      const r = await sendRaw(gw.smtp.port, { from: "s@client.test", to: ["x@example.test"] }, "Subject: t\r\n\r\nb")
      expect(r.data).toMatch(/^451 4\.7\.1 /)
      expect(newMail(gw, "x@example.test")).toEqual([])
    } finally {
      await gw.close()
    }
  })

  test("an evaluator that answers at once (no promise): its actions are carried out", async () => {
    const gw = await gateway({}, { evaluate: (e) => byLocalPartNow(e) })
    try {
      const r = await sendRaw(
        gw.smtp.port,
        { from: "s@client.test", to: ["ham@example.test", "reject@example.test"] },
        `${wellFormed("now")}Subject: t\r\n\r\nb`
      )
      expect(r.data).toMatch(/^250 /)
      expect(newMail(gw, "ham@example.test")).toHaveLength(1)
      expect(newMail(gw, "reject@example.test")).toEqual([])
    } finally {
      await gw.close()
    }
  })

  test("antispam.enabled false: nothing scanned, delivered as is, still protected", async () => {
    let called = 0
    const gw = await gateway(
      { antispam: { enabled: false } },
      {
        evaluate: async (e, s) => {
          called++
          return byLocalPart(e, s)
        }
      }
    )
    try {
      const r = await sendRaw(
        gw.smtp.port,
        { from: "s@client.test", to: ["reject@example.test"] },
        "Subject: t\r\n\r\nb"
      )
      expect(r.data).toMatch(/^250 /)
      expect(called).toBe(0)
      expect(gw.status()).toMatchObject({ protected: true, modules: { antispam: { enabled: false, state: "off" } } })
    } finally {
      await gw.close()
    }
  })
})

describe("graceful shutdown", () => {
  test("a transaction in flight finishes with 250; then the port is closed", async () => {
    const gw = await gateway()
    const c = await RawClient.connect(gw.smtp.port)
    await c.waitFor(/^220 /m)
    c.write("EHLO c.test\r\n")
    await c.waitFor(/^250 /m)
    c.write("MAIL FROM:<s@client.test>\r\n")
    await c.waitFor(/^250 2\.1\.0 /m)
    c.write("RCPT TO:<late@example.test>\r\n")
    await c.waitFor(/^250 2\.1\.5 /m)
    const closing = gw.close()
    c.write("DATA\r\n")
    await c.waitFor(/^354 /m)
    c.write(`${wellFormed("late")}Subject: late\r\n\r\nstill delivered\r\n.\r\n`)
    await c.waitFor(/^250 2\.0\.0 Ok/m)
    await c.waitFor(/^421 /m)
    await closing
    expect(newMail(gw, "late@example.test")).toHaveLength(1)
    const refused = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: "127.0.0.1", port: gw.smtp.port })
      s.once("connect", () => {
        s.destroy()
        resolve(false)
      })
      s.once("error", () => resolve(true))
    })
    expect(refused).toBe(true)
  })
})

describe("Maildir local domains (delivery.maildir.domains)", () => {
  test("swaks: a recipient outside the local domains gets 550 5.1.1 at RCPT and no mailbox is made", async () => {
    const gw = await gateway({ delivery: { maildir: { domains: ["example.test", "Second.Example"] } } })
    try {
      const root = join(gw.settings.dataDir, "maildir")
      const out = await swaks(gw.smtp.port, [
        "--from",
        "s@client.test",
        "--to",
        "user@elsewhere.test",
        "--quit-after",
        "RCPT"
      ])
      expect(out.out).toMatch(
        /<\*\* 550 5\.1\.1 <user@elsewhere\.test>: recipient address rejected: not a local domain here/
      )
      // One accepted and one refused recipient: the message goes to the local one only.
      const both = await swaks(gw.smtp.port, [
        "--from",
        "s@client.test",
        "--to",
        "user@EXAMPLE.test,spoof@example.test.evil.test,box@second.example",
        "--header",
        "Subject: domains"
      ])
      expect(both.out).toMatch(/<\*\* 550 5\.1\.1 <spoof@example\.test\.evil\.test>/)
      expect(both.out).toMatch(/<- {2}250 2\.0\.0 /)
      expect(files(root).sort()).toEqual(["box@second.example", "user@example.test"])
      // The RFC 5321 postmaster without a domain is always taken.
      const pm = await sendRaw(gw.smtp.port, { from: "s@client.test", to: ["postmaster"] }, "Subject: pm\r\n\r\nhi\r\n")
      expect(pm.rcpt[0]).toMatch(/^250 /)
    } finally {
      await gw.close()
    }
  }, 60_000)
})
