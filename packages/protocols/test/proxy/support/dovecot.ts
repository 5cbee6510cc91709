// Starts a real Dovecot (imapd + pop3d) on 127.0.0.1 and ephemeral ports, unprivileged where
// possible, with a CA-signed certificate and a Maildir the test fills. Stopped by PID.
// When the tests run as root, Dovecot refuses root login processes, so login runs as `dovenull`
// and mail as `nobody` (the temp tree is handed to that user).
import { type ChildProcess, execFileSync, spawn } from "node:child_process"
import { randomBytes } from "node:crypto"
import { chmodSync, chownSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs"
import * as net from "node:net"
import { userInfo } from "node:os"
import { join } from "node:path"
import { type Pki, makePki } from "./pki.ts"
import { tempDir } from "../../../../../test/support/temp-dirs.ts"

export interface Dovecot {
  readonly dir: string
  readonly ports: {
    readonly imap: number
    readonly imaps: number
    readonly pop3: number
    readonly pop3s: number
    /** The auth service's client listener over TCP (what an SMTP server asks about AUTH). */
    readonly auth: number
  }
  /** The auth service's client listener as a unix socket. */
  readonly authSocket: string
  readonly pki: Pki
  readonly user: string
  readonly password: string
  stop(): Promise<void>
}

const DOVECOT = "/usr/sbin/dovecot"

export const freePort = async (): Promise<number> => (await freePorts(1))[0] as number

/** `count` distinct free ports: every listener stays open until all are known, so none repeats. */
export const freePorts = async (count: number): Promise<Array<number>> => {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<net.Server>((resolve, reject) => {
          const server = net.createServer()
          server.once("error", reject)
          server.listen(0, "127.0.0.1", () => resolve(server))
        })
    )
  )
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port)
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))))
  return ports
}

const idOf = (name: string): number => Number(execFileSync("id", ["-u", name], { encoding: "utf8" }).trim())
const gidOf = (name: string): number => Number(execFileSync("id", ["-g", name], { encoding: "utf8" }).trim())

/** Resolves once the server on `port` greets naming `banner` (a server that took the port first greets too). */
const waitForGreeting = async (port: number, deadlineMs: number, banner: string): Promise<void> => {
  const deadline = Date.now() + deadlineMs
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: "127.0.0.1", port })
      s.once("data", (d: Buffer) => {
        s.destroy()
        const greeting = d.toString("latin1")
        resolve(greeting.startsWith("* OK") && greeting.includes(banner))
      })
      s.once("error", () => resolve(false))
      setTimeout(() => {
        s.destroy()
        resolve(false)
      }, 1000)
    })
    if (ok) return
    if (Date.now() > deadline) throw new Error("dovecot did not come up")
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** Writes messages into `new/` (in order, so UIDs follow the array order). */
export const fillMaildir = (maildir: string, messages: ReadonlyArray<Uint8Array>): void => {
  const base = Date.now()
  messages.forEach((m, i) => {
    writeFileSync(join(maildir, "cur", `${base + i}.M${i}P1.mmtest:2,`), m)
  })
}

/**
 * Starts Dovecot; a port taken by another process between our probe and Dovecot's bind (tests
 * run side by side) is retried with fresh ports, twice at most.
 */
export const startDovecot = async (
  messages: ReadonlyArray<Uint8Array>,
  options: DovecotOptions = {}
): Promise<Dovecot> => {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startDovecotOnce(messages, options)
    } catch (error) {
      if (attempt >= 3 || !/duplicate listener|Address already in use|did not come up/.test((error as Error).message))
        throw error
    }
  }
}

export interface DovecotOptions {
  /** Load imap_zlib, so the server offers COMPRESS=DEFLATE after login (default true). */
  readonly compress?: boolean
}

