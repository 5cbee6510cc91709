// A real Postfix smtpd on a loopback ephemeral port, as a downstream that offers CHUNKING (BDAT,
// RFC 3030) and PIPELINING, which smtp-sink does not: a private instance (its own config, queue
// and log directories under a temp dir; nothing of the system's Postfix is touched or started)
// whose master runs in the foreground and is stopped by PID. Mail for example.test is delivered
// to one Maildir by Postfix's virtual(8), except refused@example.test, refused at RCPT; `smtpd` logs each session's command counts
// ("bdat=1", "data=1") to the instance's own log file.
//
// Needs root (the master and its daemons switch to the postfix user) and the postfix package.
import { type ChildProcess, execFileSync, spawn } from "node:child_process"
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync
} from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { freePort, requireBinary, waitForGreeting } from "./peers.ts"

const MASTER = "/usr/lib/postfix/sbin/master"
const POSTFIX = "/usr/sbin/postfix"

/** Whether this process can run a private Postfix instance (root, the binaries, the postfix user). */
export const postfixAvailable = (): boolean =>
  process.getuid?.() === 0 && existsSync(MASTER) && existsSync(POSTFIX) && idOf("-u") !== undefined

const idOf = (flag: "-u" | "-g"): number | undefined => {
  try {
    return Number(execFileSync("id", [flag, "postfix"], { encoding: "utf8" }).trim())
  } catch {
    return undefined
  }
}

export interface PostfixOptions {
  /** Postfix's `message_size_limit` (default 10 MB): a larger message is refused at its end. */
  readonly messageSizeLimit?: number
}

/** A message with this Subject is refused at the end of its data (550, Postfix's header_checks). */
export const REFUSED_SUBJECT = "refuse me"

const mainCf = (dir: string, uid: number, gid: number, options: PostfixOptions): string =>
  [
    "compatibility_level = 3.6",
    `queue_directory = ${dir}/queue`,
    `data_directory = ${dir}/data`,
    "mail_owner = postfix",
    "inet_interfaces = 127.0.0.1",
    "inet_protocols = ipv4",
    "myhostname = downstream.test",
    "mydestination =",
    "mynetworks = 127.0.0.0/8",
    "smtpd_relay_restrictions = permit_mynetworks, reject",
    // One recipient refused at RCPT (554), for the tests of a partly accepted transaction.
    "smtpd_recipient_restrictions = check_recipient_access inline:{refused@example.test=REJECT}",
    "virtual_mailbox_domains = example.test",
    `virtual_mailbox_base = ${dir}/mail`,
    "virtual_mailbox_maps = static:box/",
    `virtual_uid_maps = static:${uid}`,
    `virtual_gid_maps = static:${gid}`,
    `maillog_file_prefixes = ${dir}`,
    `maillog_file = ${dir}/maillog`,
    "biff = no",
    `message_size_limit = ${options.messageSizeLimit ?? 10_240_000}`,
    `header_checks = regexp:{{/^Subject: ${REFUSED_SUBJECT}/ REJECT refused by the test}}`,
    "alias_maps =",
    "alias_database =",
    ""
  ].join("\n")

// Only the services a local delivery needs, none chrooted (the instance lives under /tmp).
const masterCf = (port: number): string =>
  [
    `127.0.0.1:${port} inet n - n - - smtpd`,
    "cleanup unix n - n - 0 cleanup",
    "qmgr unix n - n 300 1 qmgr",
    "rewrite unix - - n - - trivial-rewrite",
    "bounce unix - - n - 0 bounce",
    "defer unix - - n - 0 bounce",
    "trace unix - - n - 0 bounce",
    "verify unix - - n - 1 verify",
    "proxymap unix - - n - - proxymap",
    "error unix - - n - - error",
    "retry unix - - n - - error",
    "discard unix - - n - - discard",
    "virtual unix - n n - - virtual",
    "anvil unix - - n - 1 anvil",
    "scache unix - - n - 1 scache",
    "postlog unix-dgram n - n - 1 postlogd",
    ""
  ].join("\n")

export class PostfixServer {
  private constructor(
    readonly port: number,
    readonly dir: string,
    private readonly master: ChildProcess
  ) {}

  static async start(options: PostfixOptions = {}): Promise<PostfixServer> {
    requireBinary(MASTER, "postfix")
    const uid = idOf("-u")
    const gid = idOf("-g")
    if (uid === undefined || gid === undefined) throw new Error("the postfix user is missing (package postfix)")
    const dir = mkdtempSync(join(tmpdir(), "mailmoat-postfix-"))
    // The daemons run as the postfix user: it must reach its data and mail directories.
    chmodSync(dir, 0o755)
    const port = await freePort()
    for (const sub of ["conf", "queue", "data", "mail"]) mkdirSync(join(dir, sub))
    chownSync(join(dir, "data"), uid, gid)
    chownSync(join(dir, "mail"), uid, gid)
    writeFileSync(join(dir, "conf/main.cf"), mainCf(dir, uid, gid, options))
    writeFileSync(join(dir, "conf/master.cf"), masterCf(port))
    // `postfix check` creates the queue's subdirectories with their owners and modes.
    execFileSync(POSTFIX, ["-c", join(dir, "conf"), "check"], { stdio: "ignore", timeout: 20_000 })
    const master = spawn(MASTER, ["-c", join(dir, "conf"), "-d"], { stdio: "ignore" })
    const server = new PostfixServer(port, dir, master)
    try {
      await waitForGreeting(port, 15_000)
    } catch (error) {
      await server.stop()
      throw error
    }
    return server
  }

  /** The instance's log (smtpd's "disconnect ... bdat=1 ..." lines among others). */
  log(): string {
    const file = join(this.dir, "maillog")
    return existsSync(file) ? readFileSync(file, "utf8") : ""
  }

  /** The delivered messages' files, oldest first by name (Maildir names start with the time). */
  delivered(): Array<string> {
    const dir = join(this.dir, "mail/box/new")
    if (!existsSync(dir)) return []
    return readdirSync(dir)
      .sort()
      .map((f) => readFileSync(join(dir, f), "latin1"))
  }

  /** Waits until `count` messages are delivered (Postfix delivers after its 250, from its queue). */
  async waitDelivered(count: number, timeoutMs = 20_000): Promise<Array<string>> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const files = this.delivered()
      if (files.length >= count) return files
      if (Date.now() > deadline) throw new Error(`${files.length} of ${count} delivered; log:\n${this.log()}`)
      await new Promise((r) => setTimeout(r, 100))
    }
  }

  async stop(): Promise<void> {
    const master = this.master
    if (master.exitCode === null && master.signalCode === null) {
      const exited = new Promise((r) => master.once("exit", r))
      master.kill("SIGTERM")
      const timer = setTimeout(() => master.kill("SIGKILL"), 10_000)
      await exited
      clearTimeout(timer)
    }
    rmSync(this.dir, { recursive: true, force: true })
  }
}
