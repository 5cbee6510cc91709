// The gateway in before-queue relay mode, end to end with real peers on loopback:
// swaks -> gateway -> Postfix smtp-sink (plain and STARTTLS client sessions), counts, downstream
// faults (smtp-sink failing DATA or swallowing the reply: 4xx, never 250), downstream stopped mid-way, per-recipient RCPT refusals, and the
// exact wire bytes relayed (our raw sink).
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import type { RunningGateway } from "../src/index.ts"
import { freePort, gateway, makeCert, RawSink, SmtpSink, sendRaw, swaks, tempDir } from "./support/peers.ts"

// Delivery mechanics only: the classifier stays out of the way of these synthetic one-line messages
// (antispam itself is covered by antispam-e2e.test.ts and plugins.test.ts).
const relayTo = (port: number, extra: Record<string, unknown> = {}) => ({
  delivery: { downstream: { host: "127.0.0.1", port, ...extra } },
  classifier: { enabled: false }
})
const base = ["--from", "sender@client.test", "--helo", "client.test"]

// The cases of a describe share a gateway and its sink: each counts the dumps carrying its own
// Subject (`dumpWith` wants exactly one), not the sink's total, which a message a failed case's
// session was still relaying when the case ended would raise.
describe("relay to smtp-sink", () => {
  const cert = makeCert()
  const certDir = tempDir()
  let sink: SmtpSink
  let gw: RunningGateway
  beforeAll(async () => {
    const { writeFileSync } = await import("node:fs")
    writeFileSync(`${certDir}/cert.pem`, cert.cert)
    writeFileSync(`${certDir}/key.pem`, cert.key)
    sink = await SmtpSink.start()
    gw = await gateway({
      ...relayTo(sink.port),
      smtp: { tls: { certFile: `${certDir}/cert.pem`, keyFile: `${certDir}/key.pem` } }
    })
  })
  afterAll(async () => {
    await gw?.close()
    await sink?.stop()
  })

  test("a plain swaks session: 250 only after smtp-sink's 250; our Received header carries the client IP", async () => {
    const r = await swaks(gw.smtp.port, [...base, "--to", "rcpt@example.test", "--header", "Subject: plain"])
    expect(r.code, r.out).toBe(0)
    expect(r.out).toMatch(/<- {2}250 2\.0\.0 Ok: queued as /)
    const dump = sink.dumpWith("Subject: plain")
    expect(dump).toMatch(
      /Received: from client\.test \(\[127\.0\.0\.1\]\)\n\tby gw\.test \(Mailmoat\) with ESMTP id \S+\n\tfor <rcpt@example\.test>;/
    )
    expect(dump).toContain("X-Mail-Args: <sender@client.test>")
    expect(dump).toContain("Subject: plain")
  })

  test("a STARTTLS swaks session is relayed, Received says ESMTPS", async () => {
    const r = await swaks(gw.smtp.port, [...base, "--to", "tls@example.test", "--tls", "--header", "Subject: over tls"])
    expect(r.code, r.out).toBe(0)
    expect(r.out).toContain("TLS started")
    expect(sink.dumpWith("Subject: over tls")).toMatch(/with ESMTPS id/)
  })

  test("N = 30 messages sent == 30 delivered at the sink", async () => {
    const results = []
    for (let i = 0; i < 30; i++)
      results.push(
        await sendRaw(
          gw.smtp.port,
          { from: "s@client.test", to: [`n${i}@example.test`] },
          `Subject: n${i}\r\n\r\nbody ${i}`
        )
      )
    expect(results.filter((r) => r.data.startsWith("250"))).toHaveLength(30)
    const subjects = sink
      .dumps()
      .map((d) => /^Subject: (n\d+)$/m.exec(d)?.[1])
      .filter((s) => s !== undefined)
      .sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)))
    expect(subjects).toEqual(Array.from({ length: 30 }, (_, i) => `n${i}`))
  })

  test("multi-recipient message: one downstream transaction, all recipients", async () => {
    const r = await swaks(gw.smtp.port, [
      ...base,
      "--to",
      "a@example.test,b@example.test,c@example.test",
      "--header",
      "Subject: multi"
    ])
    expect(r.code, r.out).toBe(0)
    const dump = sink.dumpWith("Subject: multi")
    expect(dump.match(/X-Rcpt-Args: /g)).toHaveLength(3)
    expect(dump).not.toMatch(/\tfor </)
  })

  test("admin API: /status says where mail goes, /metrics counts what this test sent", async () => {
    // A gateway of this case's own: the counters are the gateway's, and a session another case
    // left running (a case that timed out keeps sending) would move the shared gateway's.
    const own = await gateway({
      ...relayTo(sink.port),
      smtp: { tls: { certFile: `${certDir}/cert.pem`, keyFile: `${certDir}/key.pem` } }
    })
    try {
      const admin = `http://127.0.0.1:${own.admin!.port}`
      const counter = (text: string, name: string) =>
        Number(new RegExp(`^${name} (\\d+)$`, "m").exec(text)?.[1] ?? Number.NaN)
      const statusBefore = (await (await fetch(`${admin}/status`)).json()) as Record<string, any>
      const metricsBefore = await (await fetch(`${admin}/metrics`)).text()
      for (let i = 0; i < 2; i++) {
        const r = await sendRaw(
          own.smtp.port,
          { from: "s@client.test", to: [`count${i}@example.test`] },
          `Subject: count ${i}\r\n\r\nx`
        )
        expect(r.data).toMatch(/^250 /)
      }
      const status = (await (await fetch(`${admin}/status`)).json()) as Record<string, any>
      expect(status.delivery).toContain(`smtp://127.0.0.1:${sink.port}`)
      expect(status.smtp.tls).toBe(true)
      expect(status.counters.messagesAccepted - statusBefore.counters.messagesAccepted).toBe(2)
      const metrics = await (await fetch(`${admin}/metrics`)).text()
      expect(
        counter(metrics, "mailmoat_messages_accepted_total") -
          counter(metricsBefore, "mailmoat_messages_accepted_total")
      ).toBe(2)
      expect(
        counter(metrics, "mailmoat_connections_total") - counter(metricsBefore, "mailmoat_connections_total")
      ).toBe(2)
      expect((await fetch(`${admin}/nope`)).status).toBe(404)
    } finally {
      await own.close()
    }
  })
})

