// quarantine list/show/release/delete/confirm through the built binary, on the embedded file
// quarantine and on Redis; release re-injects to a real Postfix smtp-sink and into a Maildir.
import { copyFileSync, readdirSync, readFileSync, statSync } from "node:fs"
import { join } from "node:path"
import { Classifier } from "@mailmoat/antispam"
import { RedisConnection, RedisQuarantineStore } from "@mailmoat/redis"
import { Envelope } from "@mailmoat/core"
import { FileQuarantineStore } from "@mailmoat/platform-node"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { type RedisPeer, startRedis } from "../../../packages/antispam/test/support/redis.ts"
import { type ClamdPeer, eicar, startClamd } from "../../../packages/antispam/test/threat/support/clamd.ts"
import { freePort, SmtpSink } from "../../../packages/protocols/test/delivery/support/peers.ts"
import { hasStackTrace, mailmoat, spamMessage, tmp, writeConfig } from "./support/cli.ts"

const crlf = (s: string) => new TextEncoder().encode(s.replace(/\r?\n/g, "\r\n"))
const envelope = Envelope.make({
  clientAddress: "192.0.2.7",
  helo: "mail.example.net",
  mailFrom: "bounce@example.net",
  rcptTo: ["user@example.org", "other@example.org"]
})
const verdict = {
  class: "spam" as const,
  score: 9,
  symbols: [{ name: "RBL_LISTED", score: 6, source: "rbl", detail: "192.0.2.7 via bl.test" }],
  trace: []
}

let sink: SmtpSink
let redis: RedisPeer
beforeAll(async () => {
  sink = await SmtpSink.start()
  redis = await startRedis()
})
afterAll(async () => {
  await sink?.stop()
  await redis?.stop()
})

/** A configuration with its own data directory and one quarantined message; returns both. */
const setup = async (config: Record<string, unknown> = {}, subject = "quarantined one") => {
  const dir = tmp()
  const file = writeConfig({ dataDir: join(dir, "data"), smtp: { hostname: "gw.test" }, ...config }, dir)
  const store = FileQuarantineStore.make({ root: join(dir, "data", "quarantine") })
  const bytes = crlf(spamMessage(subject))
  const id = await store.put({
    envelope,
    recipients: ["user@example.org"],
    reason: "spam (score 9.0)",
    verdict,
    message: bytes
  })
  return { dir, file, id, bytes, store }
}

/** Releases `id` from `n` CLI processes at once; exactly one delivers into `mail`, the others say so. */
const releaseConcurrently = async (file: string, id: string, mail: string, n = 6) => {
  const results = await Promise.all(
    Array.from({ length: n }, () => mailmoat(["quarantine", "release", id, "--config", file], { timeoutMs: 60_000 }))
  )
  const winners = results.filter((r) => r.code === 0)
  expect(winners, results.map((r) => `${r.code} ${r.stdout}${r.stderr}`).join("\n")).toHaveLength(1)
  expect(winners[0]!.stdout).toMatch(new RegExp(`^released ${id} to maildir `))
  for (const r of results.filter((r) => r.code !== 0)) {
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(
      new RegExp(
        `^mailmoat: ${id} (was already released \\(at \\d{4}-|is already being released by another process \\(since \\d{4}-)`
      )
    )
    expect(r.stderr.trim().split("\n")).toHaveLength(1)
    expect(hasStackTrace(r.stderr)).toBe(false)
  }
  expect(readdirSync(join(mail, "user@example.org", "new"))).toHaveLength(1)
  const late = await mailmoat(["quarantine", "release", id, "--config", file])
  expect(late.code).toBe(1)
  expect(late.stderr).toMatch(new RegExp(`^mailmoat: ${id} was already released \\(at `))
  expect(JSON.parse((await mailmoat(["quarantine", "list", "--config", file, "--json"])).stdout).total).toBe(0)
}

