// A connection stream that fails twice (a TLS handshake refused on our side, then the server's
// alert) must not throw its second error at the process: ioredis listens with `once`.
import { createServer, type Server, type Socket } from "node:net"
import type { Redis } from "ioredis"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { clientOf } from "../src/RedisClient.ts"

const emitTwice = (client: Redis): unknown => {
  const stream = (client as unknown as { stream: NodeJS.EventEmitter }).stream
  try {
    stream.emit("error", new Error("first: certificate refused"))
    stream.emit("error", new Error("second: tlsv1 alert decode error"))
    return undefined
  } catch (e) {
    return e
  }
}

const until = async (ok: () => boolean) => {
  for (let i = 0; i < 1000 && !ok(); i++) await new Promise((r) => setTimeout(r, 10))
  expect(ok()).toBe(true)
}

describe("RedisClient: a stream's second error", () => {
  let server: Server
  let port = 0
  const accepted = new Set<Socket>()
  // A peer that accepts and never answers: the client's stream exists and stays open.
  beforeAll(async () => {
    server = createServer((socket) => {
      accepted.add(socket)
      socket.on("close", () => accepted.delete(socket))
    })
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r))
    port = (server.address() as { port: number }).port
  })
  afterAll(async () => {
    for (const socket of accepted) socket.destroy()
    await new Promise((r) => server.close(r))
  })

  test("is taken by the client's own listener, and the first still reaches the client's error event", async () => {
    const client = clientOf({ url: `redis://127.0.0.1:${port}` }, 500, 500) as Redis
    const reported: Array<string> = []
    client.on("error", (e: Error) => reported.push(e.message))
    try {
      await until(() => (client as unknown as { stream?: unknown }).stream !== undefined)
      expect(emitTwice(client)).toBeUndefined()
      await until(() => reported.length > 0)
      expect(reported[0]).toMatch(/first: certificate refused/)
      expect(reported.join("\n")).not.toMatch(/second/)
    } finally {
      client.disconnect()
    }
  })

  test("a stream opened by a reconnection is guarded too", async () => {
    const client = clientOf({ url: `redis://127.0.0.1:${port}` }, 500, 500) as Redis
    client.on("error", () => {})
    try {
      await until(() => (client as unknown as { stream?: unknown }).stream !== undefined)
      const first = (client as unknown as { stream: unknown }).stream
      client.disconnect(true)
      await until(() => {
        const now = (client as unknown as { stream?: unknown }).stream
        return now !== undefined && now !== first
      })
      expect(emitTwice(client)).toBeUndefined()
    } finally {
      client.disconnect()
    }
  })
})
