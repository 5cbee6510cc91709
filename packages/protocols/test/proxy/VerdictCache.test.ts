import { readdirSync, readFileSync, statSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { VerdictCache } from "../../src/proxy/index.ts"

describe("VerdictCache", () => {
  it("evicts the least recently used entry by count and by rewritten bytes", () => {
    const c = new VerdictCache({ maxEntries: 2, maxBytes: 10 })
    c.set("a", { kind: "pass" })
    c.set("b", { kind: "pass" })
    expect(c.get("a")).toEqual({ kind: "pass" })
    c.set("c", { kind: "pass" })
    expect(c.get("b")).toBeUndefined()
    expect(c.get("a")).toBeDefined()
    c.set("d", { kind: "rewrite", bytes: new Uint8Array(8) })
    c.set("e", { kind: "rewrite", bytes: new Uint8Array(8) })
    expect(c.get("d")).toBeUndefined()
    expect(c.get("e")).toBeDefined()
    c.set("huge", { kind: "rewrite", bytes: new Uint8Array(11) })
    expect(c.get("huge")).toBeUndefined()
  })

  it("shares one computation between concurrent callers and caches nothing on failure", async () => {
    const c = new VerdictCache()
    let calls = 0
    const compute = async () => {
      calls++
      await new Promise((r) => setTimeout(r, 10))
      return { kind: "pass" } as const
    }
    await Promise.all([c.resolve("k", compute), c.resolve("k", compute), c.resolve("k", compute)])
    expect(calls).toBe(1)
    expect(await c.resolve("x", async () => undefined)).toBeUndefined()
    expect(c.get("x")).toBeUndefined()
  })
})

describe("TLS configuration lint (certificate verification never disabled)", () => {
  const files = (dir: string): Array<string> =>
    readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]))
  it("no proxy source disables certificate verification", () => {
    const src = join(import.meta.dirname, "../../src")
    for (const f of ["proxy", "imap", "pop3"].flatMap((d) => files(join(src, d)))) {
      const text = readFileSync(f, "utf8")
      expect(text, f).not.toMatch(/rejectUnauthorized:\s*false|NODE_TLS_REJECT_UNAUTHORIZED/)
    }
    expect(readFileSync(join(src, "proxy/UpstreamTls.ts"), "utf8")).toMatch(/rejectUnauthorized: true/)
  })
})