describe("quarantine on the embedded file store", () => {
  test("list, show (text, JSON, raw) and delete", async () => {
    const { file, id, bytes, store } = await setup()
    const second = await store.put({ envelope, reason: "r", message: crlf(spamMessage("second one")) })
    const l = await mailmoat(["quarantine", "list", "--config", file, "--json"])
    expect(l.code, l.stderr).toBe(0)
    const page = JSON.parse(l.stdout)
    expect(page.total).toBe(2)
    expect(page.entries.map((e: { id: string }) => e.id)).toEqual([second, id])
    const text = await mailmoat(["quarantine", "list", "--config", file, "--limit", "1"])
    expect(text.stdout).toMatch(/^2 quarantined messages \(files /)
    expect(text.stdout).toContain(second)
    expect(text.stdout).not.toContain(id)

    const show = await mailmoat(["quarantine", "show", id, "--config", file])
    expect(show.code).toBe(0)
    expect(show.stdout).toMatch(/^mail from {3}<bounce@example\.net>$/m)
    expect(show.stdout).toMatch(/^recipients {2}user@example\.org \(of user@example\.org, other@example\.org\)$/m)
    expect(show.stdout).toMatch(/^subject {5}quarantined one$/m)
    expect(show.stdout).toMatch(/RBL_LISTED +6\.00 +rbl +192\.0\.2\.7 via bl\.test/)
    const json = JSON.parse((await mailmoat(["quarantine", "show", id, "--config", file, "--json"])).stdout)
    expect(json).toMatchObject({
      id,
      reason: "spam (score 9.0)",
      recipients: ["user@example.org"],
      envelope: { mailFrom: "bounce@example.net" },
      verdict: { class: "spam", score: 9 }
    })
    const raw = await mailmoat(["quarantine", "show", id, "--config", file, "--raw"])
    expect(raw.stdout).toBe(new TextDecoder().decode(bytes))

    expect(await mailmoat(["quarantine", "delete", id, "--config", file])).toMatchObject({
      code: 0,
      stdout: `deleted ${id}\n`
    })
    const again = await mailmoat(["quarantine", "delete", id, "--config", file])
    expect(again.code).toBe(2)
    expect(again.stderr).toBe(`mailmoat: no quarantined message with id ${id}\n`)
    const bad = await mailmoat(["quarantine", "show", "../../etc/passwd", "--config", file])
    expect(bad.code).toBe(2)
    expect(hasStackTrace(again.stderr + bad.stderr)).toBe(false)
  }, 90_000)

  test("release to a real smtp-sink with the original envelope, then the entry is gone", async () => {
    const { file, id } = await setup(
      { delivery: { downstream: { host: "127.0.0.1", port: sink.port } } },
      "release to sink"
    )
    const r = await mailmoat(["quarantine", "release", id, "--config", file])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(
      new RegExp(
        `^released ${id} to smtp 127\\.0\\.0\\.1:${sink.port} for user@example\\.org; nothing learned: the bundled model is read-only`
      )
    )
    const dump = sink.dumpWith("Subject: release to sink")
    expect(dump).toMatch(/X-Mail-Args: <bounce@example\.net>/)
    expect(dump).toMatch(/^X-Rcpt-Args: <user@example\.org>$/m)
    expect(dump).not.toMatch(/X-Rcpt-Args: <other@example\.org>/)
    expect(dump).toContain("GTUBE")
    expect(JSON.parse((await mailmoat(["quarantine", "list", "--config", file, "--json"])).stdout).total).toBe(0)
  }, 60_000)

  test("release into the Maildir, and learning as ham into the configured model file", async () => {
    const dir = tmp()
    const model = join(dir, "model.gz")
    copyFileSync(Classifier.shippedModelPath(), model)
    const before = readFileSync(model)
    const { file, id, bytes } = await setup(
      { delivery: { maildir: join(dir, "mail") }, classifier: { model } },
      "release to maildir"
    )
    const r = await mailmoat(["quarantine", "release", id, "--config", file, "--json"])
    expect(r.code, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout)).toMatchObject({
      id,
      released: true,
      destination: `maildir ${join(dir, "mail")}`,
      recipients: ["user@example.org"],
      learned: `classifier learned it as ham (${model})`
    })
    const delivered = readdirSync(join(dir, "mail", "user@example.org", "new"))
    expect(delivered).toHaveLength(1)
    expect(readFileSync(join(dir, "mail", "user@example.org", "new", delivered[0]!))).toEqual(Buffer.from(bytes))
    expect(readFileSync(model).equals(before)).toBe(false)
  }, 60_000)

  test("confirm marks the entry and feeds the classifier as spam", async () => {
    const dir = tmp()
    const model = join(dir, "model.gz")
    copyFileSync(Classifier.shippedModelPath(), model)
    const nspam = Classifier.loadModel(model).nspam
    const { file, id } = await setup({ classifier: { model } })
    const r = await mailmoat(["quarantine", "confirm", id, "--config", file])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toBe(`confirmed ${id} as spam; classifier learned it as spam (${model})\n`)
    expect(Classifier.loadModel(model).nspam).toBe(nspam + 1)
    expect(
      JSON.parse((await mailmoat(["quarantine", "show", id, "--config", file, "--json"])).stdout).confirmedAt
    ).toEqual(expect.any(String))
  }, 60_000)

  test("concurrent releases of one id: one delivers, the others say already released", async () => {
    const dir = tmp()
    const { file, id } = await setup({ delivery: { maildir: join(dir, "mail") } }, "race files")
    await releaseConcurrently(file, id, join(dir, "mail"))
  }, 120_000)

  test("a release the downstream cannot take is exit 1 and keeps the entry", async () => {
    const port = await freePort()
    const { file, id } = await setup({ delivery: { downstream: { host: "127.0.0.1", port } } })
    const r = await mailmoat(["quarantine", "release", id, "--config", file])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(new RegExp(`^mailmoat: release of ${id} failed, the message stays in the quarantine: `))
    expect(hasStackTrace(r.stderr)).toBe(false)
    expect(JSON.parse((await mailmoat(["quarantine", "list", "--config", file, "--json"])).stdout).total).toBe(1)
  }, 60_000)
})

