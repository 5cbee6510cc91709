import { fc, test } from "@fast-check/vitest"
import { createServer, type Server, type Socket } from "node:net"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { ClamdClient, ClamdReply } from "../../src/threat/index.ts"
import { freeTcpPort } from "../support/redis.ts"
import { BODY_SIGNATURE, type ClamdPeer, eicar, HASH_SIGNATURE, startClamd } from "./support/clamd.ts"

let clamd: ClamdPeer
beforeAll(async () => {
  clamd = await startClamd()
})
afterAll(async () => {
  await clamd?.stop()
})

async function* chunks(total: number, size: number): AsyncGenerator<Uint8Array> {
  const block = new Uint8Array(size).fill(0x61)
  for (let sent = 0; sent < total; sent += size) yield block.subarray(0, Math.min(size, total - sent))
}

describe("ClamdClient against a real clamd", () => {
  it("answers PING and VERSION on the unix socket and TCP", async () => {
    for (const client of [
      new ClamdClient({ socket: clamd.socket }),
      new ClamdClient({ host: "127.0.0.1", port: clamd.port })
    ]) {
      expect(await client.ping()).toEqual({ _tag: "Pong" })
      const v = await client.version()
      expect(v._tag).toBe("Version")
      if (v._tag === "Version") expect(v.version).toMatch(/^ClamAV \d+\.\d+/)
    }
  })

  it("finds EICAR (Uint8Array and async chunks, tiny chunk size) and passes clean data", async () => {
    const client = new ClamdClient({ socket: clamd.socket, timeoutSeconds: 10 })
    const found = await client.scan(eicar())
    expect(found._tag).toBe("Found")
    if (found._tag === "Found") expect([HASH_SIGNATURE, BODY_SIGNATURE]).toContain(found.signature)
    const bytes = eicar()
    const split = new ClamdClient({ host: "127.0.0.1", port: clamd.port, chunkBytes: 7 })
    expect(
      await split.scan(
        (async function* () {
          yield bytes.subarray(0, 10)
          yield bytes.subarray(10)
        })()
      )
    ).toMatchObject({ _tag: "Found" })
    expect(await client.scan(new TextEncoder().encode("just some clean text\r\n"))).toEqual({ _tag: "Clean" })
    expect(await client.scan(new Uint8Array(0))).toEqual({ _tag: "Clean" })
  })

  it("streams 20 MB without trouble", async () => {
    const client = new ClamdClient({ socket: clamd.socket, timeoutSeconds: 20 })
    expect(await client.scan(chunks(20 * 1024 * 1024, 256 * 1024))).toEqual({ _tag: "Clean" })
  })

  it("reports clamd's StreamMaxLength as unavailable (size-limit, or the reset that can swallow it), never clean", async () => {
    const client = new ClamdClient({ socket: clamd.socket, timeoutSeconds: 20 })
    const r = await client.scan(chunks(26 * 1024 * 1024, 1024 * 1024))
    // clamd answers the size-limit ERROR and closes with our chunks still unread, so its kernel
    // resets the connection; the reset can reach us before the answer and discard it.
    expect(r._tag).toBe("Unavailable")
    if (r._tag === "Unavailable" && r.reason !== "size-limit") {
      expect(r.reason).toBe("connect")
      expect(r.detail).toMatch(/ECONNRESET|EPIPE/)
    }
  })

  it("honours the timeout when clamd stops answering (SIGSTOP)", async () => {
    const client = new ClamdClient({ socket: clamd.socket, timeoutSeconds: 0.5 })
    process.kill(clamd.pid, "SIGSTOP")
    try {
      const r = await client.scan(eicar())
      // Ended by the 0.5 s timeout asked for (the default is 30 s): what ended it, not a
      // wall-clock bound, which a stall of this loaded process failed.
      expect(r).toMatchObject({
        _tag: "Unavailable",
        reason: "timeout",
        detail: expect.stringMatching(/within 500 ms$/)
      })
    } finally {
      process.kill(clamd.pid, "SIGCONT")
    }
    expect(await new ClamdClient({ socket: clamd.socket }).ping()).toEqual({ _tag: "Pong" })
  })
})

