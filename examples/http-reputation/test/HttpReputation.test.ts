import { createServer, type IncomingMessage, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { cachedLookup, loadPlugin, lookup, providerConformance } from "@mailmoat/sdk/testing"
import { afterAll, describe, expect, it } from "vitest"
import plugin, { httpReputation } from "../src/index.ts"

// A fake reputation API on 127.0.0.1:<ephemeral>. Routes by value:
//   192.0.2.1 listed (ttl in body), 192.0.2.2 listed (Cache-Control), bad.example listed,
//   192.0.2.50 HTTP 500, 192.0.2.51 not JSON, 192.0.2.52 wrong types, 192.0.2.53 huge body,
//   192.0.2.99 never answers; anything else 404 (not listed).
const hits = new Map<string, number>()
const aborted: Array<string> = []
const seenAuth: Array<string | undefined> = []

const route = (req: IncomingMessage, res: import("node:http").ServerResponse) => {
  const value = decodeURIComponent(req.url!.split("/").pop() ?? "")
  hits.set(value, (hits.get(value) ?? 0) + 1)
  seenAuth.push(req.headers.authorization)
  const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { "content-type": "application/json", ...headers })
    res.end(typeof body === "string" ? body : JSON.stringify(body))
  }
  switch (value) {
    case "192.0.2.1":
      return json(200, { listed: true, score: 4.5, reason: "botnet C2", codes: ["C2"], ttl: 120 })
    case "192.0.2.2":
      return json(200, { listed: true, score: 1 }, { "cache-control": "public, max-age=30" })
    case "bad.example":
      return json(200, { listed: true, reason: "phishing" })
    case "192.0.2.50":
      return json(500, { error: "down" })
    case "192.0.2.51":
      return json(200, "<html>")
    case "192.0.2.52":
      return json(200, { listed: "yes", score: "high" })
    case "192.0.2.53":
      return json(200, JSON.stringify({ listed: true, reason: "x".repeat(100_000) }))
    case "192.0.2.99":
      req.on("close", () => aborted.push(value))
      return
    default:
      return json(404, { listed: false })
  }
}

// Started at module load (top-level await) so the conformance suite can be registered with
// the server's real address.
const server: Server = createServer(route)
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`
afterAll(async () => {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})

const provider = () => httpReputation({ url: base, timeoutMillis: 300, token: "s3cret" })
const ip = (value: string) => ({ kind: "ip" as const, value })

describe("http-reputation provider", () => {
  it("maps API answers, TTLs and failures", async () => {
    const p = provider()
    expect(await lookup(p, ip("192.0.2.1"))).toMatchObject({
      listed: true,
      codes: ["C2"],
      score: 4.5,
      reason: "botnet C2",
      ttlSeconds: 120
    })
    expect(await lookup(p, ip("192.0.2.2"))).toMatchObject({ listed: true, score: 1, ttlSeconds: 30 })
    expect(await lookup(p, { kind: "domain", value: "bad.example" })).toMatchObject({
      listed: true,
      reason: "phishing",
      ttlSeconds: 300
    })
    expect(await lookup(p, ip("198.51.100.1"))).toMatchObject({ listed: false })
    expect(await lookup(p, ip("192.0.2.50"))).toMatchObject({ unknown: "Unavailable", detail: "HTTP 500" })
    expect(await lookup(p, ip("192.0.2.51"))).toMatchObject({ unknown: "Broken" })
    expect(await lookup(p, ip("192.0.2.52"))).toMatchObject({ unknown: "Broken" })
    expect(await lookup(p, ip("192.0.2.53"))).toMatchObject({ unknown: "Broken" })
    expect(seenAuth.every((a) => a === "Bearer s3cret")).toBe(true)
  })

  it("a hanging API ends as Unknown: Timeout and the request is aborted", async () => {
    expect(await lookup(provider(), ip("192.0.2.99"))).toMatchObject({ unknown: "Timeout" })
    await expect.poll(() => aborted.includes("192.0.2.99"), { timeout: 5000 }).toBe(true)
  })

  it("the engine caches per response TTL: the API is asked once", async () => {
    const engine = cachedLookup()
    const p = provider()
    const before = hits.get("192.0.2.2") ?? 0
    const first = await engine(p, ip("192.0.2.2"))
    const second = await engine(p, ip("192.0.2.2"))
    expect([first.cached, second.cached]).toEqual([false, true])
    expect(hits.get("192.0.2.2")).toBe(before + 1)
  })

  it("loads as a plugin; bad options name the option path", async () => {
    const ok = await loadPlugin(plugin, { url: base })
    expect(ok.problems).toEqual([])
    expect(ok.providers.map((p) => p.name)).toEqual(["http-reputation"])
    const bad = await loadPlugin(plugin, { url: "ftp://x", timeoutMillis: 0 })
    expect(bad.problems).toEqual([
      expect.stringMatching(/^plugins\[0\] \(@mailmoat\/example-http-reputation\)\.options\.url: .*, got "ftp:\/\/x"$/),
      expect.stringMatching(/^plugins\[0\] \(@mailmoat\/example-http-reputation\)\.options\.timeoutMillis: .*, got 0$/)
    ])
  })
})

// The conformance kit, against the local server (arbitrary IPs and domains, hostile strings).
providerConformance(provider(), {
  numRuns: 40,
  slowQuery: ip("192.0.2.99"),
  cases: [
    { query: ip("192.0.2.1"), expect: "listed" },
    { query: ip("203.0.113.7"), expect: "notListed" },
    { query: ip("192.0.2.50"), expect: "unknown" }
  ]
})
