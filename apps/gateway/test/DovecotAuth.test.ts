// The Dovecot auth client against a scripted server on loopback: what it sends, and how every
// answer that is not a plain OK or FAIL ends (a rejection, which the SMTP session turns into
// 454 4.7.0). The real Dovecot is in dovecot-auth.test.ts.
import * as net from "node:net"
import { afterEach, describe, expect, test } from "vitest"
import { check, type DovecotSettings } from "../src/DovecotAuth.ts"

const HANDSHAKE = "VERSION\t1\t2\nMECH\tPLAIN\tplaintext\nMECH\tLOGIN\tplaintext\nSPID\t7\nCUID\t1\nCOOKIE\tabc\nDONE\n"
const REQUEST = {
  username: "alice",
  password: "pa\tss",
  clientAddress: "192.0.2.7",
  localAddress: "127.0.0.1",
  secured: true
}

const servers: Array<net.Server> = []
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r))
})

/** A server that sends `greeting`, then answers the client's AUTH line with `answer(line)`. */
const scripted = async (greeting: string, answer: (authLine: string) => string | undefined) => {
  const received: Array<string> = []
  const server = net.createServer((socket) => {
    socket.setEncoding("utf8")
    let buffered = ""
    socket.write(greeting)
    socket.on("data", (chunk: string) => {
      buffered += chunk
      for (let lf = buffered.indexOf("\n"); lf >= 0; lf = buffered.indexOf("\n")) {
        const line = buffered.slice(0, lf)
        buffered = buffered.slice(lf + 1)
        received.push(line)
        if (line.startsWith("AUTH\t")) {
          const reply = answer(line)
          if (reply === undefined) socket.destroy()
          else socket.write(reply)
        }
      }
    })
    socket.on("error", () => undefined)
  })
  servers.push(server)
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r))
  const settings: DovecotSettings = {
    endpoint: { host: "127.0.0.1", port: (server.address() as net.AddressInfo).port },
    timeoutMs: 1000,
    bypassAntispam: false
  }
  return { settings, received }
}

describe("Dovecot auth client", () => {
  test("sends the handshake and one AUTH PLAIN with the credentials; OK gives Dovecot's name for the user", async () => {
    const { settings, received } = await scripted(HANDSHAKE, () => "OK\t1\tuser=alice@example.org\n")
    expect(await check(settings, REQUEST)).toEqual({ ok: true, user: "alice@example.org" })
    expect(received[0]).toBe("VERSION\t1\t2")
    expect(received[1]).toBe(`CPID\t${process.pid}`)
    const auth = received[2]!.split("\t")
    expect(auth.slice(0, 3)).toEqual(["AUTH", "1", "PLAIN"])
    expect(auth).toEqual(
      expect.arrayContaining(["service=smtp", "nologin", "no-penalty", "secured", "rip=192.0.2.7", "lip=127.0.0.1"])
    )
    const resp = auth.find((a) => a.startsWith("resp="))!.slice(5)
    expect(Buffer.from(resp, "base64").toString("utf8")).toBe("\0alice\0pa\tss")
  })

  test("FAIL is a refusal; FAIL marked temporary rejects", async () => {
    const refused = await scripted(HANDSHAKE, () => "FAIL\t1\tuser=alice\treason=bad\n")
    expect(await check(refused.settings, REQUEST)).toEqual({ ok: false, reason: "bad" })
    for (const temp of ["temp", "code=temp_fail"]) {
      const down = await scripted(HANDSHAKE, () => `FAIL\t1\t${temp}\n`)
      await expect(check(down.settings, REQUEST)).rejects.toThrow(/temporary failure/)
    }
  })

  test("answers it does not take reject: another version, no PLAIN, CONT, another id, a close, silence, a huge line", async () => {
    const cases: Array<[string, (line: string) => string | undefined, RegExp]> = [
      ["VERSION\t2\t0\nDONE\n", () => "OK\t1\n", /protocol version 2/],
      ["VERSION\t1\t2\nMECH\tLOGIN\nDONE\n", () => "OK\t1\n", /PLAIN mechanism is not offered/],
      ["MECH\tPLAIN\nDONE\n", () => "OK\t1\n", /handshake without VERSION/],
      [HANDSHAKE, () => "CONT\t1\t\n", /asked for more/],
      [HANDSHAKE, () => "OK\t2\n", /did not make/],
      [HANDSHAKE, () => undefined, /closed before answering/],
      [HANDSHAKE, () => "", /no answer within 1000 ms/],
      [HANDSHAKE, () => "x".repeat(20_000), /longer than 16384/]
    ]
    for (const [greeting, answer, error] of cases) {
      const { settings } = await scripted(greeting, answer)
      await expect(check(settings, REQUEST)).rejects.toThrow(error)
    }
  })

  test("nothing listening rejects; a NUL in the credentials is refused without asking", async () => {
    const { settings, received } = await scripted(HANDSHAKE, () => "OK\t1\n")
    await expect(
      check({ ...settings, endpoint: { path: "/nonexistent/dovecot-auth-client" } }, REQUEST)
    ).rejects.toThrow(/ENOENT/)
    expect(await check(settings, { ...REQUEST, password: "a\0b" })).toEqual({
      ok: false,
      reason: "NUL in the credentials"
    })
    expect(received).toEqual([])
  })
})
