// A real authoritative DNS server for the sender-authentication tests: dnsmasq (Debian package
// dnsmasq-base) on 127.0.0.1 and an ephemeral port, answering only from the records given
// (TXT, A, MX), NXDOMAIN for other names under the local zones, REFUSED for anything else.
// Loopback only; every wait is bounded; stopped by PID.
import { type ChildProcess, spawn, spawnSync } from "node:child_process"
import { randomBytes } from "node:crypto"
import { promises as dnsPromises } from "node:dns"
import { rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { freeUdpPort } from "../../../../core/test/dns/support/rbldnsd.ts"
import { tempDir } from "../../../../../test/support/temp-dirs.ts"

export type DnsRecord =
  | { readonly type: "TXT"; readonly name: string; readonly value: string }
  | { readonly type: "A"; readonly name: string; readonly value: string }
  | { readonly type: "MX"; readonly name: string; readonly exchange: string; readonly preference: number }

export interface Dnsmasq {
  /** `127.0.0.1:PORT`, for `dns.servers`. */
  readonly server: string
  readonly stop: () => Promise<void>
}

const BINARY = "/usr/sbin/dnsmasq"

/** A TXT value as dnsmasq character-strings: quoted, escaped, at most 255 bytes each. */
const txtStrings = (value: string): string => {
  const chunks: Array<string> = []
  for (let i = 0; i < value.length; i += 250) chunks.push(value.slice(i, i + 250))
  return chunks.map((c) => `"${c.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`).join(",")
}

const line = (r: DnsRecord): string => {
  switch (r.type) {
    case "TXT":
      return `txt-record=${r.name},${txtStrings(r.value)}`
    case "A":
      return `host-record=${r.name},${r.value}`
    case "MX":
      return `mx-host=${r.name},${r.exchange},${r.preference}`
  }
}

/** `zones`: the domains this server is authoritative for (names below them not listed are NXDOMAIN). */
export const startDnsmasq = async (
  zones: ReadonlyArray<string>,
  records: ReadonlyArray<DnsRecord>
): Promise<Dnsmasq> => {
  if (spawnSync("sh", ["-c", `test -x ${BINARY}`]).status !== 0)
    throw new Error('dnsmasq is not installed: install the Debian package "dnsmasq-base" (scripts/peers.mjs does)')
  const dir = tempDir("mailmoat-dnsmasq-")
  // Ready once the probe's TXT answer is this token: "no such name" can come from another server
  // that took the port between the probe for a free port and dnsmasq's bind (the tests' loopback
  // resolver answers every name so), and dnsmasq then exits on its bind error.
  const probe = `ready-probe.${zones[0]}`
  const token = `ready-${randomBytes(8).toString("hex")}`
  let child: ChildProcess | undefined
  let port = 0
  let stderr = ""
  for (let attempt = 0; attempt < 5 && child === undefined; attempt++) {
    port = await freeUdpPort()
    const conf = join(dir, "dnsmasq.conf")
    const lines = [
      `port=${port}`,
      "listen-address=127.0.0.1",
      "bind-interfaces",
      "no-resolv",
      "no-hosts",
      "no-poll",
      "cache-size=0",
      ...zones.map((z) => `local=/${z}/`),
      ...[...records, { type: "TXT" as const, name: probe, value: token }].map(line)
    ]
    writeFileSync(conf, `${lines.join("\n")}\n`)
    const c = spawn(BINARY, ["--keep-in-foreground", `--conf-file=${conf}`, "--pid-file=", "--log-facility=-"], {
      stdio: ["ignore", "ignore", "pipe"]
    })
    c.stderr?.on("data", (d) => {
      stderr += String(d)
    })
    const r = new dnsPromises.Resolver({ timeout: 200, tries: 1 })
    r.setServers([`127.0.0.1:${port}`])
    let ready = false
    for (let i = 0; i < 50 && !ready && c.exitCode === null; i++) {
      const answer = await r.resolveTxt(probe).then(
        (txt) => txt.map((strings) => strings.join("")),
        (): Array<string> => []
      )
      if (answer.includes(token)) ready = true
      else await new Promise((res) => setTimeout(res, 100))
    }
    if (ready) child = c
    else c.kill("SIGKILL")
  }
  if (child === undefined) throw new Error(`dnsmasq did not start: ${stderr}`)
  const proc = child
  return {
    server: `127.0.0.1:${port}`,
    stop: async () => {
      if (proc.exitCode === null) {
        const exited = new Promise((r) => proc.once("exit", r))
        proc.kill("SIGTERM")
        await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))])
        if (proc.exitCode === null) proc.kill("SIGKILL")
      }
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
