// The multi-process mode of the BUILT gateway (node apps/gateway/dist/main.js, smtp.processes: 2)
// over real sockets: both workers accept mail on the one port, a killed worker is replaced and
// logged, no message is lost, SIGTERM drains every process, and a bad value exits 2 naming the key.
import { spawn } from "node:child_process"
import { existsSync, readdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest"
import { freePort, sendRaw, tempDir } from "../support/peers.ts"

const main = fileURLToPath(new URL("../../dist/main.js", import.meta.url))

const spawnGateway = (yaml: string) => {
  if (!existsSync(main)) throw new Error("apps/gateway is not built: run `pnpm exec turbo run build` first")
  const dir = tempDir()
  writeFileSync(join(dir, "mailmoat.yaml"), yaml.replaceAll("$DIR", dir))
  const child = spawn(process.execPath, [main, "--config", join(dir, "mailmoat.yaml")], {
    cwd: dir,
    stdio: ["ignore", "pipe", "pipe"]
  })
  const out = { text: "" }
  child.stdout!.on("data", (d: Buffer) => (out.text += d.toString()))
  child.stderr!.on("data", (d: Buffer) => (out.text += d.toString()))
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)))
  return { dir, child, out, exited }
}

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
  const worker1Pid = () => Number([...gw.out.text.matchAll(/worker 1 \(pid (\d+)\) serving SMTP/g)].at(-1)?.[1])
  const worker0Pid = () => Number(/\(worker 0, pid (\d+)\)/.exec(gw.out.text)?.[1])

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
