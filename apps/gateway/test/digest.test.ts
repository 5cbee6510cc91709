// Digest links (HMAC-signed recipient + expiry) and the daily schedule: property tests of the link
// parser, expiry, tampering, one digest a day at quarantine.digest.at even across restarts, one
// run at a time on a data directory, and one digest a day from a fleet of nodes that all have it
// enabled (their ledger in a real redis-server).
import * as Log from "../src/Log.ts"
import { fc, test as prop } from "@fast-check/vitest"
import { Envelope } from "@mailmoat/core"
import { FileQuarantineStore } from "@mailmoat/platform-node"
import { RedisConnection, RedisDigestLedger } from "@mailmoat/redis"
import { spawn } from "node:child_process"
import { randomBytes } from "node:crypto"
import { existsSync, readdirSync, statSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, test } from "vitest"
import { startRedis } from "../../../packages/antispam/test/support/redis.ts"
import { fileLedger } from "../src/digest/DigestLedger.ts"
import { digestKey, signLink, verifyLink } from "../src/digest/DigestLinks.ts"
import { DigestBusyError, runDigest } from "../src/digest/DigestRun.ts"
import { digestTick } from "../src/digest/DigestSchedule.ts"
import { resolveSettings } from "../src/Settings.ts"
import { tempDir } from "./support/peers.ts"

const quarantineFor = async (store: ReturnType<typeof FileQuarantineStore.make>, rcpt: string, subject: string) =>
  store.put({
    envelope: Envelope.make({ clientAddress: "192.0.2.1", mailFrom: "s@spam.test", rcptTo: [rcpt] }),
    reason: "spam",
    message: new TextEncoder().encode(`Subject: ${subject}\r\n\r\nx\r\n`)
  })

const countIn = (maildir: string, rcpt: string) => {
  try {
    return readdirSync(join(maildir, rcpt, "new")).length
  } catch {
    return 0
  }
}

const key = randomBytes(32)

describe("digest links", () => {
  prop.prop([fc.string({ maxLength: 3000 })])("verifyLink never throws and accepts nothing it did not sign", (s) => {
    expect(verifyLink(key, s, 0)).toBeUndefined()
  })

  prop.prop([fc.emailAddress(), fc.integer({ min: 1, max: 2 ** 31 }), fc.integer({ min: 0, max: 2 ** 31 })])(
    "a signed link round-trips until it expires",
    (recipient, expires, now) => {
      const token = signLink(key, { recipient, expires })
      expect(verifyLink(key, token, now)).toEqual(
        now < expires ? { recipient: recipient.toLowerCase(), expires } : undefined
      )
      expect(verifyLink(randomBytes(32), token, 0)).toBeUndefined()
    }
  )

  prop.prop([fc.emailAddress(), fc.nat({ max: 200 }), fc.integer({ min: 0, max: 255 })])(
    "flipping any character of a link breaks it",
    (recipient, at, code) => {
      const token = signLink(key, { recipient, expires: 2 ** 31 })
      const i = at % token.length
      const c = String.fromCharCode(code)
      fc.pre(token[i] !== c)
      expect(verifyLink(key, `${token.slice(0, i)}${c}${token.slice(i + 1)}`, 0)).toBeUndefined()
    }
  )
})