describe("downstream faults: the client gets 4xx (or the downstream's 5xx), never 250-and-lost", () => {
  const withSink = async (flags: ReadonlyArray<string>, to: ReadonlyArray<string> = ["u@example.test"]) => {
    const sink = await SmtpSink.start(flags)
    const gw = await gateway(relayTo(sink.port))
    try {
      const r = await sendRaw(gw.smtp.port, { from: "s@client.test", to }, "Subject: fault\r\n\r\nx")
      return { ...r, delivered: sink.delivered(), status: gw.status() }
    } finally {
      await gw.close()
      await sink.stop()
    }
  }

  test("-Q DATA (downstream 421 at DATA) => 451", async () => {
    const r = await withSink(["-Q", "DATA"])
    expect(r.rcpt[0]).toMatch(/^250/)
    expect(r.data).toMatch(/^451 /)
  })

  test("-Q . (421 after the data) => 451", async () => {
    const r = await withSink(["-Q", "."])
    expect(r.data).toMatch(/^451 /)
  })

  test("-q . (reply lost after the data: ambiguous hand-off) => 451 4.4.2 (a retry may duplicate, never lose)", async () => {
    const r = await withSink(["-q", "."])
    expect(r.data).toMatch(/^451 4\.4\.2 /)
  })

  test("-r . (4xx to the data) => 4xx", async () => {
    const r = await withSink(["-r", "."])
    // (smtp-sink still dumps what it refused, so its dump count says nothing here)
    expect(r.data).toMatch(/^45\d /)
  })

  test("-f . (5xx to the data) => the 5xx is passed back", async () => {
    const r = await withSink(["-f", "."])
    expect(r.data).toMatch(/^500 5\.3\.0 Downstream: /)
  })

  test("-f RCPT: the downstream's refusal is passed back at RCPT, per recipient", async () => {
    const r = await withSink(["-f", "RCPT"], ["a@example.test", "b@example.test"])
    expect(r.rcpt).toEqual([
      expect.stringMatching(/^500 5\.3\.0 Downstream: /),
      expect.stringMatching(/^500 5\.3\.0 Downstream: /)
    ])
    expect(r.data).toMatch(/^554 5\.5\.1/)
  })

  test("-r RCPT: temporary refusal at RCPT passed back as 4xx", async () => {
    const r = await withSink(["-r", "RCPT"])
    expect(r.rcpt[0]).toMatch(/^450 /)
  })

  test("downstream not running: 451 4.4.1 at RCPT", async () => {
    const gw = await gateway(relayTo(await freePort()))
    try {
      const r = await sendRaw(gw.smtp.port, { from: "s@client.test", to: ["u@example.test"] }, "Subject: x\r\n\r\nx")
      expect(r.rcpt[0]).toMatch(/^451 4\.4\.1 /)
    } finally {
      await gw.close()
    }
  })

  test("downstream killed mid-way through a run: every 250 is at the sink, the rest got 4xx", async () => {
    const sink = await SmtpSink.start()
    const gw = await gateway(relayTo(sink.port))
    try {
      const replies: Array<string> = []
      for (let i = 0; i < 20; i++) {
        if (i === 10) await sink.stop(true)
        const r = await sendRaw(
          gw.smtp.port,
          { from: "s@client.test", to: [`k${i}@example.test`] },
          `Subject: k${i}\r\n\r\nx`
        )
        replies.push(r.rcpt[0]!.startsWith("250") ? r.data : r.rcpt[0]!)
      }
      const ok = replies.filter((r) => r.startsWith("250")).length
      expect(ok).toBe(10)
      expect(sink.delivered()).toBe(ok)
      for (const r of replies.slice(10)) expect(r).toMatch(/^4\d\d /)
    } finally {
      await gw.close()
      await sink.stop()
    }
  })
})

