// config validate / defaults and lists import / export through the built binary.
import { existsSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { ListFile, ListStore } from "@mailmoat/antispam"
import { RedisConnection, RedisListDocuments } from "@mailmoat/redis"
import { describe, expect, test } from "vitest"
import { listKinds } from "../src/commands/lists.ts"
import { startRedis } from "../../../packages/antispam/test/support/redis.ts"
import { startRbldnsd } from "../../../packages/core/test/dns/support/rbldnsd.ts"
import { makeServerCert } from "../../../packages/protocols/test/smtp/support/sclient.ts"
import { opensslCa } from "../../gateway/test/support/opensslCa.ts"
import { hamMessage, hasStackTrace, mailmoat, tmp, writeConfig } from "./support/cli.ts"

describe("config", () => {
  test("config defaults prints YAML that validates as it is", async () => {
    const r = await mailmoat(["config", "defaults"])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^dataDir: /m)
    expect(r.stdout).toMatch(/^antispam:/m)
    const dir = tmp()
    writeFileSync(join(dir, "defaults.yaml"), r.stdout)
    const v = await mailmoat(["config", "validate", "defaults.yaml"], { cwd: dir })
    expect(v).toMatchObject({ code: 0, stdout: "defaults.yaml: valid\n" })
  })

  test("a bad configuration: every problem on its own line, exit 2, no stack trace", async () => {
    const dir = tmp()
    writeFileSync(join(dir, "bad.yaml"), "smtp:\n  port: seventy\n  prot: 25\nantispam:\n  onSpam: explode\n")
    const r = await mailmoat(["config", "validate", "bad.yaml"], { cwd: dir })
    expect(r.code).toBe(2)
    expect(r.stdout).toBe("")
    const lines = r.stderr.trim().split("\n")
    expect(lines[0]).toBe("bad.yaml: 3 problems")
    expect(r.stderr).toMatch(/^ {2}smtp\.port: expected .*got "seventy"$/m)
    expect(r.stderr).toMatch(/^ {2}smtp\.prot: unknown key \(did you mean port\?\)/m)
    expect(r.stderr).toMatch(/^ {2}antispam\.onSpam: expected .*got "explode"$/m)
    expect(hasStackTrace(r.stderr)).toBe(false)
    const j = await mailmoat(["config", "validate", "bad.yaml", "--json"], { cwd: dir })
    expect(j.code).toBe(2)
    expect(JSON.parse(j.stdout)).toMatchObject({
      file: "bad.yaml",
      valid: false,
      problems: expect.arrayContaining([expect.stringMatching(/^smtp\.port:/)])
    })
  })

  test("antispam.recipientDelimiter: a set of delimiter characters, empty for none; anything else is exit 2", async () => {
    const dir = tmp()
    for (const ok of ['"-"', '"+-"', '""']) {
      writeFileSync(join(dir, "d.yaml"), `antispam:\n  recipientDelimiter: ${ok}\n`)
      expect(await mailmoat(["config", "validate", "d.yaml"], { cwd: dir }), ok).toMatchObject({ code: 0 })
    }
    writeFileSync(join(dir, "d.yaml"), 'antispam:\n  recipientDelimiter: "+@"\n')
    const r = await mailmoat(["config", "validate", "d.yaml"], { cwd: dir })
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(
      /^ {2}antispam\.recipientDelimiter: expected a set of sub-address delimiter characters from .* \(empty = no sub-addresses\), got "\+@"$/m
    )
  })

  test("classifier.autolearn: off by default; bad thresholds or cap are exit 2, each named", async () => {
    const dir = tmp()
    const defaults = await mailmoat(["config", "defaults"])
    expect(defaults.stdout).toMatch(/^ {2}autolearn:\n(?: {4}#.*\n)* {4}enabled: false$/m)
    writeFileSync(join(dir, "ok.yaml"), "classifier:\n  autolearn:\n    enabled: true\n    maxPerHour: 50\n")
    expect(await mailmoat(["config", "validate", "ok.yaml"], { cwd: dir })).toMatchObject({ code: 0 })
    writeFileSync(
      join(dir, "al.yaml"),
      "classifier:\n  autolearn:\n    enabled: maybe\n    spamAbove: 1.5\n    maxPerHour: 0\n    learnAll: true\n"
    )
    const r = await mailmoat(["config", "validate", "al.yaml"], { cwd: dir })
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^ {2}classifier\.autolearn\.enabled: expected true or false, got "maybe"$/m)
    expect(r.stderr).toMatch(/^ {2}classifier\.autolearn\.spamAbove: expected a number from 0 to 1, got 1\.5$/m)
    expect(r.stderr).toMatch(/^ {2}classifier\.autolearn\.maxPerHour: expected an integer >= 1, got 0$/m)
    expect(r.stderr).toMatch(/^ {2}classifier\.autolearn\.learnAll: unknown key/m)
    writeFileSync(join(dir, "order.yaml"), "classifier:\n  autolearn:\n    spamAbove: 0.3\n    hamBelow: 0.5\n")
    const o = await mailmoat(["config", "validate", "order.yaml"], { cwd: dir })
    expect(o.code).toBe(2)
    expect(o.stderr).toMatch(/classifier\.autolearn\.spamAbove: .*greater than hamBelow \(0\.5\)/)
    expect(hasStackTrace(o.stderr)).toBe(false)
  })

  test("YAML syntax errors name the line; a missing file is exit 2 too", async () => {
    const dir = tmp()
    writeFileSync(join(dir, "broken.yaml"), "smtp:\n  port: [1, 2\n")
    const r = await mailmoat(["config", "validate", "broken.yaml"], { cwd: dir })
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/broken\.yaml:\d+/)
    const missing = await mailmoat(["config", "validate", "nope.yaml"], { cwd: dir })
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/nope\.yaml: cannot read the configuration file/)
    expect(hasStackTrace(r.stderr + missing.stderr)).toBe(false)
  })

  test("a mismatched smtp.tls key: exit 2, the key and the file named; an expired certificate: a warning, exit 0", async () => {
    const dir = tmp()
    const certs = join(dir, "certs")
    const expired = makeServerCert(certs, "old.test", { serial: 1, expired: true })
    const valid = makeServerCert(certs, "mx.test", { serial: 2 })
    const other = makeServerCert(certs, "other.test", { serial: 3 })
    const config = (cert: string, key: string) =>
      writeFileSync(join(dir, "tls.yaml"), `smtp:\n  tls: { certFile: ${cert}, keyFile: ${key} }\n`)
    config(expired.certFile, expired.keyFile)
    let r = await mailmoat(["config", "validate", "tls.yaml"], { cwd: dir })
    expect(r.code).toBe(0)
    expect(r.stderr).toMatch(
      /^ {2}warning: smtp\.tls\.certFile: \S*old\.test\.pem expired: valid from 2020-01-01T00:00:00\.000Z/m
    )
    config(valid.certFile, other.keyFile)
    r = await mailmoat(["config", "validate", "tls.yaml"], { cwd: dir })
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^ {2}smtp\.tls\.keyFile: \S*other\.test\.key does not belong to the certificate/m)
    config(valid.certFile, valid.keyFile)
    expect(await mailmoat(["config", "validate", "tls.yaml"], { cwd: dir })).toMatchObject({ code: 0 })
  })

  test("the proxies' interception CA: keyUsage without keyCertSign is exit 2; a CA ending within a week a warning", async () => {
    const dir = tmp()
    opensslCa(dir, "nosign", 365, "digitalSignature")
    opensslCa(dir, "soon", 3, "keyCertSign,cRLSign")
    const config = (name: string) =>
      writeFileSync(
        join(dir, "ca.yaml"),
        `protocols:\n  listeners: [{ listen: "127.0.0.1:1143", upstream: "127.0.0.1:143" }]\n  ca: { cert: ${name}.pem, key: ${name}.key }\n`
      )
    config("nosign")
    let r = await mailmoat(["config", "validate", "ca.yaml"], { cwd: dir })
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(
      /^ {2}protocols\.ca: \S*nosign\.pem cannot sign certificates: its keyUsage lacks keyCertSign/m
    )
    config("soon")
    r = await mailmoat(["config", "validate", "ca.yaml"], { cwd: dir })
    expect(r.code).toBe(0)
    expect(r.stderr).toMatch(/^ {2}warning: protocols\.ca\.cert: soon\.pem expires \d{4}-/m)
    config("missing")
    r = await mailmoat(["config", "validate", "ca.yaml"], { cwd: dir })
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^ {2}protocols\.ca: the interception CA cannot be read .*mailmoat ca init/m)
  })

  test("every command refuses a bad --config with exit 2 and the problems", { timeout: 60_000 }, async () => {
    const config = writeConfig({ dataDir: 5, antispam: { rbl: { timeoutSeconds: -1 } } })
    for (const args of [
      ["quarantine", "list"],
      ["lists", "export", "rbl"],
      ["check", "ip", "192.0.2.1"],
      ["scan", "-"],
      ["ca", "show"]
    ]) {
      const r = await mailmoat([...args, "--config", config])
      expect(r.code, args.join(" ")).toBe(2)
      expect(r.stderr).toMatch(/^mailmoat: invalid configuration /)
      expect(r.stderr).toMatch(/dataDir: expected/)
      expect(hasStackTrace(r.stderr)).toBe(false)
    }
  })

  test("a weight for a symbol no stage declares: scan exits 2 naming antispam.scores (a typed error, not a crash)", async () => {
    const config = writeConfig({
      dataDir: `${tmp()}/data`,
      antispam: { scores: { NO_SUCH_SYMBOL: 3 }, endUserBlocklist: { enabled: false } },
      classifier: { enabled: false }
    })
    const r = await mailmoat(["scan", "-", "--config", config], { input: hamMessage() })
    expect(r.code, r.stderr).toBe(2)
    expect(r.stderr).toMatch(/^mailmoat: invalid configuration /)
    expect(r.stderr).toContain("antispam.scores: no stage declares NO_SUCH_SYMBOL")
    expect(r.stderr).not.toContain("internal error")
    expect(hasStackTrace(r.stderr)).toBe(false)
  })
})

