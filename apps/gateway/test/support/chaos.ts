// The chaos harness: built gateways as child processes sharing Redis, a sending client that
// behaves like an MTA (a 4xx is retried later, on either gateway), and the accounting of where
// every accepted message ended up (a Maildir or the Redis quarantine).
import { type ChildProcess, spawn } from "node:child_process"
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { sendRaw, tempDir } from "./peers.ts"

const main = fileURLToPath(new URL("../../dist/main.js", import.meta.url))
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

export interface ChildGateway {
  readonly port: number
  readonly maildir: string
  readonly output: () => string
  readonly stop: () => Promise<void>
}

/** Starts dist/main.js with `config` (plus its own dataDir, listener and Maildir); resolves once it listens. */
export const startChildGateway = async (name: string, config: Record<string, unknown>): Promise<ChildGateway> => {
  if (!existsSync(main)) throw new Error("apps/gateway is not built: run `npx turbo run build` first")
  const dir = tempDir(`mailmoat-${name}-`)
  const maildir = join(dir, "maildir")
  const file = join(dir, "mailmoat.json")
  writeFileSync(
    file,
    JSON.stringify({
      ...config,
      dataDir: join(dir, "data"),
      smtp: { host: "127.0.0.1", port: 0, hostname: `${name}.test` },
      admin: { enabled: false },
      delivery: { maildir: { path: maildir, domains: ["example.test"] } }
    })
  )
  const child: ChildProcess = spawn(process.execPath, [main, "--config", file], { stdio: ["ignore", "pipe", "pipe"] })
  let out = ""
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()))
  child.stderr?.on("data", (d: Buffer) => (out += d.toString()))
  const deadline = Date.now() + 60_000
  while (!/Press Ctrl\+C/.test(out) && Date.now() < deadline && child.exitCode === null) await sleep(50)
  const port = Number(/SMTP +127\.0\.0\.1:(\d+)/.exec(out)?.[1])
  if (!(port > 0)) {
    child.kill("SIGKILL")
    throw new Error(`gateway ${name} did not start:\n${out}`)
  }
  return {
    port,
    maildir,
    output: () => out,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once("exit", r))
        child.kill("SIGTERM")
        await Promise.race([exited, sleep(10_000)])
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL")
      }
      rmSync(dir, { recursive: true, force: true })
    }
  }
}

const GTUBE = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X"
const HAM =
  "Hi Sam,\r\n\r\nthe minutes of Tuesday's planning meeting are attached; please check the action items\r\nfor your team before the review on Friday.\r\n\r\nThanks,\r\nAlex\r\n"

export type Kind = "ham" | "spam"

export interface Tally {
  /** 250 replies in this phase (a message is accepted once). */
  accepted: number
  /** 4xx replies in this phase (the message is retried later). */
  deferred: number
  /** 5xx replies: none expected. */
  rejected: number
  /** Slowest reply, in ms (a figure for the report, not an assertion). */
  slowestMillis: number
}

interface Pending {
  readonly id: string
  readonly kind: Kind
  tries: number
}

/**
 * An MTA-like sender: `concurrency` workers take the next message (new or due for retry), send it
 * to the gateways in turn, and keep 4xx ones for a retry `retryMillis` later. Each reply is counted
 * in the phase current when it came back.
 */
export const makeSender = (
  ports: ReadonlyArray<number>,
  options: { readonly concurrency: number; readonly retryMillis: number }
) => {
  const tallies = new Map<string, Tally>()
  const acceptedIn = new Map<string, { readonly phase: string; readonly kind: Kind }>()
  const retries: Array<{ readonly due: number; readonly message: Pending }> = []
  let phase = "baseline"
  let next = 0
  let sending = true
  let turn = 0
  const tally = (p: string): Tally => {
    let t = tallies.get(p)
    if (t === undefined) tallies.set(p, (t = { accepted: 0, deferred: 0, rejected: 0, slowestMillis: 0 }))
    return t
  }
  const take = (): Pending | undefined => {
    const due = retries.findIndex((r) => r.due <= Date.now())
    if (due >= 0) return retries.splice(due, 1)[0]!.message
    if (!sending) return undefined
    const n = next++
    return { id: `m${n}`, kind: n % 4 === 3 ? "spam" : "ham", tries: 0 }
  }
  const worker = async () => {
    while (sending || retries.length > 0) {
      const m = take()
      if (m === undefined) {
        await sleep(50)
        continue
      }
      const port = ports[turn++ % ports.length]!
      const started = Date.now()
      const body = `Subject: chaos ${m.id}\r\nMessage-ID: <${m.id}@client.test>\r\nX-Chaos-Id: ${m.id}\r\n\r\n${m.kind === "spam" ? `${GTUBE}\r\n` : HAM}`
      const reply = await sendRaw(port, { from: "sender@client.test", to: ["user@example.test"] }, body).then(
        (r) => r.data || r.rcpt.find((l) => !l.startsWith("250")) || "",
        (e: unknown) => `421 client: ${(e as Error).message}`
      )
      const t = tally(phase)
      t.slowestMillis = Math.max(t.slowestMillis, Date.now() - started)
      m.tries++
      if (reply.startsWith("250")) {
        t.accepted++
        acceptedIn.set(m.id, { phase, kind: m.kind })
      } else if (reply.startsWith("4")) {
        t.deferred++
        retries.push({ due: Date.now() + options.retryMillis, message: m })
      } else t.rejected++
      await sleep(10)
    }
  }
  const workers = Array.from({ length: options.concurrency }, worker)
  return {
    setPhase: (p: string) => {
      phase = p
    },
    /** Stops taking new messages; resolves once every deferred one was accepted (or `millis` passed). */
    drain: async (millis: number) => {
      sending = false
      await Promise.race([Promise.all(workers), sleep(millis)])
      return retries.length
    },
    tallies,
    acceptedIn
  }
}

/** Every message in the Maildir roots (`<root>/<address>/new/`): X-Chaos-Id -> the X-Mailmoat-Verdict of each copy. */
export const delivered = (maildirs: ReadonlyArray<string>): Map<string, Array<string>> => {
  const seen = new Map<string, Array<string>>()
  // One Maildir per recipient under the root: <root>/<address>/new/.
  const dirs = maildirs
    .flatMap((root) => (existsSync(root) ? readdirSync(root).map((box) => join(root, box, "new")) : []))
    .filter((d) => existsSync(d))
  for (const dir of dirs) {
    for (const f of readdirSync(dir)) {
      const text = readFileSync(join(dir, f), "latin1")
      const id = /^X-Chaos-Id: (\S+)/m.exec(text)?.[1]
      if (id === undefined) continue
      seen.set(id, [...(seen.get(id) ?? []), /^X-Mailmoat-Verdict: *(\S+)/im.exec(text)?.[1] ?? "none"])
    }
  }
  return seen
}
