import { readdirSync, readFileSync, statSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { type ScanOutcome, VerdictCache } from "../../src/proxy/index.ts"

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

describe("VerdictCache.clear", () => {
  const TAGGED = { kind: "rewrite", bytes: new Uint8Array(4) } as const
  const deferred = () => {
    let resolve!: (v: ScanOutcome) => void
    const promise = new Promise<ScanOutcome>((r) => {
      resolve = r
    })
    return { promise, resolve }
  }

  it("forgets every outcome and says how many", () => {
    const c = new VerdictCache()
    c.set("a", { kind: "pass" })
    c.set("b", TAGGED)
    expect(c.clear()).toBe(2)
    expect(c.size).toBe(0)
    expect(c.get("a")).toBeUndefined()
    // The byte budget starts again from zero: a full-size entry fits after the clear.
    const small = new VerdictCache({ maxBytes: 4 })
    small.set("b", TAGGED)
    small.clear()
    small.set("c", TAGGED)
    expect(small.get("c")).toBeDefined()
  })

  it("a scan begun before the clear answers its callers but stores nothing; a later caller scans again", async () => {
    const c = new VerdictCache()
    const before = deferred()
    const first = c.resolve("k", () => before.promise)
    c.clear()
    let calls = 0
    const after = deferred()
    const second = c.resolve("k", () => {
      calls++
      return after.promise
    })
    expect(calls).toBe(1)
    before.resolve(TAGGED)
    expect(await first).toBe(TAGGED)
    expect(c.get("k")).toBeUndefined()
    const fresh = { kind: "pass" } as const
    after.resolve(fresh)
    expect(await second).toBe(fresh)
    expect(c.get("k")).toBe(fresh)
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