describe("digest schedule", () => {
  test("sends at quarantine.digest.at (UTC), once a day, also after a restart", async () => {
    const dir = tempDir()
    const settings = resolveSettings({
      dataDir: dir,
      smtp: { hostname: "gw.test" },
      quarantine: { digest: { enabled: true, at: "08:00", from: "q@gw.test", baseUrl: "https://gw.test" } }
    })
    let now = Date.parse("2026-03-02T07:00:00Z")
    const store = FileQuarantineStore.make({ root: settings.quarantine.path, now: () => now })
    await store.put({
      envelope: Envelope.make({ clientAddress: "192.0.2.1", mailFrom: "s@spam.test", rcptTo: ["u@example.test"] }),
      reason: "spam",
      message: new TextEncoder().encode("Subject: s\r\n\r\nx\r\n")
    })
    const inbox = () => {
      try {
        return readdirSync(join(dir, "maildir", "u@example.test", "new")).length
      } catch {
        return 0
      }
    }
    const logged: Array<string> = []
    const first = digestTick(
      () => settings,
      store,
      Log.make(
        { level: "info", format: "json" },
        (l) => logged.push(l),
        () => now
      ),
      () => now
    )
    await first()
    expect(inbox()).toBe(0) // 07:00, before the time
    now = Date.parse("2026-03-02T08:01:00Z")
    await first()
    expect(inbox()).toBe(1)
    expect(logged.map((l) => JSON.parse(l))).toEqual([
      { time: "2026-03-02T08:01:00.000Z", level: "info", event: "digest_sent", to: "u@example.test", messages: 1 }
    ])
    // A restart the same day with new mail waiting: no second digest that day.
    await store.put({
      envelope: Envelope.make({ clientAddress: "192.0.2.1", mailFrom: "s@spam.test", rcptTo: ["u@example.test"] }),
      reason: "spam",
      message: new TextEncoder().encode("Subject: t\r\n\r\ny\r\n")
    })
    now = Date.parse("2026-03-02T09:00:00Z")
    const second = digestTick(
      () => settings,
      store,
      Log.silent,
      () => now
    )
    await second()
    expect(inbox()).toBe(1)
    now = Date.parse("2026-03-03T08:00:00Z")
    await second()
    expect(inbox()).toBe(2)
    await store.close()
  })
})

describe("digest key", () => {
  test("made once (32 bytes, 0600, nothing else left in the folder) and the same on every later read", () => {
    const dir = tempDir()
    const key = digestKey(dir)
    expect(key.length).toBe(32)
    expect(statSync(join(dir, "digest.key")).mode & 0o777).toBe(0o600)
    expect(readdirSync(dir)).toEqual(["digest.key"])
    expect(digestKey(dir).equals(key)).toBe(true)
  })

  test("a key file shorter than 32 bytes (an empty one included) is refused, never used to sign", () => {
    for (const content of ["", "short"]) {
      const dir = tempDir()
      writeFileSync(join(dir, "digest.key"), content)
      expect(() => digestKey(dir)).toThrow(/digest\.key holds fewer than 32 bytes: remove it to make a new key/)
    }
  })
})

describe("one run at a time", () => {
  const settingsIn = (dir: string) =>
    resolveSettings({
      dataDir: dir,
      smtp: { hostname: "gw.test" },
      quarantine: { digest: { enabled: true, at: "08:00", from: "q@gw.test", baseUrl: "https://gw.test" } }
    })

  test("a run held by a live process on the data directory refuses another; a dead holder's lock is taken over", async () => {
    const dir = tempDir()
    const settings = settingsIn(dir)
    const store = FileQuarantineStore.make({ root: settings.quarantine.path })
    await quarantineFor(store, "u@example.test", "s")
    // A live process holding the lock: a child that sleeps.
    const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"], { stdio: "ignore" })
    try {
      writeFileSync(join(dir, "digest-run.lock"), JSON.stringify({ pid: child.pid, since: new Date().toISOString() }))
      const busy = await runDigest(settings, store, Date.now()).catch((e: unknown) => e)
      expect(busy).toBeInstanceOf(DigestBusyError)
      expect((busy as Error).message).toBe(
        `another digest run is in progress (pid ${child.pid}, ${join(dir, "digest-state.json")}): try again when it has finished`
      )
      expect(countIn(join(dir, "maildir"), "u@example.test")).toBe(0)
    } finally {
      child.kill("SIGKILL")
    }
    await new Promise((r) => child.once("exit", r))
    // Its process is gone: the lock is stale.
    expect(await runDigest(settings, store, Date.now())).toMatchObject([{ recipient: "u@example.test", sent: true }])
    expect(countIn(join(dir, "maildir"), "u@example.test")).toBe(1)
    expect(existsSync(join(dir, "digest-run.lock"))).toBe(false)
    // A lock naming this very process that it does not hold (a restarted container's pid 1) is stale too.
    await quarantineFor(store, "u@example.test", "t")
    writeFileSync(join(dir, "digest-run.lock"), JSON.stringify({ pid: process.pid }))
    expect(await runDigest(settings, store, Date.now() + 1000)).toMatchObject([
      { recipient: "u@example.test", sent: true }
    ])
    expect(countIn(join(dir, "maildir"), "u@example.test")).toBe(2)
    await store.close()
  })

  test("two runs at once in one process: one sends, the other is refused", async () => {
    const dir = tempDir()
    const settings = settingsIn(dir)
    const store = FileQuarantineStore.make({ root: settings.quarantine.path })
    await quarantineFor(store, "u@example.test", "s")
    const ledger = fileLedger(dir)
    const outcomes = await Promise.allSettled([
      runDigest(settings, store, Date.now(), { ledger }),
      runDigest(settings, store, Date.now(), { ledger })
    ])
    expect(outcomes.map((o) => o.status).sort()).toEqual(["fulfilled", "rejected"])
    expect(countIn(join(dir, "maildir"), "u@example.test")).toBe(1)
    await store.close()
  })
})

