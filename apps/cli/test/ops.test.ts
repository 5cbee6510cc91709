// Day-to-day operation from the command line: the quarantine digest sent now (with the
// configuration from MAILMOAT_CONFIG), and progress of commands over a directory on a terminal
// (a real pseudo-terminal through util-linux `script`) but not in a pipe.
import { execFile } from "node:child_process"
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { Envelope } from "@mailmoat/core"
import { startGateway } from "@mailmoat/gateway"
import { FileQuarantineStore } from "@mailmoat/platform-node"
import { RedisConnection, RedisQuarantineStore } from "@mailmoat/redis"
import { describe, expect, test } from "vitest"
import { startRedis } from "../../../packages/antispam/test/support/redis.ts"
import { makeProgress, progressLine } from "../src/cli/Progress.ts"
import { bin, corpus, mailmoat, spamMessage, tmp, writeConfig } from "./support/cli.ts"

const crlf = (s: string) => new TextEncoder().encode(s.replace(/\r?\n/g, "\r\n"))
const decodeQp = (s: string) =>
  Buffer.from(
    s.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16))),
    "latin1"
  ).toString("utf8")

describe("quarantine digest", () => {
  test("MAILMOAT_CONFIG names the configuration; each recipient gets one digest with a signed link; nothing twice", async () => {
    const dir = tmp()
    const file = writeConfig(
      {
        dataDir: join(dir, "data"),
        smtp: { hostname: "gw.test" },
        quarantine: {
          digest: { from: "quarantine@gw.test", baseUrl: "https://mail.example.org:8025/", linkTtlHours: 48 }
        }
      },
      dir
    )
    const store = FileQuarantineStore.make({ root: join(dir, "data", "quarantine") })
    const envelope = Envelope.make({
      clientAddress: "192.0.2.7",
      helo: "mail.example.net",
      mailFrom: "bounce@example.net",
      rcptTo: ["user@example.org", "boss@example.org"]
    })
    await store.put({
      envelope,
      recipients: ["user@example.org"],
      reason: "spam",
      message: crlf(spamMessage("cheap pills"))
    })
    await store.put({
      envelope,
      recipients: ["user@example.org", "boss@example.org"],
      reason: "spam",
      message: crlf(spamMessage("you won a prize"))
    })
    const r = await mailmoat(["quarantine", "digest"], { env: { MAILMOAT_CONFIG: file }, timeoutMs: 90_000 })
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toBe("sent boss@example.org: 1 message\nsent user@example.org: 2 messages\n")
    const inbox = join(dir, "data", "maildir", "user@example.org", "new")
    const [name, ...more] = readdirSync(inbox)
    expect(more).toEqual([])
    const raw = readFileSync(join(inbox, name!), "utf8")
    expect(raw).toMatch(/^From: Mailmoat quarantine <quarantine@gw\.test>\r\n/m)
    expect(raw).toMatch(/^Subject: Quarantine digest: 2 new messages\r\n/m)
    const body = decodeQp(raw.slice(raw.indexOf("\r\n\r\n") + 4))
    expect(body).toContain("Subject: cheap pills")
    expect(body).toContain("Subject: you won a prize")
    expect(body).toMatch(/^https:\/\/mail\.example\.org:8025\/q\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\r?$/m)
    expect(readdirSync(join(dir, "data", "maildir", "boss@example.org", "new"))).toHaveLength(1)
    // Nothing new: nobody gets a second digest.
    const again = await mailmoat(["quarantine", "digest", "--config", file, "--json"], { timeoutMs: 90_000 })
    expect(again.code, again.stderr).toBe(0)
    expect(JSON.parse(again.stdout)).toEqual({ digests: [] })
  }, 200_000)

  test("with state.backend redis the links are signed with the fleet's key and sent once for the fleet", async () => {
    const redis = await startRedis()
    const connection = RedisConnection.make({ url: redis.url, keyPrefix: "ops:" })
    const state = { backend: "redis", url: redis.url, keyPrefix: "ops:" }
    // Another node of the fleet, with a data directory (and so a digest.key) of its own.
    const node = await startGateway({
      dataDir: join(tmp(), "data"),
      smtp: { host: "127.0.0.1", port: 0 },
      admin: { enabled: true, host: "127.0.0.1", port: 0, token: "test-admin-token-0123456789abcdef" },
      state
    })
    try {
      const dir = tmp()
      const file = writeConfig(
        {
          dataDir: join(dir, "data"),
          smtp: { hostname: "gw.test" },
          state,
          quarantine: { digest: { from: "quarantine@gw.test", baseUrl: "https://mail.example.org/" } }
        },
        dir
      )
      await RedisQuarantineStore.make(connection).put({
        envelope: Envelope.make({
          clientAddress: "192.0.2.7",
          mailFrom: "b@example.net",
          rcptTo: ["user@example.org"]
        }),
        recipients: ["user@example.org"],
        reason: "spam",
        message: crlf(spamMessage("cheap pills"))
      })
      const r = await mailmoat(["quarantine", "digest", "--config", file], { timeoutMs: 90_000 })
      expect(r.code, r.stderr).toBe(0)
      const inbox = join(dir, "data", "maildir", "user@example.org", "new")
      const raw = readFileSync(join(inbox, readdirSync(inbox)[0]!), "utf8")
      const link = /\/q\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)\r?$/m.exec(
        decodeQp(raw.slice(raw.indexOf("\r\n\r\n") + 4))
      )?.[1]
      expect(link).toBeDefined()
      const page = await fetch(`http://127.0.0.1:${node.admin!.port}/q/${link}`)
      expect(page.status).toBe(200)
      expect(await page.text()).toContain("cheap pills")
      // Not the data directory's key nor ledger: none was made.
      expect(existsSync(join(dir, "data", "digest.key"))).toBe(false)
      expect(existsSync(join(dir, "data", "digest-state.json"))).toBe(false)
      // The same command from another node's configuration: the fleet's ledger says it was sent.
      const other = tmp()
      const otherFile = writeConfig(
        {
          dataDir: join(other, "data"),
          smtp: { hostname: "gw.test" },
          state,
          quarantine: { digest: { from: "quarantine@gw.test", baseUrl: "https://mail.example.org/" } }
        },
        other
      )
      const again = await mailmoat(["quarantine", "digest", "--config", otherFile, "--json"], { timeoutMs: 90_000 })
      expect(again.code, again.stderr).toBe(0)
      expect(JSON.parse(again.stdout)).toEqual({ digests: [] })
      // While a node of the fleet is sending, the command waits for nothing and says so.
      await connection.call("set", (c) =>
        c.set("ops:digest:lease", JSON.stringify({ holder: "gw2.example.org pid 4242", token: "x" }), "PX", "60000")
      )
      const busy = await mailmoat(["quarantine", "digest", "--config", otherFile], { timeoutMs: 90_000 })
      expect(busy.code).toBe(1)
      expect(busy.stderr).toContain(
        "another digest run is in progress (gw2.example.org pid 4242, redis (ops:digest:*)): try again when it has finished"
      )
    } finally {
      await node.close()
      await connection.close()
      await redis.stop()
    }
  }, 200_000)

  test("without digest.from and baseUrl: exit 2, one line per missing key", async () => {
    const file = writeConfig({ dataDir: join(tmp(), "data") })
    const r = await mailmoat(["quarantine", "digest", "--config", file], { timeoutMs: 90_000 })
    expect(r.code).toBe(2)
    expect(r.stderr).toContain("quarantine.digest.from: expected the sender address of the digest")
    expect(r.stderr).toContain("quarantine.digest.baseUrl: expected the public URL of the quarantine pages")
  }, 100_000)
})