const startDovecotOnce = async (messages: ReadonlyArray<Uint8Array>, options: DovecotOptions): Promise<Dovecot> => {
  statSync(DOVECOT)
  const dir = tempDir("mailmoat-dovecot-")
  chmodSync(dir, 0o755)
  const pki = makePki(join(dir, "pki"))
  const maildir = join(dir, "Maildir")
  for (const sub of ["cur", "new", "tmp"]) mkdirSync(join(maildir, sub), { recursive: true })
  fillMaildir(maildir, messages)
  const root = process.getuid?.() === 0
  const me = userInfo().username
  const mailUser = root ? "nobody" : me
  const loginUser = root ? "dovenull" : me
  if (root) {
    const uid = idOf(mailUser)
    const gid = gidOf(mailUser)
    chownSync(maildir, uid, gid)
    for (const sub of ["cur", "new", "tmp"]) {
      chownSync(join(maildir, sub), uid, gid)
      for (const f of readdirSync(join(maildir, sub))) chownSync(join(maildir, sub, f), uid, gid)
    }
  }
  const [imap, imaps, pop3, pop3s, auth] = (await freePorts(5)) as [number, number, number, number, number]
  const ports = { imap, imaps, pop3, pop3s, auth }
  const authSocket = join(dir, "auth-client")
  const password = "secret-pass"
  // The greeting names this instance: only its greeting says the IMAP port is ours.
  const banner = `mailmoat-test-${randomBytes(6).toString("hex")} ready.`
  writeFileSync(join(dir, "passwd"), `user:{PLAIN}${password}::::::\n`)
  mkdirSync(join(dir, "base"))
  mkdirSync(join(dir, "state"))
  const conf = `
base_dir = ${dir}/base
state_dir = ${dir}/state
instance_name = mailmoat-test-${ports.imap}
protocols = imap pop3
listen = 127.0.0.1
login_greeting = ${banner}
ssl = yes
ssl_cert = <${pki.serverCertFile}
ssl_key = <${pki.serverKeyFile}
ssl_min_protocol = TLSv1.2
default_internal_user = ${mailUser}
default_internal_group = ${root ? "nogroup" : execFileSync("id", ["-gn"], { encoding: "utf8" }).trim()}
default_login_user = ${loginUser}
first_valid_uid = 1
login_trusted_networks = 127.0.0.0/8
auth_mechanisms = plain login
disable_plaintext_auth = no
mail_location = maildir:${maildir}
${
  options.compress === false
    ? ""
    : `# COMPRESS=DEFLATE (RFC 4978) offered after login, as production servers commonly do.
mail_plugins = $mail_plugins zlib
protocol imap {
  mail_plugins = $mail_plugins imap_zlib
}`
}
log_path = ${dir}/dovecot.log
pop3_uidl_format = %f
passdb {
  driver = passwd-file
  args = scheme=PLAIN ${dir}/passwd
}
userdb {
  driver = static
  args = uid=${mailUser} gid=${root ? "nogroup" : mailUser} home=${dir}
}
service imap-login {
  chroot =
  inet_listener imap {
    port = ${ports.imap}
  }
  inet_listener imaps {
    port = ${ports.imaps}
    ssl = yes
  }
}
service pop3-login {
  chroot =
  inet_listener pop3 {
    port = ${ports.pop3}
  }
  inet_listener pop3s {
    port = ${ports.pop3s}
    ssl = yes
  }
}
service anvil {
  chroot =
}
service auth {
  unix_listener ${authSocket} {
    mode = 0666
  }
  inet_listener auth-client {
    address = 127.0.0.1
    port = ${ports.auth}
  }
}
`
  writeFileSync(join(dir, "dovecot.conf"), conf)
  const child: ChildProcess = spawn(DOVECOT, ["-F", "-c", join(dir, "dovecot.conf")], {
    stdio: ["ignore", "pipe", "pipe"]
  })
  let output = ""
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()))
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()))
  const exited = new Promise<void>((r) => child.once("exit", () => r()))
  try {
    await waitForGreeting(ports.imap, 15_000, banner)
  } catch (error) {
    child.kill("SIGKILL")
    rmSync(dir, { recursive: true, force: true })
    throw new Error(`${(error as Error).message}: ${output}`)
  }
  return {
    dir,
    ports,
    authSocket,
    pki,
    user: "user",
    password,
    stop: async () => {
      if (child.exitCode === null) child.kill("SIGTERM")
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000)
      await exited
      clearTimeout(timer)
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
