// Sender authentication end to end: swaks (bound to the scenario's 127.0.0.x address, so that is
// the envelope IP SPF checks) -> the gateway wired from its configuration (resolver pointed at a
// real dnsmasq serving SPF, DKIM and DMARC records) -> Maildir / quarantine / SMTP reply.
// Every delivered message carries our Authentication-Results once; a forged one claiming our
// authserv-id is removed whether the message was scanned, bypassed or quarantined.
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { FileQuarantineStore } from "@mailmoat/platform-node"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { type Dnsmasq, startDnsmasq } from "../../../packages/antispam/test/auth/support/dnsmasq.ts"
import { AUTH_CONFIG, SCENARIOS, type Scenario } from "../../../packages/antispam/test/auth/support/scenarios.ts"
import { message, RECORDS, ZONES } from "../../../packages/antispam/test/auth/support/world.ts"
import type { RunningGateway } from "../src/index.ts"
import { gateway, swaks, tempDir } from "./support/peers.ts"

const FORGED = "Authentication-Results: gw.test; dmarc=pass header.from=sig.test"
const FOREIGN = "Authentication-Results: upstream.example; spf=pass smtp.mailfrom=sig.test"
const BYPASS_IP = "127.0.0.50"

let dns: Dnsmasq
let gw: RunningGateway
const dir = tempDir("mailmoat-auth-e2e-")

beforeAll(async () => {
  dns = await startDnsmasq(ZONES, RECORDS)
  gw = await gateway({
    smtp: { hostname: "gw.test" },
    classifier: { enabled: false },
    antispam: { ...AUTH_CONFIG, bypass: { allowedIps: [`${BYPASS_IP}/32`] }, dns: { servers: [dns.server] } }
  })
})
afterAll(async () => {
  await gw?.close()
  await dns?.stop()
})

/** Sends `text` (with a forged and a foreign Authentication-Results on top) as the scenario's client. */
const send = (s: Pick<Scenario, "ip" | "helo" | "mailFrom">, text: string, rcpt: string, to: RunningGateway = gw) => {
  const file = join(dir, `${Math.random().toString(36).slice(2)}.eml`)
  writeFileSync(file, `${FORGED}\r\n${FOREIGN}\r\n${text}`)
  return swaks(to.smtp.port, [
    "--local-interface",
    s.ip,
    "--helo",
    s.helo,
    "--from",
    s.mailFrom,
    "--to",
    rcpt,
    "--data",
    file
  ])
}

const delivered = (rcpt: string, from: RunningGateway = gw): string => {
  const d = join(from.settings.dataDir, "maildir", rcpt, "new")
  const files = existsSync(d) ? readdirSync(d) : []
  expect(files).toHaveLength(1)
  return readFileSync(join(d, files[0]!), "latin1")
}

const quarantined = async (rcpt: string): Promise<string> => {
  const store = FileQuarantineStore.make({ root: gw.settings.quarantine.path })
  const entry = (await store.list({ limit: 100 })).entries.find((e) => e.recipients.includes(rcpt))
  expect(entry).toBeDefined()
  const chunks: Array<Uint8Array> = []
  for await (const c of (await store.get(entry!.id)).stream()) chunks.push(c)
  return Buffer.concat(chunks).toString("latin1")
}

/** The unfolded Authentication-Results values of a message's header block, whitespace runs as one space. */
const authResults = (text: string): Array<string> => {
  const head = text.slice(0, text.indexOf("\r\n\r\n")).replace(/\r\n[ \t]/g, " ")
  return head.split("\r\n").flatMap((l) =>
    /^authentication-results:/i.test(l)
      ? [
          l
            .slice(l.indexOf(":") + 1)
            .replace(/\s+/g, " ")
            .trim()
        ]
      : []
  )
}

describe("sender authentication through a real SMTP session (swaks)", () => {
  test.each(SCENARIOS.map((s, i) => [s.name, s, i] as const))("%s", async (_name, s, i) => {
    const rcpt = `user${i}@rcpt.test`
    const r = await send(s, await s.build(), rcpt)
    if (s.outcome === "reject") {
      expect(r.out).toMatch(/<\*\* +550 5\.7\.1 .*DMARC policy of \S+ is reject/)
      return
    }
    expect(r.out).toMatch(/<- {2}250 /)
    const text = s.outcome === "deliver" ? delivered(rcpt) : await quarantined(rcpt)
    const ars = authResults(text)
    // The forged one is gone, the foreign one kept; ours (top) only on delivered copies.
    expect(ars.filter((v) => v.startsWith("gw.test; dmarc=pass header.from=sig.test"))).toEqual([])
    expect(ars).toContain("upstream.example; spf=pass smtp.mailfrom=sig.test")
    if (s.outcome === "deliver") {
      const ours = ars.filter((v) => v.startsWith("gw.test;"))
      expect(ours).toHaveLength(1)
      for (const [method, result] of Object.entries(s.results))
        expect(ours[0]).toMatch(new RegExp(`; ${method}=${result}\\b`))
      const symbols = /^X-Mailmoat-Symbols: (.*)$/m.exec(text)?.[1] ?? ""
      for (const name of s.symbols) expect(symbols).toContain(name)
    }
  })

  test("a bypassed client's message is not scanned, and the forged header is still removed", async () => {
    const r = await send(
      { ip: BYPASS_IP, helo: "client.example", mailFrom: "x@nospf.test" },
      message({ from: "ceo@sig.test", subject: "auth e2e bypass" }),
      "bypass@rcpt.test"
    )
    expect(r.out).toMatch(/<- {2}250 /)
    const text = delivered("bypass@rcpt.test")
    expect(text).toContain("X-Mailmoat-Verdict: bypass")
    expect(authResults(text)).toEqual(["upstream.example; spf=pass smtp.mailfrom=sig.test"])
  })

  test("with antispam off nothing is scanned, and the forged header is still removed", async () => {
    const off = await gateway({ smtp: { hostname: "GW.test" }, antispam: { enabled: false } })
    try {
      const r = await send(
        { ip: "127.0.0.1", helo: "client.example", mailFrom: "x@nospf.test" },
        message({ from: "ceo@sig.test", subject: "auth e2e off" }),
        "off@rcpt.test",
        off
      )
      expect(r.out).toMatch(/<- {2}250 /)
      expect(authResults(delivered("off@rcpt.test", off))).toEqual([
        "upstream.example; spf=pass smtp.mailfrom=sig.test"
      ])
    } finally {
      await off.close()
    }
  })
})
