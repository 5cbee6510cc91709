// The multi-process mode of the BUILT gateway (node apps/gateway/dist/main.js, smtp.processes: 2)
// over real sockets: both workers accept mail on the one port, a killed worker is replaced and
// logged, no message is lost, SIGTERM drains every process, and a bad value exits 2 naming the key.
// By default each worker accepts on the shared listening socket itself (the primary deals out no
// connections); the tests that need every worker to get mail from sequential sessions ask Node for
// round robin (NODE_CLUSTER_SCHED_POLICY=rr), which is what that setting is for.
import { readdirSync, readFileSync, readlinkSync } from "node:fs"
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

const twoProcesses = (port: number) =>
  `dataDir: $DIR/data\nsmtp: { host: 127.0.0.1, port: ${port}, hostname: gw.test, processes: 2 }\nadmin: { enabled: false }\nantispam: { enabled: false }\nclassifier: { enabled: false }\n`

/** The inode of the TCP socket listening on 127.0.0.1:`port` (Linux /proc/net/tcp). */
const listeningInode = (port: number): string | undefined => {
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0")
  for (const line of readFileSync("/proc/net/tcp", "utf8").split("\n").slice(1)) {
    const f = line.trim().split(/\s+/)
    if (f[1] === `0100007F:${hexPort}` && f[3] === "0A") return f[9]
  }
  return undefined
}

/** True when process `pid` holds socket `inode` among its file descriptors. */
const holdsSocket = (pid: number, inode: string): boolean =>
  readdirSync(`/proc/${pid}/fd`).some((fd) => {
    try {
      return readlinkSync(`/proc/${pid}/fd/${fd}`) === `socket:[${inode}]`
    } catch {
      return false
    }
  })

describe.runIf(process.platform === "linux")("smtp.processes: 2, the default connection policy", () => {
  let port: number
  let gw: ReturnType<typeof spawnGateway>

  beforeAll(async () => {
    port = await freePort()
    gw = spawnGateway(twoProcesses(port), { env: { NODE_CLUSTER_SCHED_POLICY: "" } })
    await vi.waitFor(
      () => {
        const { worker0, worker1 } = workerPids(gw.out.text)
        expect(worker0 > 0 && worker1 > 0, gw.out.text).toBe(true)
      },
      {
        timeout: 60_000,
        interval: 100
      }
    )
  })
  afterAll(async () => {
    if (gw.child.exitCode === null) gw.child.kill("SIGKILL")
  })

  test("each worker accepts on the shared listening socket itself", () => {
    const inode = listeningInode(port)
    expect(inode, "a socket listens on the port").toBeDefined()
    const { worker0, worker1 } = workerPids(gw.out.text)
    // Under round robin only the primary holds the listening socket.
    expect(holdsSocket(worker0, inode!)).toBe(true)
    expect(holdsSocket(worker1, inode!)).toBe(true)
  })

  test("concurrent sessions: every message is delivered", async () => {
    const sessions = Array.from({ length: 16 }, (_, i) =>
      sendRaw(port, { from: "s@client.test", to: [`c${i}@example.test`] }, `Subject: c ${i}\r\n\r\nbody ${i}`)
    )
    for (const r of await Promise.all(sessions)) expect(r.data).toMatch(/^250 /)
    expect(delivered(gw.dir).count).toBe(16)
  })
})

describe("smtp.processes: 2 (round robin)", () => {
  let port: number
  let gw: ReturnType<typeof spawnGateway>
  const worker1Pid = () => workerPids(gw.out.text).worker1
  const worker0Pid = () => workerPids(gw.out.text).worker0

  beforeAll(async () => {
    port = await freePort()
    gw = spawnGateway(twoProcesses(port), { env: { NODE_CLUSTER_SCHED_POLICY: "rr" } })
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
