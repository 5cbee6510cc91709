import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { rename, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fc, test } from "@fast-check/vitest"
import { loadPlugin, lookup, providerConformance } from "@mailmoat/sdk/testing"
import { afterAll, describe, expect, it } from "vitest"
import plugin, { cidrFileProvider, match, openWatchedList, parseListFile } from "../src/index.ts"

const dir = mkdtempSync(join(tmpdir(), "mailmoat-cidr-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const LIST = `# blocked senders
192.0.2.0/24
2001:db8:bad::/48
198.51.100.7
spam.example
*.phish.example
bad@example.org
@junk.example
`

describe("list file", () => {
  it("matches IPs, CIDRs, domains, wildcard domains, addresses and address domains", () => {
    const r = parseListFile(LIST)
    if (!r.ok) throw new Error(r.errors.join())
    const l = r.list
    expect(match(l, "ip", "192.0.2.77")).toBe("192.0.2.77")
    expect(match(l, "ip", "2001:db8:bad:1::5")).toBeDefined()
    expect(match(l, "ip", "198.51.100.8")).toBeUndefined()
    expect(match(l, "domain", "spam.example")).toBe("spam.example")
    expect(match(l, "domain", "www.spam.example")).toBeUndefined()
    expect(match(l, "domain", "a.b.phish.example")).toBe("*.phish.example")
    expect(match(l, "domain", "phish.example")).toBe("*.phish.example")
    expect(match(l, "address", "BAD@example.org")).toBe("bad@example.org")
    expect(match(l, "address", "anyone@junk.example")).toBe("@junk.example")
    expect(match(l, "address", "good@example.org")).toBeUndefined()
  })

  it("rejects a file with any bad line, saying which", () => {
    const r = parseListFile("192.0.2.0/24\n10.0.0.0/33\nnot a domain!\n")
    expect(r.ok).toBe(false)
    expect(!r.ok && r.errors).toEqual([
      expect.stringMatching(/^line 2: .*not a CIDR/),
      expect.stringMatching(/^line 3: /)
    ])
  })

  test.prop([fc.string({ maxLength: 2000 })])("parsing never throws", (text) => {
    expect(typeof parseListFile(text).ok).toBe("boolean")
  })
})

const until = async (cond: () => boolean, what: string) => {
  await expect.poll(cond, { timeout: 10_000, interval: 20, message: what }).toBe(true)
}

describe("reload on change", () => {
  it("picks up edits through fs.watch, keeps the previous list on a bad file, and logs", async () => {
    const file = join(dir, "watched.txt")
    writeFileSync(file, "192.0.2.1\n")
    const lines: Array<string> = []
    const list = await openWatchedList({ file, pollMillis: 0, log: (l) => lines.push(l) })
    const provider = cidrFileProvider(list, { file })
    try {
      expect((await lookup(provider, { kind: "ip", value: "192.0.2.1" })).listed).toBe(true)
      await writeFile(file, "192.0.2.2\n")
      await until(() => list.generation() >= 2, "reload after an edit")
      expect((await lookup(provider, { kind: "ip", value: "192.0.2.1" })).listed).toBe(false)
      expect((await lookup(provider, { kind: "ip", value: "192.0.2.2" })).listed).toBe(true)

      await writeFile(file, "192.0.2.3\n999.1.1.1/8\n")
      await until(() => lines.some((l) => l.startsWith("reload failed")), "failed reload logged")
      expect(lines.find((l) => l.startsWith("reload failed"))).toMatch(
        /keeping the previous list \(1 entries\).*line 2/
      )
      expect((await lookup(provider, { kind: "ip", value: "192.0.2.2" })).listed).toBe(true)

      // Editors and deploy scripts replace the file (write + rename): still seen.
      await writeFile(join(dir, "watched.tmp"), "spam.example\n")
      await rename(join(dir, "watched.tmp"), file)
      await until(() => list.current().domains.has("spam.example"), "reload after rename")
    } finally {
      list.close()
    }
  })

  it("polls the mtime when watch events are not available", async () => {
    const file = join(dir, "polled.txt")
    writeFileSync(file, "192.0.2.1\n")
    const list = await openWatchedList({ file, watch: false, pollMillis: 25 })
    try {
      await writeFile(file, "192.0.2.9\n192.0.2.10\n")
      await until(() => list.current().entries === 2, "reload by polling")
    } finally {
      list.close()
    }
  })

  it("the first load must succeed: a broken file fails the plugin at startup, naming the line", async () => {
    writeFileSync(join(dir, "broken.txt"), "nope nope\n")
    const r = await loadPlugin(plugin, { file: "broken.txt" }, { baseDir: dir })
    expect(r.problems).toEqual([
      expect.stringMatching(/^plugins\[0\] \(@mailmoat\/example-cidr-file\): setup failed: .*broken\.txt: line 1/)
    ])
  })
})

// The conformance kit over a fixed list (the plugin loaded as the gateway would, from a
// path relative to the config directory).
writeFileSync(join(dir, "conformance.txt"), LIST)
const loaded = await loadPlugin(plugin, { file: "conformance.txt", score: 5 }, { baseDir: dir })
if (loaded.problems.length > 0) throw new Error(loaded.problems.join("\n"))
afterAll(() => loaded.close())
providerConformance(loaded.providers[0]!, {
  numRuns: 200,
  cases: [
    { query: { kind: "ip", value: "192.0.2.200" }, expect: "listed" },
    { query: { kind: "ip", value: "203.0.113.1" }, expect: "notListed" },
    {
      query: { kind: "domain", value: "x.phish.example" },
      expect: (a) => expect(a).toMatchObject({ listed: true, codes: ["*.phish.example"], score: 5 })
    },
    { query: { kind: "address", value: "bad@example.org" }, expect: "listed" }
  ]
})