describe("lists import / export", () => {
  test("the CLI offers exactly antispam's list kinds", () => {
    expect([...listKinds]).toEqual([...ListFile.listKinds])
  })

  // One test per kind (each spawns the CLI twice): on a loaded machine a CLI start can take
  // seconds, and one test for every kind at once ran past its timeout.
  const lists: Record<string, string> = {
    rbl: "# our zones\nbl.example\nzen.example:127.0.0.4  # only code 4\n\nbl.example\n",
    dnsbl: "dbl.example\nuri.example:127.0.1.2\n",
    enduser: "192.0.2.0/24\n2001:db8::1\nspammer@example.net\nbad.example\n",
    allowedIps: "10.0.0.0/8\n2001:db8::/32\n"
  }

  test("every kind has a round-trip case below", () => {
    expect(Object.keys(lists).sort()).toEqual([...ListFile.listKinds].sort())
  })

  test.each(Object.entries(lists))(
    "round trip of %s: export(import(x)) keeps the entries",
    {
      timeout: 90_000
    },
    async (kind, text) => {
      const dir = tmp()
      const config = writeConfig({ dataDir: join(dir, "data") }, dir)
      writeFileSync(join(dir, `${kind}.txt`), text)
      const r = await mailmoat(["lists", "import", kind, join(dir, `${kind}.txt`), "--config", config])
      expect(r.code, r.stderr).toBe(0)
      expect(r.stdout).toMatch(new RegExp(`^imported \\d+ ${kind} entr`))
      const e = await mailmoat(["lists", "export", kind, "--config", config])
      expect(e.code).toBe(0)
      const parsed = ListFile.parseListFile(kind as ListFile.ListKind, text)
      const exported = ListFile.parseListFile(kind as ListFile.ListKind, e.stdout)
      expect(exported).toEqual(parsed)
      if (kind === "rbl")
        expect(readFileSync(join(dir, "data", "lists", "rbl.list"), "utf8")).toContain("zen.example:127.0.0.4")
    }
  )

  test("importing an export (from stdin) changes nothing", { timeout: 90_000 }, async () => {
    const dir = tmp()
    const config = writeConfig({ dataDir: join(dir, "data") }, dir)
    writeFileSync(join(dir, "enduser.txt"), lists.enduser!)
    expect((await mailmoat(["lists", "import", "enduser", join(dir, "enduser.txt"), "--config", config])).code).toBe(0)
    const before = await mailmoat(["lists", "export", "enduser", "--config", config])
    expect(
      (await mailmoat(["lists", "import", "enduser", "-", "--config", config], { input: before.stdout })).code
    ).toBe(0)
    expect((await mailmoat(["lists", "export", "enduser", "--config", config])).stdout).toBe(before.stdout)
  })

  test("with state.backend redis an import lands in Redis and reaches a running node at once", {
    timeout: 90_000
  }, async () => {
    const redis = await startRedis()
    const connection = RedisConnection.make({ url: redis.url })
    const node = RedisListDocuments.make({ client: connection.client, names: ["enduser"] })
    try {
      await node.ready
      const dir = tmp()
      const config = writeConfig({ dataDir: join(dir, "data"), state: { backend: "redis", url: redis.url } }, dir)
      writeFileSync(join(dir, "enduser.txt"), "spammer@example.net\n192.0.2.0/24\n")
      const r = await mailmoat(["lists", "import", "enduser", join(dir, "enduser.txt"), "--config", config])
      expect(r.code, r.stderr).toBe(0)
      expect(r.stdout).toMatch(/^imported 2 enduser entries into redis/)
      for (let i = 0; i < 100 && node.read("enduser") === undefined; i++)
        await new Promise((res) => setTimeout(res, 20))
      expect(ListStore.make(node).entries("enduser")).toEqual(["spammer@example.net", "192.0.2.0/24"])
      const exported = (await mailmoat(["lists", "export", "enduser", "--config", config])).stdout
      expect(ListFile.parseListFile("enduser", exported)).toEqual({
        ok: true,
        entries: ["spammer@example.net", "192.0.2.0/24"]
      })
      expect(existsSync(join(dir, "data", "lists"))).toBe(false)
    } finally {
      await node.close()
      await connection.close()
      await redis.stop()
    }
  })

  test("with state.backend redis, check and scan read the lists the fleet keeps in Redis, not the files", {
    timeout: 90_000
  }, async () => {
    const redis = await startRedis()
    // The resolver the scan's DNS questions go to (reverse DNS, SPF): loopback only.
    const dns = await startRbldnsd([{ zone: "bl.test", type: "ip4set", data: "127.0.0.2\n" }])
    try {
      const dir = tmp()
      const config = writeConfig(
        {
          dataDir: join(dir, "data"),
          state: { backend: "redis", url: redis.url },
          antispam: { endUserBlocklist: { enabled: true }, dns: { servers: [dns.server] } }
        },
        dir
      )
      const imported = await mailmoat(["lists", "import", "enduser", "-", "--config", config], {
        input: "192.0.2.0/24\n"
      })
      expect(imported.code, imported.stderr).toBe(0)
      expect(existsSync(join(dir, "data", "lists"))).toBe(false)

      const checked = await mailmoat(["check", "ip", "192.0.2.5", "--config", config, "--json"])
      expect(checked.code, checked.stderr).toBe(1)
      expect(JSON.parse(checked.stdout).answers).toEqual([
        expect.objectContaining({ list: "enduser-local", type: "enduser", answer: "listed" })
      ])

      // An end-user client (its HELO is no host name) on the imported range.
      const scan = (clientIp: string) =>
        mailmoat(["scan", "-", "--config", config, "--json", "--client-ip", clientIp, "--helo", "laptop"], {
          input: hamMessage()
        })
      const listed = await scan("192.0.2.5")
      const names = JSON.parse(listed.stdout).symbols.map((x: { name: string }) => x.name)
      expect(names, listed.stderr).toContain("ENDUSER_LISTED")
      const other = await scan("198.51.100.5")
      expect(JSON.parse(other.stdout).symbols.map((x: { name: string }) => x.name)).not.toContain("ENDUSER_LISTED")
    } finally {
      await dns.stop()
      await redis.stop()
    }
  })

  test("with state.backend redis and no Redis answering, scan says on stderr that the fleet's lists were not read", {
    timeout: 90_000
  }, async () => {
    const dir = tmp()
    // Port 1 on loopback: nothing listens, the connection is refused at once.
    const config = writeConfig(
      {
        dataDir: join(dir, "data"),
        state: { backend: "redis", url: "redis://127.0.0.1:1/0" },
        antispam: { dns: { servers: ["127.0.0.1:1"] } }
      },
      dir
    )
    const r = await mailmoat(["scan", "-", "--config", config], { input: hamMessage() })
    expect(r.stdout).toMatch(/^verdict /m)
    expect(r.stderr).toMatch(/warn shared_lists detail="lists enduser: redis lists load: /)
  })

  test("a bad line is reported with its number, exit 2, and nothing is imported", async () => {
    const dir = tmp()
    const config = writeConfig({ dataDir: join(dir, "data") }, dir)
    writeFileSync(join(dir, "good.txt"), "bl.example\n")
    expect((await mailmoat(["lists", "import", "rbl", join(dir, "good.txt"), "--config", config])).code).toBe(0)
    writeFileSync(join(dir, "bad.txt"), "new.example\n# comment\nnot a zone\nzen.example:999.0.0.1\nok.example\n")
    const r = await mailmoat(["lists", "import", "rbl", join(dir, "bad.txt"), "--config", config])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/bad\.txt: 2 bad lines, nothing imported/)
    expect(r.stderr).toMatch(/bad\.txt:3: "not a zone"/)
    expect(r.stderr).toMatch(/bad\.txt:4: "zen\.example:999\.0\.0\.1"/)
    expect(hasStackTrace(r.stderr)).toBe(false)
    const e = await mailmoat(["lists", "export", "rbl", "--config", config])
    expect(ListFile.parseListFile("rbl", e.stdout)).toEqual({ ok: true, entries: ["bl.example"] })
  })

  test("an unreadable list file is exit 2", async () => {
    const r = await mailmoat(["lists", "import", "enduser", "/nonexistent/list.txt"])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^mailmoat: \/nonexistent\/list\.txt: cannot read: ENOENT/)
  })
})
