import { createServer, type Server } from "node:net"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { SClient } from "./support/sclient.ts"

// The s_client helper is used by TLS tests whose server may end the connection first (a refused
// upstream, a reloaded certificate): input written after s_client exited must not become an
// uncaught error that fails the whole test run.
describe("SClient test helper", () => {
  let server: Server
  let port = 0
  beforeAll(async () => {
    server = createServer((socket) => socket.destroy())
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    port = (server.address() as { port: number }).port
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  test("input written after s_client exited is recorded as EPIPE, not thrown", async () => {
    const client = SClient.start(port)
    // Written without pause until s_client has gone: the writes in flight when it exits fail.
    const started = Date.now()
    while (client.inputError === undefined && Date.now() - started < 10_000) {
      client.write("a LOGOUT\r\n")
      await new Promise((r) => setImmediate(r))
    }
    expect(client.inputError).toBe("EPIPE")
    await client.close(1000)
  })
})
