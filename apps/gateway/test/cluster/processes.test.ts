// The multi-process mode of the BUILT gateway (node apps/gateway/dist/main.js, smtp.processes: 2)
// over real sockets: both workers accept mail on the one port, a killed worker is replaced and
// logged, no message is lost, SIGTERM drains every process, and a bad value exits 2 naming the key.
import { readdirSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest"
import { spawnGateway, workerPids } from "../support/built.ts"
import { freePort, sendRaw } from "../support/peers.ts"

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** The Maildir files delivered so far, and the writer pids their names carry (P<pid>). */
const delivered = (dir: string) => {
  const names = readdirSync(join(dir, "data", "maildir"), { recursive: true })
    .map(String)
    .filter((n) => n.includes("/new/") || n.startsWith("new/"))
  return { count: names.length, pids: new Set(names.map((n) => /P(\d+)Q/.exec(n)?.[1]).filter((p) => p !== undefined)) }
}

const send = async (port: number, n: number, tag: string) => {
  for (let i = 0; i < n; i++) {
    const r = await sendRaw(
      port,
      { from: "s@client.test", to: [`${tag}${i}@example.test`] },
      `Subject: ${tag} ${i}\r\n\r\nbody ${i}`
    )
    expect(r.data).toMatch(/^250 /)
  }
}

describe("smtp.processes: 2", () => {
  let port: number
  let gw: ReturnType<typeof spawnGateway>
  const worker1Pid = () => workerPids(gw.out.text).worker1
  const worker0Pid = () => workerPids(gw.out.text).worker0

  beforeAll(async () => {
    port = await freePort()
    gw = spawnGateway(
      `dataDir: $DIR/data\nsmtp: { host: 127.0.0.1, port: ${port}, hostname: gw.test, processes: 2 }\nadmin: { enabled: false }\nantispam: { enabled: false }\nclassifier: { enabled: false }\n`
    )
    await vi.waitFor(() => expect(worker0Pid() > 0 && worker1Pid() > 0, gw.out.text).toBe(true), {
      timeout: 60_000,
      interval: 100
    })
  })
  afterAll(async () => {
    if (gw.child.exitCode === null) gw.child.kill("SIGKILL")
  })

  test("both worker processes accept mail on the one port; every message is delivered", async () => {
    await send(port, 12, "a")
    const d = delivered(gw.dir)
    expect(d.count).toBe(12)
    expect(d.pids).toEqual(new Set([String(worker0Pid()), String(worker1Pid())]))
  })

  test("a killed worker is replaced (one log line) and nothing is lost", async () => {
    const killed = worker1Pid()
    process.kill(killed, "SIGKILL")
    await vi.waitFor(() => expect(worker1Pid()).not.toBe(killed), { timeout: 60_000, interval: 100 })
    expect(gw.out.text).toContain(`mailmoat: worker 1 (pid ${killed}) exited (signal SIGKILL); starting a new one`)
    await send(port, 12, "b")
    const d = delivered(gw.dir)
    expect(d.count).toBe(24)
    expect(d.pids.has(String(worker1Pid()))).toBe(true)
  })

  test("SIGTERM to the primary drains every worker and exits 0", async () => {
    const workers = [worker0Pid(), worker1Pid()]
    gw.child.kill("SIGTERM")
    expect(await gw.exited).toBe(0)
    expect(gw.out.text).toContain("mailmoat: all workers stopped")
    for (const pid of workers) await vi.waitFor(() => expect(alive(pid)).toBe(false))
  })
})

describe("smtp.processes: bad values", () => {
  test("exit 2 naming the key; nothing is forked", async () => {
    const gw = spawnGateway("dataDir: $DIR/data\nadmin: { enabled: false }\nsmtp: { port: 0, processes: 0 }\n")
    expect(await gw.exited).toBe(2)
    expect(gw.out.text).toContain(
      'mailmoat: config: smtp.processes: expected an integer from 1 to 256 or "auto", got 0'
    )
    expect(gw.out.text).not.toContain("worker")
  })
})