test("a data directory that does not exist yet is made for the ledger (a digest can be the first thing written there)", async () => {
  const root = tempDir()
  const settings = resolveSettings({
    dataDir: join(root, "not-yet"),
    smtp: { hostname: "gw.test" },
    delivery: { maildir: join(root, "maildir") },
    quarantine: { path: join(root, "quarantine"), digest: { from: "q@gw.test", baseUrl: "https://gw.test" } }
  })
  const store = FileQuarantineStore.make({ root: join(root, "quarantine") })
  await quarantineFor(store, "u@example.test", "s")
  expect(await runDigest(settings, store, Date.now() + 1000, { key: async () => key })).toMatchObject([
    { recipient: "u@example.test", sent: true }
  ])
  expect(readdirSync(join(root, "not-yet"))).toEqual(["digest-state.json"])
  await store.close()
})

describe("a fleet sharing the digest ledger (real redis-server)", () => {
  test("every node has the digest enabled: each recipient still gets one digest a day", async () => {
    const redis = await startRedis()
    const shared = tempDir()
    const nodes = [tempDir(), tempDir(), tempDir()].map((dir) => {
      const settings = resolveSettings({
        dataDir: dir,
        smtp: { hostname: "gw.test" },
        delivery: { maildir: join(shared, "maildir") },
        quarantine: {
          path: join(shared, "quarantine"),
          digest: { enabled: true, at: "08:00", from: "q@gw.test", baseUrl: "https://gw.test" }
        }
      })
      const connection = RedisConnection.acquire({ url: redis.url, keyPrefix: "fleet9:" })
      return { settings, connection, ledger: RedisDigestLedger.make({ client: connection.client, prefix: "fleet9:" }) }
    })
    let now = Date.parse("2026-03-02T07:00:00Z")
    const store = FileQuarantineStore.make({ root: join(shared, "quarantine"), now: () => now })
    try {
      await quarantineFor(store, "u@example.test", "s")
      await quarantineFor(store, "v@example.test", "s")
      now = Date.parse("2026-03-02T08:01:00Z")
      const ticks = nodes.map((n) =>
        digestTick(
          () => n.settings,
          store,
          Log.silent,
          () => now,
          { key: async () => key, ledger: n.ledger }
        )
      )
      await Promise.all(ticks.map((t) => t()))
      // A node whose tick came while another ran tries again a minute later: the day is done.
      now += 60_000
      await Promise.all(ticks.map((t) => t()))
      expect([
        countIn(join(shared, "maildir"), "u@example.test"),
        countIn(join(shared, "maildir"), "v@example.test")
      ]).toEqual([1, 1])
      // The next day, new mail for u only: one more digest, from whichever node.
      await quarantineFor(store, "u@example.test", "t")
      now = Date.parse("2026-03-03T08:00:00Z")
      for (const tick of ticks.reverse()) await tick()
      expect([
        countIn(join(shared, "maildir"), "u@example.test"),
        countIn(join(shared, "maildir"), "v@example.test")
      ]).toEqual([2, 1])
      // No data directory kept a ledger of its own.
      for (const n of nodes) expect(existsSync(join(n.settings.dataDir, "digest-state.json"))).toBe(false)
    } finally {
      await store.close()
      await Promise.all(nodes.map((n) => n.connection.close()))
      await redis.stop()
    }
  })
})