describe("release rescans with a real clamd (antispam.virus)", () => {
  let clamd: ClamdPeer
  beforeAll(async () => {
    clamd = await startClamd()
  })
  afterAll(() => clamd?.stop())

  test("a virus the rescan finds keeps the entry (exit 1, recorded); --allow-virus releases it with a warn line; a clean one says clean", async () => {
    const dir = tmp()
    const mail = join(dir, "mail")
    const { file, id, store } = await setup(
      { delivery: { maildir: mail }, antispam: { virus: { clamd: { socket: clamd.socket } } } },
      "clean on release"
    )
    const infected = await store.put({
      envelope,
      recipients: ["user@example.org"],
      reason: "spam (score 9.0)",
      verdict,
      message: crlf(`${spamMessage("infected on release")}\n${new TextDecoder().decode(eicar())}\n`)
    })
    const refused = await mailmoat(["quarantine", "release", infected, "--config", file])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(
      new RegExp(`^mailmoat: release of ${infected}: ${infected} carries a virus \\(Mailmoat\\.Test\\.EICAR\\.`, "m")
    )
    expect(refused.stderr).toMatch(/ warn quarantine_release_refused .*by="mailmoat CLI \(user [^)]+\)"/)
    expect(hasStackTrace(refused.stderr)).toBe(false)
    const shown = JSON.parse((await mailmoat(["quarantine", "show", infected, "--config", file, "--json"])).stdout)
    expect(shown.virusFound.signature).toMatch(/^Mailmoat\.Test\.EICAR\./)

    const forced = await mailmoat(["quarantine", "release", infected, "--config", file, "--allow-virus", "--json"])
    expect(forced.code, forced.stderr).toBe(0)
    expect(JSON.parse(forced.stdout)).toMatchObject({
      released: true,
      scan: expect.stringMatching(/^found /),
      // Released, never learned as ham.
      learned: expect.stringMatching(/^not learned: it carries a virus \(Mailmoat\.Test\.EICAR\./)
    })
    expect(forced.stderr).toMatch(
      / warn quarantine_released .*override="allowVirus" signature="Mailmoat\.Test\.EICAR\./
    )

    const clean = await mailmoat(["quarantine", "release", id, "--config", file])
    expect(clean.code, clean.stderr).toBe(0)
    expect(clean.stdout).toMatch(
      new RegExp(`^released ${id} to maildir .* for user@example\\.org \\(virus scan: clean\\); `)
    )
    expect(clean.stderr).toBe("")
    expect(readdirSync(join(mail, "user@example.org", "new"))).toHaveLength(2)
  }, 90_000)
})

describe("quarantine on Redis (state.backend: redis)", () => {
  test("concurrent releases of one id: one delivers, the others say already released", async () => {
    const dir = tmp()
    const prefix = `race${Date.now()}:`
    const file = writeConfig(
      {
        dataDir: join(dir, "data"),
        state: { backend: "redis", url: redis.url, keyPrefix: prefix },
        delivery: { maildir: join(dir, "mail") }
      },
      dir
    )
    const node = RedisQuarantineStore.make(RedisConnection.make({ url: redis.url, keyPrefix: prefix }))
    const id = await node.put({
      envelope,
      recipients: ["user@example.org"],
      reason: "spam",
      verdict,
      message: crlf(spamMessage("race redis"))
    })
    await node.close()
    await releaseConcurrently(file, id, join(dir, "mail"))
  }, 120_000)

  test("list, confirm (shared learning) and release of an entry another node stored", async () => {
    const dir = tmp()
    const prefix = `cli${Date.now()}:`
    const file = writeConfig(
      {
        dataDir: join(dir, "data"),
        state: { backend: "redis", url: redis.url, keyPrefix: prefix },
        delivery: { maildir: join(dir, "mail") }
      },
      dir
    )
    const node = RedisQuarantineStore.make(RedisConnection.make({ url: redis.url, keyPrefix: prefix }))
    const id = await node.put({ envelope, reason: "spam", verdict, message: crlf(spamMessage("from redis")) })
    await node.close()
    const l = await mailmoat(["quarantine", "list", "--config", file, "--json"])
    expect(l.code, l.stderr).toBe(0)
    expect(JSON.parse(l.stdout)).toMatchObject({ total: 1, entries: [{ id, subject: "from redis" }] })
    expect(JSON.parse(l.stdout).store).toMatch(/^redis /)
    const c = await mailmoat(["quarantine", "confirm", id, "--config", file, "--json"])
    expect(c.code, c.stderr).toBe(0)
    expect(JSON.parse(c.stdout).learned).toMatch(/^classifier learned it as spam \(learned counts in redis /)
    const r = await mailmoat(["quarantine", "release", id, "--config", file])
    expect(r.code, r.stderr).toBe(0)
    expect(readdirSync(join(dir, "mail"))).toEqual(["other@example.org", "user@example.org"])
    expect(statSync(join(dir, "mail", "user@example.org", "new")).isDirectory()).toBe(true)
    expect(JSON.parse((await mailmoat(["quarantine", "list", "--config", file, "--json"])).stdout).total).toBe(0)
  }, 90_000)

  test("an unreachable Redis is exit 1 with one line", async () => {
    const port = await freePort()
    const file = writeConfig({ state: { backend: "redis", url: `redis://127.0.0.1:${port}` } })
    const r = await mailmoat(["quarantine", "list", "--config", file])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^mailmoat: quarantine \(redis redis:\/\/127\.0\.0\.1:\d+ .*\): listing: /)
    expect(r.stderr.trim().split("\n")).toHaveLength(1)
  }, 60_000)
})
