// The gateway relaying to a real Postfix smtpd, which offers CHUNKING (RFC 3030): a message the
// spool's head holds whole goes downstream as one BDAT ... LAST (Postfix's log counts "bdat=1"),
// a larger one by DATA; our 250 still comes only after Postfix's, a refusal at BDAT reaches the
// client as Postfix gave it, and the pooled connection carries the next message after an RSET.
// A downstream that drops the connection at the BDAT (our raw sink) costs the client a 451, never a 250.
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import type { RunningGateway } from "../src/index.ts"
import { gateway, PostfixServer, postfixAvailable, RawSink, REFUSED_SUBJECT, sendRaw } from "./support/peers.ts"

/**
 * The smtpd session summaries in Postfix's log ("ehlo=1 mail=1 rcpt=1 bdat=1 ..."), in order, once
 * `done` holds for them (or after 10 s): smtpd logs a session's end through its log daemon, a
 * moment after our QUIT has been answered.
 */
const sessions = async (done: (found: Array<string>) => boolean): Promise<Array<string>> => {
  const deadline = Date.now() + 10_000
  for (;;) {
    const found = [...postfix.log().matchAll(/postfix\/smtpd\[\d+\]: disconnect from \S+ (ehlo=.*)$/gm)].map(
      (m) => m[1]!
    )
    if (done(found) || Date.now() > deadline) return found
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** A gateway relaying to Postfix; closed and made anew to see a test's downstream session end. */
const relaying = (): Promise<RunningGateway> =>
  gateway({
    delivery: { downstream: { host: "127.0.0.1", port: postfix.port } },
    classifier: { enabled: false }
  })
let postfix: PostfixServer

describe.skipIf(!postfixAvailable())("relay to a Postfix smtpd that offers CHUNKING", () => {
  let gw: RunningGateway
  beforeAll(async () => {
    postfix = await PostfixServer.start()
    gw = await relaying()
  }, 30_000)
  afterAll(async () => {
    await gw?.close()
    await postfix?.stop()
  })

  test("messages go as BDAT ... LAST on one pooled connection; Postfix stores them as sent", async () => {
    for (const n of [1, 2, 3]) {
      const r = await sendRaw(
        gw.smtp.port,
        { from: "s@client.test", to: ["u@example.test"] },
        // Dot-stuffed on the client's wire: the message's lines are ".leading dot" and "..two dots".
        `Subject: chunk ${n}\r\nMessage-ID: <c${n}@client.test>\r\n\r\n..leading dot ${n}\r\n...two dots\r\nlast`
      )
      expect(r.data).toMatch(/^250 /)
    }
    const files = await postfix.waitDelivered(3)
    for (const n of [1, 2, 3]) {
      const file = files.find((f) => f.includes(`Subject: chunk ${n}\n`))!
      expect(file).toMatch(/Received: from client\.test \(\[127\.0\.0\.1\]\)\n\tby gw\.test \(Mailmoat\) with ESMTP id/)
      expect(file, file).toMatch(new RegExp(`\n\n\\.leading dot ${n}\n\\.\\.two dots\nlast\n$`))
    }
    await gw.close()
    gw = await relaying()
    // The three messages took one downstream connection (the pool), each its own BDAT.
    expect(await sessions((f) => f.length >= 1)).toEqual(["ehlo=1 mail=3 rcpt=3 bdat=3 quit=1 commands=11"])
  })

  test("a refusal at BDAT reaches the client (5xx, never 250); the connection is reset before it carries the next message", async () => {
    const before = (await sessions(() => true)).length
    const refused = await sendRaw(
      gw.smtp.port,
      { from: "s@client.test", to: ["u@example.test"] },
      `Subject: ${REFUSED_SUBJECT}\r\n\r\nbody`
    )
    expect(refused.data).toMatch(/^550 5\.7\.1 /)
    const ok = await sendRaw(
      gw.smtp.port,
      { from: "s@client.test", to: ["u@example.test"] },
      "Subject: after the refusal\r\nMessage-ID: <after@client.test>\r\n\r\nbody"
    )
    expect(ok.data).toMatch(/^250 /)
    const files = await postfix.waitDelivered(4)
    expect(files.filter((f) => f.includes("Subject: after the refusal\n"))).toHaveLength(1)
    expect(files.some((f) => f.includes(`Subject: ${REFUSED_SUBJECT}\n`))).toBe(false)
    await gw.close()
    gw = await relaying()
    // The refused transaction was reset before its connection carried another (or went back to the
    // pool: the next client may have found the pool empty while the RSET was under way).
    const rset = /^ehlo=1 mail=\d rcpt=\d bdat=(0\/1|1\/2) rset=1 quit=1 /
    const found = await sessions((f) => f.slice(before).some((x) => rset.test(x)))
    expect(found.slice(before).filter((x) => rset.test(x))).toHaveLength(1)
  })

  test("a message larger than the spool's head goes by DATA, whole", async () => {
    const before = postfix.delivered().length
    const line = `${"y".repeat(76)}\r\n`
    const body = line.repeat(Math.ceil((1.5 * 1024 * 1024) / line.length))
    const r = await sendRaw(
      gw.smtp.port,
      { from: "s@client.test", to: ["u@example.test"] },
      `Subject: large\r\nMessage-ID: <large@client.test>\r\n\r\n${body}`
    )
    expect(r.data).toMatch(/^250 /)
    const files = await postfix.waitDelivered(before + 1)
    const file = files.find((f) => f.includes("Subject: large\n"))!
    // sendRaw ends the data with CRLF.CRLF after the body: one empty line more.
    expect(file.endsWith(`\n\n${body.replace(/\r\n/g, "\n")}\n`)).toBe(true)
    await gw.close()
    gw = await relaying()
    const found = await sessions((f) => f.some((x) => x.includes(" data=1 ")))
    expect(found.filter((x) => x.includes(" data=1 "))).toEqual(["ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5"])
  })
})

describe("relay with BDAT to a downstream that drops the connection", () => {
  test("dropped at the BDAT: 451 at our DATA, never 250; the client's retry is delivered", async () => {
    let drops = 1
    const sink = await RawSink.start({
      extensions: ["PIPELINING", "CHUNKING"],
      dropOn: (line) => line.startsWith("BDAT ") && drops-- > 0
    })
    const gw = await gateway({
      delivery: { downstream: { host: "127.0.0.1", port: sink.port } },
      classifier: { enabled: false }
    })
    try {
      const message = "Subject: dropped once\r\nMessage-ID: <d@client.test>\r\n\r\nbody"
      const first = await sendRaw(gw.smtp.port, { from: "s@client.test", to: ["u@example.test"] }, message)
      expect(first.data).toMatch(/^451 4\.4\.2 /)
      expect(sink.messages).toEqual([])
      const retry = await sendRaw(gw.smtp.port, { from: "s@client.test", to: ["u@example.test"] }, message)
      expect(retry.data).toMatch(/^250 /)
      expect(sink.messages.map((m) => m.bdat.length)).toEqual([1])
    } finally {
      await gw.close()
      await sink.stop()
    }
  }, 30_000)
})
