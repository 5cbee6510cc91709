// A fleet of two gateways on one Redis (`state.backend: redis`): the end-user blocklist and safe
// senders edited through one node's admin API are in force on the other at once; connection,
// message and AUTH limits are reached in total over both nodes, not once per node; the DNS
// answers one node got serve the other (queries counted at a real rbldnsd); a quarantine-page
// login and a digest link hold on either node. Real redis-server, rbldnsd and swaks on loopback.
import { writeFileSync } from "node:fs"
import { RedisConnection } from "@mailmoat/redis"
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest"
import { type RedisPeer, startRedis } from "../../../packages/antispam/test/support/redis.ts"
import { type Rbldnsd, startRbldnsd } from "../../../packages/core/test/dns/support/rbldnsd.ts"
import { signLink } from "../src/digest/DigestLinks.ts"
import type { RunningGateway } from "../src/index.ts"
import { adminUrl, api, GTUBE, TOKEN } from "./support/admin.ts"
import { gateway, makeCert, RawClient, sendRaw, swaks, tempDir } from "./support/peers.ts"

describe("two gateways sharing Redis: lists, limits, DNS answers", () => {
  let redis: RedisPeer
  let rbl: Rbldnsd
  const running: Array<RunningGateway> = []
  beforeAll(async () => {
    redis = await startRedis()
    rbl = await startRbldnsd([{ zone: "bl.test", type: "ip4set", data: ":127.0.0.2:listed\n127.0.0.99\n" }])
  })
  afterAll(async () => {
    for (const g of running) await g.close()
    await rbl?.stop()
    await redis?.stop()
  })

  const start = async (keyPrefix: string, config: Record<string, unknown> = {}) => {
    const gw = await gateway({
      state: { backend: "redis", url: redis.url, keyPrefix },
      admin: { enabled: true, token: TOKEN },
      classifier: { enabled: false },
      ...config,
      antispam: {
        onSpam: "reject",
        rbl: { servers: ["bl.test"], skip: [], timeoutSeconds: 20 },
        dns: { servers: [rbl.server] },
        ...(config.antispam as object | undefined)
      }
    })
    running.push(gw)
    return gw
  }
  const fleet = async (keyPrefix: string, config: Record<string, unknown> = {}) =>
    [await start(keyPrefix, config), await start(keyPrefix, config)] as const

  test("a blocklist entry added through node A's admin API: node B rejects the sender at once; removed on B: A accepts again", async () => {
    const [a, b] = await fleet("fleet1:")
    // A HELO that is not a host name: an end-user client, so the end-user blocklist applies.
    const send = async (gw: RunningGateway) =>
      (
        await swaks(gw.smtp.port, [
          "--local-interface",
          "127.0.0.8",
          "--helo",
          "laptop",
          "--from",
          "spammer@bad.test",
          "--to",
          "user@example.test",
          "--header",
          "Subject: hello"
        ])
      ).out
    expect(await send(b)).toMatch(/<- {2}250 /)
    expect((await api(a, "POST", "/api/lists/blocklist", { entry: "spammer@bad.test" })).status).toBe(201)
    expect(await send(b)).toMatch(/<\*\* +550 5\.7\.1 /)
    expect((await api(b, "GET", "/api/lists/blocklist")).json.entries).toEqual(["spammer@bad.test"])
    expect((await api(b, "DELETE", "/api/lists/blocklist/spammer%40bad.test")).status).toBe(200)
    expect(await send(a)).toMatch(/<- {2}250 /)
  })

  test("edits made at the same moment on both nodes are all kept: blocklist entries and safe senders", async () => {
    const [a, b] = await fleet("fleet9:")
    const nodes = [a, b]
    // Each edit is made on its node's copy of the document: six at once on each node.
    const adds = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        api(nodes[i % 2]!, "POST", "/api/lists/blocklist", { entry: `spammer${i}@bad.test` })
      )
    )
    expect(adds.map((r) => r.status)).toEqual(adds.map(() => 201))
    const safe = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        api(nodes[i % 2]!, "POST", "/api/lists/safe-senders", {
          recipient: `user${i % 3}@example.test`,
          sender: `partner${i}.test`
        })
      )
    )
    expect(safe.map((r) => r.status)).toEqual(safe.map(() => 201))
    const blocked = Array.from({ length: 12 }, (_, i) => `spammer${i}@bad.test`).sort()
    for (const node of nodes) {
      await vi.waitFor(
        async () => {
          expect(((await api(node, "GET", "/api/lists/blocklist")).json.entries as Array<string>).sort()).toEqual(
            blocked
          )
        },
        { timeout: 5000, interval: 100 }
      )
      // Waited for like the blocklist: the other node's last edit reaches this copy by its change
      // message (read at once, a fresh run found partner7, edited on the other node, not yet there).
      await vi.waitFor(
        async () => {
          const recipients = (await api(node, "GET", "/api/lists/safe-senders")).json.recipients as Record<
            string,
            Array<string>
          >
          expect(Object.values(recipients).flat().sort()).toEqual(
            Array.from({ length: 8 }, (_, i) => `partner${i}.test`).sort()
          )
        },
        { timeout: 5000, interval: 100 }
      )
    }
    // Removals at the same moment too.
    const removed = await Promise.all(
      blocked.slice(0, 6).map((e, i) => api(nodes[i % 2]!, "DELETE", `/api/lists/blocklist/${encodeURIComponent(e)}`))
    )
    expect(removed.map((r) => r.status)).toEqual(removed.map(() => 200))
    for (const node of nodes)
      await vi.waitFor(
        async () => {
          expect(((await api(node, "GET", "/api/lists/blocklist")).json.entries as Array<string>).sort()).toEqual(
            blocked.slice(6)
          )
        },
        { timeout: 5000, interval: 100 }
      )
  })

  test("a safe sender added on node A lets the sender's spam through on node B once the edit reaches it", async () => {
    // The content classifier is what calls GTUBE spam.
    // No SPF/DKIM in this little world: safe senders apply without sender authentication.
    const [a, b] = await fleet("fleet2:", {
      classifier: { enabled: true },
      antispam: { bypass: { safeSendersRequireAuth: false } }
    })
    const send = (gw: RunningGateway) =>
      sendRaw(
        gw.smtp.port,
        { from: "friend@partner.test", to: ["bob@example.test"] },
        `Subject: gtube\r\n\r\n${GTUBE}\r\n`
      )
    expect((await send(b)).data).toMatch(/^550 5\.7\.1 /)
    expect(
      (await api(a, "POST", "/api/lists/safe-senders", { recipient: "bob@example.test", sender: "partner.test" }))
        .status
    ).toBe(201)
    // B hears of the edit by pub/sub and then reads the list from Redis: a message B takes before
    // that read still meets the old list (a fresh run under load sent it first and got 550).
    await vi.waitFor(
      async () => {
        expect((await api(b, "GET", "/api/lists/safe-senders")).json.recipients).toEqual({
          "bob@example.test": ["partner.test"]
        })
      },
      { timeout: 5000, interval: 50 }
    )
    expect((await send(b)).data).toMatch(/^250 /)
  })

  test("connections and messages from one client are limited in total over the fleet (421 / 451)", async () => {
    const limits = { connectionRatePerIp: 4, messageRatePerIp: 2, rateWindowSeconds: 60 }
    const [a, b] = await fleet("fleet3:", { smtp: { limits } })
    const greetings: Array<string> = []
    for (let i = 0; i < 5; i++) {
      const c = await RawClient.connect((i % 2 === 0 ? a : b).smtp.port, "127.0.0.3")
      greetings.push((await c.waitFor(/^\d{3} .*\r\n/m)).trim())
      c.socket.destroy()
    }
    expect(greetings.slice(0, 4).every((g) => g.startsWith("220 "))).toBe(true)
    expect(greetings[4]).toMatch(/^421 4\.7\.0 Try again later: too many connections from your address/)
    // Messages: 127.0.0.4 has its own counters; two transactions in total, then 451 at MAIL FROM.
    const replies: Array<string> = []
    for (let i = 0; i < 3; i++) {
      const r = await swaks((i % 2 === 0 ? a : b).smtp.port, [
        "--local-interface",
        "127.0.0.4",
        "--from",
        "s@client.test",
        "--to",
        "u@example.test",
        "--quit-after",
        "MAIL"
      ])
      replies.push(r.out)
    }
    expect(replies.slice(0, 2).every((o) => /<- {2}250 /.test(o))).toBe(true)
    expect(replies[2]).toMatch(/<\*\* +451 4\.7\.1 Try again later: too many messages from your address/)
  })

  test("control: embedded state counts per node, so the same client gets the limit on each", async () => {
    const limits = { connectionRatePerIp: 2, rateWindowSeconds: 60 }
    const a = await gateway({ smtp: { limits }, classifier: { enabled: false } })
    const b = await gateway({ smtp: { limits }, classifier: { enabled: false } })
    running.push(a, b)
    const greetings: Array<string> = []
    for (let i = 0; i < 4; i++) {
      const c = await RawClient.connect((i % 2 === 0 ? a : b).smtp.port, "127.0.0.5")
      greetings.push((await c.waitFor(/^\d{3} .*\r\n/m)).trim())
      c.socket.destroy()
    }
    expect(greetings.every((g) => g.startsWith("220 "))).toBe(true)
  })

  test("an AUTH brute-forcer alternating between the nodes is locked out after the limit in total", async () => {
    const cert = makeCert()
    const dir = tempDir()
    writeFileSync(`${dir}/cert.pem`, cert.cert)
    writeFileSync(`${dir}/key.pem`, cert.key)
    const smtp = {
      tls: { certFile: `${dir}/cert.pem`, keyFile: `${dir}/key.pem` },
      auth: { users: [{ username: "edge1", password: "edge-secret" }] },
      limits: { authMaxFailures: 3, authWindowSeconds: 600, authLockoutSeconds: 600 }
    }
    const [a, b] = await fleet("fleet4:", { smtp })
    // One AUTH PLAIN attempt as edge1 from the same client address, whichever node it reaches.
    const authAs = (port: number, password: string) =>
      swaks(port, [
        "--local-interface",
        "127.0.0.6",
        "--to",
        "u@example.test",
        "--tls",
        "--auth",
        "PLAIN",
        "--auth-user",
        "edge1",
        "--auth-password",
        password,
        "--quit-after",
        "AUTH"
      ])
    const outcomes: Array<string> = []
    for (let i = 0; i < 5; i++) {
      const r = await authAs((i % 2 === 0 ? a : b).smtp.port, `guess-${i}`)
      outcomes.push(/<~?\* +(\d{3})/.exec(r.out)?.[1] ?? r.out)
    }
    expect(outcomes).toEqual(["535", "535", "535", "454", "454"])
    // Locked out on both nodes, even with the right password.
    const right = await authAs(b.smtp.port, "edge-secret")
    expect(right.out).toMatch(/<~?\* +454 /)
  })

  test("a quarantine-page login on node A holds on node B; a logout on B ends it on A", async () => {
    const [a, b] = await fleet("fleet6:")
    const page = (gw: RunningGateway, cookie: string) =>
      fetch(adminUrl(gw, "/quarantine"), { headers: { cookie } }).then(async (r) => ({
        status: r.status,
        html: await r.text()
      }))
    const login = await fetch(adminUrl(a, "/quarantine/login"), {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: adminUrl(a, "") },
      body: new URLSearchParams({ token: TOKEN }).toString()
    })
    expect(login.status).toBe(303)
    const cookie = /^(mailmoat_session=[^;]+)/.exec(login.headers.get("set-cookie") ?? "")?.[1]
    expect(cookie).toBeDefined()
    // Only a digest of the session id is in Redis, never the id.
    const connection = RedisConnection.make({ url: redis.url })
    try {
      const keys = await connection.call("keys", (c) => c.keys("fleet6:websession:*"))
      expect(keys).toHaveLength(1)
      expect(keys[0]).not.toContain(cookie!.slice("mailmoat_session=".length))
    } finally {
      await connection.close()
    }
    const onB = await page(b, cookie!)
    expect(onB.html).toContain('action="/quarantine/logout"')
    expect(onB.html).not.toContain('name="token"')
    const csrf = /name="csrf" value="([^"]+)"/.exec(onB.html)?.[1]
    const logout = await fetch(adminUrl(b, "/quarantine/logout"), {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: adminUrl(b, ""), cookie: cookie! },
      body: new URLSearchParams({ csrf: csrf ?? "" }).toString()
    })
    expect(logout.status).toBe(303)
    expect((await page(a, cookie!)).html).toContain('name="token"')
  })

  test("a digest link opens on either node: both sign and check with the fleet's key", async () => {
    const [a, b] = await fleet("fleet7:")
    const open = (gw: RunningGateway, link: string) => fetch(adminUrl(gw, `/q/${link}`)).then((r) => r.status)
    // Any link makes node A fetch the key (made by the first node that needs it).
    expect(await open(a, "e30.AAAA")).toBe(403)
    const connection = RedisConnection.make({ url: redis.url })
    let key: Buffer
    try {
      key = Buffer.from((await connection.call("get", (c) => c.get("fleet7:secret:digest-key"))) ?? "", "base64")
    } finally {
      await connection.close()
    }
    expect(key.length).toBe(32)
    const claims = { recipient: "bob@example.test", expires: Math.floor(Date.now() / 1000) + 3600 }
    const link = signLink(key, claims)
    expect(await open(a, link)).toBe(200)
    expect(await open(b, link)).toBe(200)
    expect(await open(b, signLink(Buffer.alloc(32, 7), claims))).toBe(403)
  })

  test("DNS answers node A got serve node B: no query at the list for the same client", async () => {
    const [a, b] = await fleet("fleet5:", { antispam: { endUserBlocklist: { enabled: false } } })
    const send = (gw: RunningGateway, ip: string) =>
      swaks(gw.smtp.port, [
        "--local-interface",
        ip,
        "--from",
        "s@client.test",
        "--helo",
        "client.test",
        "--to",
        "u@example.test",
        "--header",
        "Subject: dns"
      ])
    rbl.resetQueries()
    expect((await send(a, "127.0.0.99")).out).toMatch(/<\*\* +550 5\.7\.1/)
    expect((await send(a, "127.0.0.7")).out).toMatch(/<- {2}250 /)
    // The zone's health probes (127.0.0.1 and 127.0.0.2, always asked afresh) are not lookups of a client.
    const lookups = (qs: ReadonlyArray<string>) =>
      qs.filter((q) => q.endsWith(".bl.test A") && !/^[12]\.0\.0\.127\./.test(q))
    const first = lookups(await rbl.settledQueries())
    expect(first.sort()).toEqual(["7.0.0.127.bl.test A", "99.0.0.127.bl.test A"])
    rbl.resetQueries()
    expect((await send(b, "127.0.0.99")).out).toMatch(/<\*\* +550 5\.7\.1/)
    expect((await send(b, "127.0.0.7")).out).toMatch(/<- {2}250 /)
    expect(lookups(await rbl.settledQueries())).toEqual([])
  })
})