/** Runs the CLI inside a pseudo-terminal (`script`), so stderr is a TTY; resolves with the transcript. */
const onTerminal = (args: ReadonlyArray<string>): Promise<string> =>
  new Promise((resolve, reject) => {
    const command = [process.execPath, bin, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ")
    execFile(
      "script",
      ["-qec", command, "/dev/null"],
      { timeout: 60_000, env: { ...process.env, TERM: "dumb" } },
      (error, stdout) => (error ? reject(error) : resolve(stdout))
    )
  })

describe("progress over a directory", () => {
  test("train and eval on a terminal show count, rate and time; in a pipe they do not", async () => {
    const c = corpus()
    const out = join(c.dir, "model.gz")
    const trained = await onTerminal(["train", "--ham", c.ham, "--spam", c.spam, "--out", out])
    expect(trained).toMatch(/\rtokenizing 60\/60 \(100%\) {2}[\d.]+ msg\/s {2}\d+s total\x1b\[K\r?\n/)
    expect(existsSync(out)).toBe(true)
    const evaluated = await onTerminal(["eval", "--ham", c.ham, "--spam", c.spam, "--model", out])
    expect(evaluated).toMatch(/\rclassifying 60\/60 \(100%\)/)
    const piped = await mailmoat(["eval", "--ham", c.ham, "--spam", c.spam, "--model", out], { timeoutMs: 90_000 })
    expect(piped.code).toBe(0)
    expect(piped.stderr).not.toContain("classifying")
    expect(piped.stdout).not.toContain("\r")
  }, 120_000)

  test("the progress line: counts, percentage, rate, time left; throttled; off when not a terminal", () => {
    expect(progressLine("x", 250, 1000, 5)).toBe("x 250/1000 (25%)  50 msg/s  15s left")
    expect(progressLine("x", 3, 7200, 1)).toBe("x 3/7200 (0%)  3.0 msg/s  39m59s left")
    expect(progressLine("x", 10, 10, 125)).toBe("x 10/10 (100%)  0.1 msg/s  2m05s total")
    expect(makeProgress("x", { stream: { isTTY: false, write: () => true } })).toBeUndefined()
    expect(makeProgress("x", { stream: { isTTY: true, write: () => true }, enabled: false })).toBeUndefined()
    const written: Array<string> = []
    let t = 0
    const p = makeProgress("x", { stream: { isTTY: true, write: (s: string) => written.push(s) }, now: () => t })!
    for (let i = 1; i <= 10; i++) {
      t = i * 30
      p(i, 10)
    }
    // Redrawn at most every 100 ms, and always at the end (with a newline).
    expect(written).toHaveLength(3)
    expect(written.at(-1)).toBe("\rx 10/10 (100%)  33 msg/s  0s total\x1b[K\n")
  })
})