describe("ClamdClient when clamd is not there", () => {
  let silent: Server
  let silentPort = 0
  const held: Array<Socket> = []
  beforeAll(async () => {
    // Accepts and never answers: a wedged scanner.
    silent = createServer((socket) => {
      socket.on("error", () => undefined)
      held.push(socket)
    })
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r))
    silentPort = (silent.address() as { port: number }).port
  })
  afterAll(() => {
    for (const s of held) s.destroy()
    return new Promise<void>((r) => silent.close(() => r()))
  })

  it("a missing socket or closed port is unavailable/connect, never a throw", async () => {
    expect(await new ClamdClient({ socket: "/nonexistent/clamd.sock" }).scan(eicar())).toMatchObject({
      _tag: "Unavailable",
      reason: "connect"
    })
    const port = await freeTcpPort()
    expect(await new ClamdClient({ port }).scan(eicar())).toMatchObject({ _tag: "Unavailable", reason: "connect" })
    expect(await new ClamdClient({ port }).ping()).toMatchObject({ _tag: "Unavailable", reason: "connect" })
  })

  it("a server that never answers times out", async () => {
    const r = await new ClamdClient({ port: silentPort, timeoutSeconds: 0.3 }).scan(chunks(1024 * 1024, 65536))
    expect(r).toMatchObject({ _tag: "Unavailable", reason: "timeout" })
  })

  it("an abort signal (pipeline interruption) closes the scan early", async () => {
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 100)
    const r = await new ClamdClient({ port: silentPort, timeoutSeconds: 30 }).scan(eicar(), controller.signal)
    expect(r).toMatchObject({ _tag: "Unavailable", reason: "timeout" })
    expect((r as { detail: string }).detail).toContain("aborted")
  })

  it("a stream closed mid-way without an answer: size-limit when clamd still answers PING, connect when it is gone", async () => {
    // As clamd over its StreamMaxLength when our write fails before its answer is read: the
    // connection drops after some chunks; the PING that follows tells the two apart.
    let alive = true
    const cutter = createServer((socket) => {
      socket.on("error", () => undefined)
      let got = 0
      socket.on("data", (d: Buffer) => {
        if (d.subarray(0, 6).toString() === "zPING\0") return void socket.end("PONG\0")
        got += d.length
        if (got > 256 * 1024) socket.destroy()
      })
      if (!alive) socket.destroy()
    })
    await new Promise<void>((r) => cutter.listen(0, "127.0.0.1", r))
    try {
      const port = (cutter.address() as { port: number }).port
      const over = await new ClamdClient({ port, timeoutSeconds: 10 }).scan(chunks(4 * 1024 * 1024, 65536))
      expect(over).toMatchObject({ _tag: "Unavailable", reason: "size-limit" })
      expect((over as { detail: string }).detail).toMatch(/closed the stream after \d+ bytes .*still answers PING/)
      alive = false
      const gone = await new ClamdClient({ port, timeoutSeconds: 10 }).scan(chunks(4 * 1024 * 1024, 65536))
      expect(gone).toMatchObject({ _tag: "Unavailable", reason: "connect" })
    } finally {
      await new Promise<void>((r) => cutter.close(() => r()))
    }
  })

  it("a failing input stream is unavailable, not clean", async () => {
    const r = await new ClamdClient({ socket: clamd.socket }).scan(
      (async function* () {
        yield new Uint8Array(10)
        throw new Error("spool read failed")
      })()
    )
    expect(r).toMatchObject({ _tag: "Unavailable", reason: "error" })
  })
})

describe("ClamdReply.parse", () => {
  it("reads the replies clamd sends", () => {
    expect(ClamdReply.parse("stream: OK\0")).toEqual({ _tag: "Clean" })
    expect(ClamdReply.parse("stream: Win.Test.EICAR_HDB-1 FOUND\0")).toEqual({
      _tag: "Found",
      signature: "Win.Test.EICAR_HDB-1"
    })
    expect(ClamdReply.parse("INSTREAM size limit exceeded. ERROR\0")).toMatchObject({
      _tag: "Unavailable",
      reason: "size-limit"
    })
    expect(ClamdReply.parse("stream: Can't allocate memory ERROR\0")).toMatchObject({
      _tag: "Unavailable",
      reason: "error"
    })
    expect(ClamdReply.parse("hello")).toMatchObject({ _tag: "Unavailable", reason: "protocol" })
  })

  test.prop([fc.string({ maxLength: 300 })])("never throws, and never calls unknown text clean", (text) => {
    const r = ClamdReply.parse(text)
    if (r._tag === "Clean") expect(["stream: OK", "OK"]).toContain(text.replace(/\0+$/, "").trim())
    if (r._tag === "Found") expect(r.signature).toMatch(/^[\x20-\x7e]{1,200}$/)
  })
})
