// The built-in resolver against a scriptable fake server on loopback: forged ids, sources and
// questions dropped and counted, late answers after the deadline, truncation asked again over
// TCP, silent servers tried in turn, interleaved answers, EDNS0 FORMERR, socket rotation, close.
import { Exit } from "effect"
import { afterEach, describe, expect, it, vi } from "vitest"
import { NodeDns } from "../src/index.ts"
import * as BuiltinDns from "../src/dns/BuiltinDns.ts"
import { type Asked, answer, type FakeDns, type Script, startFakeDns } from "./support/fakeDns.ts"

type Told = Parameters<Parameters<NonNullable<BuiltinDns.BuiltinDns["query"]>>[4]>[0]

const started: Array<FakeDns> = []
const resolvers: Array<BuiltinDns.BuiltinDns> = []
afterEach(async () => {
  for (const r of resolvers.splice(0)) r.close()
  for (const s of started.splice(0)) await s.stop()
})

const fake = async (script: Script) => {
  const s = await startFakeDns(script)
  started.push(s)
  return s
}
const resolverOn = (servers: ReadonlyArray<string>, options: Omit<BuiltinDns.BuiltinDnsOptions, "servers"> = {}) => {
  const r = BuiltinDns.makeUncached({ servers, attemptTimeoutMillis: 300, tries: 2, ...options })
  resolvers.push(r)
  return r
}
const ask = (dns: BuiltinDns.BuiltinDns, type: "A" | "TXT" | "MX", name: string, millis = 2000) =>
  new Promise<Told>((resolve) => {
    dns.query!(type, name, millis, Date.now(), resolve)
  })
const listed = (q: Asked) => [
  { packet: answer(q, { answers: [{ name: q.name, ttl: 60, data: { type: "A", address: "127.0.0.2" } }] }) }
]
const ok = { _tag: "Success", value: { _tag: "Answer", records: ["127.0.0.2"], ttlSeconds: 60 } }