describe("relay wire bytes (raw sink): no bare CR/LF/NUL, dot-stuffed", () => {
  let sink: RawSink
  let gw: RunningGateway
  beforeAll(async () => {
    sink = await RawSink.start()
    gw = await gateway(relayTo(sink.port))
  })
  afterAll(async () => {
    await gw?.close()
    await sink?.stop()
  })

  test("smuggling forms sent by the client are neutralised before relay (bare CR/LF and dot lines)", async () => {
    const bodies = [
      "Subject: s\r\n\r\nA\n.\r\nMAIL FROM:<evil@x>\r\nB",
      "Subject: s\r\n\r\nA\r.\rB\n.\nC",
      "Subject: s\r\n\r\n..x\r\n.y\r\nA\r\n\x00.\r\nZ"
    ]
    for (const body of bodies) {
      const before = sink.messages.length
      const r = await sendRaw(gw.smtp.port, { from: "s@client.test", to: ["w@example.test"] }, body)
      expect(r.data).toMatch(/^250 /)
      expect(sink.messages.length).toBe(before + 1)
      const text = sink.messages.at(-1)!.raw.toString("latin1")
      expect(text.includes("\0")).toBe(false)
      expect(/\r(?!\n)|(?<!\r)\n/.test(text)).toBe(false)
      const lines = text.split("\r\n").slice(0, -2)
      expect(lines.includes(".")).toBe(false)
      for (const line of lines) if (line.startsWith(".")) expect(line.startsWith("..")).toBe(true)
      expect(lines[0]).toMatch(/^Received: from client\.test/)
    }
    expect(sink.messages.at(-1)!.raw.toString("latin1")).toContain("\r\n\r\n..x\r\ny\r\nA\r\n..\r\nZ\r\n.\r\n")
    expect(sink.commands.filter((c) => c.startsWith("MAIL")).every((c) => c.includes("<s@client.test>"))).toBe(true)
  })

  test("a client session that ends hands its downstream connection on: five sessions in a row use one connection", async () => {
    const before = { connections: sink.connections, messages: sink.messages.length }
    for (let i = 0; i < 5; i++)
      expect(
        (await sendRaw(gw.smtp.port, { from: "s@client.test", to: [`q${i}@example.test`] }, "Subject: q\r\n\r\nx")).data
      ).toMatch(/^250 /)
    expect(sink.messages.length - before.messages).toBe(5)
    expect(sink.connections - before.connections).toBeLessThanOrEqual(1)
    expect(sink.commands.filter((c) => c.toUpperCase() === "RSET")).toEqual([])
  })
})

describe("LMTP downstream: per-recipient replies after the data", () => {
  test("one recipient refused after the data while another was delivered => 250, the refused copy is quarantined", async () => {
    const sink = await RawSink.start({
      lmtp: true,
      dataReply: (r) => (r.startsWith("full") ? "552 5.2.2 Quota exceeded" : "250 2.0.0 ok")
    })
    const gw = await gateway(relayTo(sink.port, { protocol: "lmtp" }))
    try {
      const r = await sendRaw(
        gw.smtp.port,
        { from: "s@client.test", to: ["ok@example.test", "full@example.test"] },
        "Subject: lmtp\r\n\r\nx"
      )
      expect(r.data).toMatch(/^250 /)
      expect(sink.messages).toHaveLength(1)
      expect(sink.commands.some((c) => c.startsWith("LHLO "))).toBe(true)
      const { FileQuarantineStore } = await import("@mailmoat/platform-node")
      const metas = (await FileQuarantineStore.make({ root: gw.settings.quarantine.path }).list()).entries
      expect(metas).toHaveLength(1)
      expect(metas[0]).toMatchObject({ recipients: ["full@example.test"] })
      expect(metas[0]?.reason).toContain("552 Quota exceeded")
    } finally {
      await gw.close()
      await sink.stop()
    }
  })

  test("every recipient refused after the data => the 5xx is passed back", async () => {
    const sink = await RawSink.start({ lmtp: true, dataReply: () => "554 5.6.0 Content rejected" })
    const gw = await gateway(relayTo(sink.port, { protocol: "lmtp" }))
    try {
      const r = await sendRaw(
        gw.smtp.port,
        { from: "s@client.test", to: ["a@example.test", "b@example.test"] },
        "Subject: lmtp\r\n\r\nx"
      )
      expect(r.data).toBe("554 5.6.0 Downstream: Content rejected")
    } finally {
      await gw.close()
      await sink.stop()
    }
  })
})
