// The admin JSON API over real HTTP against a gateway with the real antispam module: bearer token
// checks (401s), the quarantine listing with filters and cursors, details with a preview, release
// (re-injected into the Maildir; 409 after, and one 200 among parallel releases), delete, not-spam,
// the end-user blocklist and safe senders, and Prometheus metrics.
import { writeFileSync } from "node:fs"
import { connect } from "node:net"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { type RunningGateway, startGateway } from "../src/index.ts"
import { api, adminUrl, GTUBE, maildirMessages, quarantineGtube, quietAntispam, TOKEN } from "./support/admin.ts"
import { gateway, RawClient, sendRaw, tempDir } from "./support/peers.ts"

describe("admin API", () => {
  let gw: RunningGateway
  let directory: string
  beforeAll(async () => {
    directory = join(tempDir(), "recipients.yaml")
    // bypass@ is never scanned: its mail is delivered whatever the classifier thinks of it.
    writeFileSync(
      directory,
      "# who trusts whom\nrecipients:\n  carol@example.test:\n    safeSenders: [old.example]\n  bypass@example.test:\n    bypassAntispam: true\n"
    )
    gw = await gateway({ admin: { token: TOKEN }, antispam: { ...quietAntispam, bypass: { directory } } })
  })
  afterAll(() => gw?.close())

  test("every /api call needs the bearer token: 401 without it, with a wrong one, or with it in the query", async () => {
    for (const [path, token] of [
      ["/api/quarantine", null],
      ["/api/quarantine", "wrong-token-wrong-token-wrong"],
      [`/api/quarantine?token=${TOKEN}`, null],
      ["/api/lists", null],
      ["/api/reload", `${TOKEN}x`]
    ] as const) {
      const r = await api(gw, path === "/api/reload" ? "POST" : "GET", path, undefined, token)
      expect(r.status, path).toBe(401)
      expect(r.headers.get("www-authenticate")).toMatch(/^Bearer /)
    }
    expect((await api(gw, "GET", "/api/quarantine")).status).toBe(200)
    // On loopback, status and metrics need no token.
    expect((await fetch(adminUrl(gw, "/status"))).status).toBe(200)
    expect((await fetch(adminUrl(gw, "/metrics"))).status).toBe(200)
  })

  test("a path segment with malformed percent-encoding is the caller's 400, not a 500", async () => {
    for (const path of ["/api/quarantine/%E0%A4%A", "/api/reputation/%ZZ", "/api/lists/blocklist/%"]) {
      const method = path.includes("blocklist") ? "DELETE" : "GET"
      const r = await api(gw, method, path)
      expect([path, r.status]).toEqual([path, 400])
      expect(String(r.json?.error)).toMatch(/malformed percent-encoding/)
    }
  })

  test("a request target that is no URL (`//[`, a port past 65535) is a 400, and the gateway goes on serving", async () => {
    // Each request's raw answer over its own connection (fetch cannot send such a target).
    const raw = (target: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(gw.admin!.port, "127.0.0.1", () =>
          socket.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`)
        )
        let text = ""
        socket.on("data", (d: Buffer) => (text += d.toString("latin1")))
        socket.on("error", reject)
        socket.on("close", () => resolve(text))
        socket.setTimeout(5000, () => socket.destroy())
      })
    for (const target of ["//[", "http://[", "http://a:99999/api/quarantine"])
      expect([target, (await raw(target)).split("\r\n", 1)[0]]).toEqual([target, "HTTP/1.1 400 Bad Request"])
    expect((await fetch(adminUrl(gw, "/status"))).status).toBe(200)
    expect((await api(gw, "GET", "/api/quarantine")).status).toBe(200)
  })

  test("listing: recipient, q, limit and cursor; details carry headers and a text preview", async () => {
    const a1 = await quarantineGtube(gw, "alice@example.test", "list one")
    const a2 = await quarantineGtube(gw, "alice@example.test", "list invoice two")
    const b1 = await quarantineGtube(gw, "bob@example.test", "list three")
    const alice = await api(gw, "GET", "/api/quarantine?recipient=alice@example.test&q=list")
    expect(alice.json.items!.map((i) => i.id)).toEqual([a2, a1])
    expect(alice.json.items![0]).toMatchObject({
      sender: "sender@spam.test",
      recipients: ["alice@example.test"],
      subject: "list invoice two"
    })
    expect(alice.json.items![0]!.score).toBeGreaterThan(5)
    expect(typeof alice.json.items![0]!.size).toBe("number")
    expect((await api(gw, "GET", "/api/quarantine?q=INVOICE")).json.items!.map((i) => i.id)).toEqual([a2])
    const page1 = await api(gw, "GET", "/api/quarantine?q=list&limit=2")
    expect(page1.json.items!.map((i) => i.id)).toEqual([b1, a2])
    expect(typeof page1.json.next).toBe("string")
    const page2 = await api(gw, "GET", `/api/quarantine?q=list&limit=2&cursor=${page1.json.next}`)
    expect(page2.json.items!.map((i) => i.id)).toEqual([a1])
    expect(page2.json.next).toBeNull()
    expect((await api(gw, "GET", "/api/quarantine?limit=x")).status).toBe(400)

    const detail = await api(gw, "GET", `/api/quarantine/${a1}`)
    expect(detail.status).toBe(200)
    expect(detail.json).toMatchObject({ id: a1, subject: "list one", recipients: ["alice@example.test"] })
    const preview = detail.json.preview as { headers: Array<{ name: string; value: string }>; text: string }
    expect(preview.headers).toContainEqual({ name: "Subject", value: "list one" })
    expect(preview.text).toContain(GTUBE)
    expect((await api(gw, "GET", "/api/quarantine/no-such-id")).status).toBe(404)
    expect((await api(gw, "GET", "/api/quarantine/..%2F..%2Fetc")).status).toBe(404)
  })

  test("release re-injects with the original envelope into the Maildir; a second release is 409", async () => {
    const id = await quarantineGtube(gw, "rel@example.test", "release me")
    expect(maildirMessages(gw, "rel@example.test")).toEqual([])
    const r = await api(gw, "POST", `/api/quarantine/${id}/release`)
    expect(r.status).toBe(200)
    expect(r.json).toMatchObject({ id, released: true, recipients: ["rel@example.test"] })
    const delivered = maildirMessages(gw, "rel@example.test")
    expect(delivered).toHaveLength(1)
    expect(delivered[0]).toContain("Subject: release me")
    expect((await api(gw, "POST", `/api/quarantine/${id}/release`)).status).toBe(409)
    expect((await api(gw, "GET", `/api/quarantine/${id}`)).status).toBe(404)
  })

  test("a release race: of 8 parallel releases one answers 200 and delivers, the other 7 answer 409", async () => {
    const id = await quarantineGtube(gw, "race@example.test", "race")
    const results = await Promise.all(Array.from({ length: 8 }, () => api(gw, "POST", `/api/quarantine/${id}/release`)))
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409, 409, 409, 409])
    expect(maildirMessages(gw, "race@example.test")).toHaveLength(1)
  })

  test("delete removes without delivering; not-spam delivers and says what was learned", async () => {
    const del = await quarantineGtube(gw, "del@example.test", "delete me")
    expect((await api(gw, "POST", `/api/quarantine/${del}/delete`)).json).toEqual({ id: del, deleted: true })
    expect((await api(gw, "GET", `/api/quarantine/${del}`)).status).toBe(404)
    expect((await api(gw, "POST", `/api/quarantine/${del}/delete`)).status).toBe(404)
    expect(maildirMessages(gw, "del@example.test")).toEqual([])
    const ham = await quarantineGtube(gw, "ham@example.test", "not spam")
    const r = await api(gw, "POST", `/api/quarantine/${ham}/not-spam`)
    expect(r.status).toBe(200)
    expect(r.json.learned).toMatch(/nothing learned: the bundled model is read-only|learned it as ham/)
    expect(maildirMessages(gw, "ham@example.test")).toHaveLength(1)
  })

  test("end-user blocklist: add, list, refuse a bad entry (422), remove, 404 when absent", async () => {
    expect((await api(gw, "POST", "/api/lists/blocklist", { entry: "Spammer@Bad.test" })).status).toBe(201)
    expect((await api(gw, "GET", "/api/lists/blocklist")).json.entries).toEqual(["spammer@bad.test"])
    const bad = await api(gw, "POST", "/api/lists/blocklist", { entry: "not an entry" })
    expect(bad.status).toBe(422)
    expect(bad.json.error).toMatch(/enduser entry/)
    expect((await api(gw, "POST", "/api/lists/blocklist", {})).status).toBe(400)
    expect((await api(gw, "DELETE", "/api/lists/blocklist/spammer%40bad.test")).json.entries).toEqual([])
    expect((await api(gw, "DELETE", "/api/lists/blocklist/spammer%40bad.test")).status).toBe(404)
  })

  test("safe senders live in the recipient directory: added and removed with its comments kept", async () => {
    const add = await api(gw, "POST", "/api/lists/safe-senders", {
      recipient: "Carol@example.test",
      sender: "friend@example.net"
    })
    expect(add.status).toBe(201)
    expect(add.json.safeSenders).toEqual(["old.example", "friend@example.net"])
    expect(
      (await api(gw, "POST", "/api/lists/safe-senders", { recipient: "dave@example.test", sender: "partner.example" }))
        .status
    ).toBe(201)
    expect((await api(gw, "GET", "/api/lists/safe-senders")).json.recipients).toEqual({
      "carol@example.test": ["old.example", "friend@example.net"],
      "bypass@example.test": [],
      "dave@example.test": ["partner.example"]
    })
    expect(
      (await api(gw, "POST", "/api/lists/safe-senders", { recipient: "nobody", sender: "x.example" })).status
    ).toBe(422)
    expect(
      (await api(gw, "DELETE", "/api/lists/safe-senders/carol%40example.test/old.example")).json.safeSenders
    ).toEqual(["friend@example.net"])
    expect((await api(gw, "DELETE", "/api/lists/safe-senders/carol%40example.test/old.example")).status).toBe(404)
    const { readFileSync } = await import("node:fs")
    expect(readFileSync(directory, "utf8")).toMatch(/^# who trusts whom\n/)
  })

  test("metrics: verdict classes and actions, stage latencies, delivery outcomes, quarantine size (prom-client text)", async () => {
    await quarantineGtube(gw, "metrics@example.test", "metrics")
    expect(
      (
        await sendRaw(
          gw.smtp.port,
          { from: "friend@ham.test", to: ["bypass@example.test"] },
          "Subject: hello\r\n\r\nlunch at noon?\r\n"
        )
      ).data
    ).toMatch(/^250 /)
    const text = await (await fetch(adminUrl(gw, "/metrics"))).text()
    expect(text).toMatch(/^mailmoat_verdicts_total\{class="spam",action="quarantine"\} [1-9]\d*$/m)
    expect(text).toMatch(/^mailmoat_stage_duration_seconds_bucket\{le="[^"]+",stage="[^"]+"\} \d+$/m)
    expect(text).toMatch(/^mailmoat_delivery_outcomes_total\{class="2xx"\} [1-9]\d*$/m)
    const size = (await api(gw, "GET", "/api/quarantine?limit=500")).json.total
    expect(text).toContain(`mailmoat_quarantine_messages ${size}\n`)
    expect(text).toMatch(/^mailmoat_connections_total [1-9]\d*$/m)
    expect(text).toMatch(/^# TYPE mailmoat_list_lookup_duration_seconds histogram$/m)
    expect(text).toMatch(/^# TYPE mailmoat_connections_refused_total counter$/m)
    expect(text).toMatch(/^process_cpu_seconds_total /m)
  })
})

describe("admin API without a token", () => {
  test("/api answers 401 saying the API is off; a non-loopback admin address is refused at start", async () => {
    const gw = await gateway({ antispam: quietAntispam })
    try {
      const r = await api(gw, "GET", "/api/quarantine", undefined, null)
      expect(r.status).toBe(401)
      expect(r.json.error).toMatch(/admin\.token/)
    } finally {
      await gw.close()
    }
    await expect(
      startGateway({ dataDir: tempDir(), smtp: { port: 0 }, admin: { host: "0.0.0.0", port: 0 } })
    ).rejects.toThrow(
      /admin\.token: expected a token \(admin\.token or admin\.tokenFile\) when admin\.host is not a loopback address/
    )
  })
})

describe("metrics of refused connections", () => {
  test("a connection over smtp.maxConnectionsPerIp is counted by its reason", async () => {
    const gw = await gateway({ smtp: { maxConnectionsPerIp: 1 }, antispam: quietAntispam })
    const first = await RawClient.connect(gw.smtp.port)
    try {
      await first.waitFor(/^220 .*\r\n/m)
      const second = await RawClient.connect(gw.smtp.port)
      try {
        expect(await second.waitFor(/^421 .*\r\n/m)).toMatch(/^421 4\.7\.0 Too many connections/)
      } finally {
        second.close()
      }
      const text = await (await fetch(adminUrl(gw, "/metrics"))).text()
      expect(text).toMatch(/^mailmoat_connections_refused_total\{reason="max_connections_per_ip"\} 1$/m)
    } finally {
      first.close()
      await gw.close()
    }
  })
})