describe("BuiltinDns against a fake server", () => {
  it("drops forged ids and a wrong question; another source port never reaches it; takes the real answer", async () => {
    const s = await fake((q) => [
      { packet: answer({ ...q, id: (q.id + 1) & 0xffff }, { answers: [] }) },
      { packet: answer(q, { rcode: 3 }), fromStranger: true },
      { packet: answer({ ...q, name: `x${q.name}` }, { rcode: 3 }) },
      { packet: answer({ ...q, type: "TXT" }, { rcode: 3 }) },
      { packet: Uint8Array.of(q.id >> 8, q.id & 0xff, 0x81) },
      { ...listed(q)[0]!, delayMillis: 30 }
    ])
    const dns = resolverOn([s.server])
    expect(await ask(dns, "A", "7.2.0.192.BL.test")).toMatchObject(ok)
    // Four dropped by the resolver; the stranger's datagram by the kernel (the socket is connected to the server).
    expect(dns.stats.dropped).toBe(4)
    expect(s.asked.map((q) => [q.name, q.type, q.edns])).toEqual([["7.2.0.192.bl.test", "A", true]])
  })

  it("the question echoed in another case is accepted (RFC 4343)", async () => {
    const s = await fake((q) => listed({ ...q, name: q.name.toUpperCase() }))
    expect(await ask(resolverOn([s.server]), "A", "mixed.test")).toMatchObject(ok)
  })

  it("NXDOMAIN and NODATA are NotFound values with c-ares's details; REFUSED and SERVFAIL final", async () => {
    const rcodes: Record<string, number> = { nx: 3, nodata: 0, refused: 5, servfail: 2, notimp: 4 }
    const s = await fake((q) => [{ packet: answer(q, { rcode: rcodes[q.name.split(".")[0]!]! }) }])
    const dns = resolverOn([s.server])
    expect(await ask(dns, "A", "nx.test")).toEqual(Exit.succeed({ _tag: "NotFound", detail: "ENOTFOUND" }))
    expect(await ask(dns, "A", "nodata.test")).toEqual(Exit.succeed({ _tag: "NotFound", detail: "ENODATA" }))
    for (const [name, reason, detail] of [
      ["refused.test", "Refused", "EREFUSED"],
      ["servfail.test", "ServerFailure", "ESERVFAIL"],
      ["notimp.test", "Other", "ENOTIMP"]
    ] as const)
      expect(Exit.findErrorOption(await ask(dns, "A", name))).toMatchObject({ value: { reason, detail } })
    expect(s.asked).toHaveLength(5)
  })

  it("a truncated answer is asked again over TCP", async () => {
    const long = "x".repeat(200)
    const s = await fake((q) =>
      q.overTcp
        ? [
            {
              packet: answer(q, { answers: [{ name: q.name, ttl: 42, data: { type: "TXT", strings: [long, long] } }] })
            }
          ]
        : [{ packet: answer(q, { truncated: true }) }]
    )
    const dns = resolverOn([s.server])
    expect(await ask(dns, "TXT", "big.test")).toEqual(
      Exit.succeed({ _tag: "Answer", records: [long + long], ttlSeconds: 42 })
    )
    expect(dns.stats.tcp).toBe(1)
    expect(s.asked.map((q) => q.overTcp)).toEqual([false, true])
  })

  it("a late answer after the caller's deadline is Timeout, then dropped and counted; its attempts stop", async () => {
    const s = await fake((q) => [{ ...listed(q)[0]!, delayMillis: 150 }])
    const dns = resolverOn([s.server], { attemptTimeoutMillis: 100 })
    const told = await ask(dns, "A", "late.test", 50)
    expect(Exit.findErrorOption(told)).toMatchObject({ value: { reason: "Timeout", detail: "no answer within 50 ms" } })
    // Past when a second attempt (100 ms) would have gone, and until the late answer is in: the
    // fake server sends it 150 ms after the question, later when this loaded process stalls
    // (its send and our read then came after a fixed 300 ms wait).
    await new Promise((r) => setTimeout(r, 300))
    await vi.waitFor(() => expect(dns.stats.dropped).toBe(1), { timeout: 60_000, interval: 20 })
    expect(s.asked).toHaveLength(1)
  })

  it("silent servers are tried in turn, `tries` rounds, then ETIMEOUT", async () => {
    const a = await fake(() => [])
    const b = await fake(() => [])
    const told = await ask(
      resolverOn([a.server, b.server], { attemptTimeoutMillis: 40, tries: 2 }),
      "A",
      "quiet.test",
      0
    )
    expect(Exit.findErrorOption(told)).toMatchObject({ value: { reason: "Timeout", detail: "ETIMEOUT" } })
    expect([a.asked.length, b.asked.length]).toEqual([2, 2])
  })

  it("the second server answers when the first is silent", async () => {
    const a = await fake(() => [])
    const b = await fake(listed)
    const dns = resolverOn([a.server, b.server], { attemptTimeoutMillis: 40 })
    expect(await ask(dns, "A", "two.test")).toMatchObject(ok)
    // A socket connected to each server.
    expect(dns.stats.opened).toBe(2)
  })

  it("interleaved answers reach their own questions", async () => {
    const s = await fake((q) => {
      const last = Number(q.name.split(".")[0])
      return [
        {
          packet: answer(q, { answers: [{ name: q.name, ttl: 9, data: { type: "A", address: `127.0.0.${last}` } }] }),
          delayMillis: 100 - last * 4
        }
      ]
    })
    const dns = resolverOn([s.server])
    const names = Array.from({ length: 20 }, (_, i) => `${i}.many.test`)
    const told = await Promise.all(names.map((n) => ask(dns, "A", n)))
    expect(told.map((t) => Exit.isSuccess(t) && t.value._tag === "Answer" && t.value.records[0])).toEqual(
      names.map((_, i) => `127.0.0.${i}`)
    )
    expect(new Set(s.asked.map((q) => q.id)).size).toBe(20)
  })

  it("a FORMERR to the EDNS0 question is asked again without the OPT record", async () => {
    const s = await fake((q) => (q.edns ? [{ packet: answer(q, { rcode: 1 }) }] : listed(q)))
    expect(await ask(resolverOn([s.server]), "A", "old.test")).toMatchObject(ok)
    expect(s.asked.map((q) => q.edns)).toEqual([true, false])
  })

  it("one socket for many questions, a new one (another port) after maxQuestions", async () => {
    const s = await fake(listed)
    const dns = resolverOn([s.server], { sockets: { maxQuestions: 3 } })
    for (let i = 0; i < 7; i++) expect(await ask(dns, "A", `${i}.rot.test`)).toMatchObject(ok)
    expect(dns.stats.opened).toBe(3)
    expect(new Set(s.asked.map((q) => q.from?.port)).size).toBe(3)
  })

  it("a name that cannot go on the wire is BadName; after close a question tells Other", async () => {
    const s = await fake(listed)
    const dns = resolverOn([s.server])
    expect(Exit.findErrorOption(await ask(dns, "A", `${"a".repeat(64)}.test`))).toMatchObject({
      value: { reason: "BadName", detail: "EBADNAME" }
    })
    dns.close()
    expect(Exit.findErrorOption(await ask(dns, "A", "closed.test"))).toMatchObject({ value: { reason: "Other" } })
    expect(s.asked).toHaveLength(0)
  })

  it("NodeDns.make picks c-ares by default, the built-in resolver with resolver: builtin", async () => {
    const s = await fake(listed)
    for (const resolver of [undefined, "builtin"] as const) {
      const dns = NodeDns.make({ servers: [s.server], resolver, cache: false })
      expect(await new Promise<Told>((r) => dns.query!("A", "pick.test", 1000, Date.now(), r))).toMatchObject(ok)
      dns.close()
    }
    // Only the built-in resolver advertises a payload size (Node's c-ares sends no OPT record).
    expect(s.asked.map((q) => q.edns)).toEqual([false, true])
  })
})
