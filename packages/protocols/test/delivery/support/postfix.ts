// A real Postfix smtpd on a loopback ephemeral port, as a downstream that offers CHUNKING (BDAT,
// RFC 3030) and PIPELINING, which smtp-sink does not: the private instance of
// bench/floor/postfix-downstream.mjs (nothing of the system's Postfix is touched or started),
// delivering mail for example.test to one Maildir, except refused@example.test (refused at
// RCPT) and a message whose Subject is `REFUSED_SUBJECT` (refused at the end of its data).
// smtpd logs each session's command counts ("bdat=1", "data=1") to the instance's own log.
//
// Needs root (the master and its daemons switch to the postfix user) and the postfix package.
import type { ChildProcess } from "node:child_process"
import { randomBytes } from "node:crypto"
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { startPostfix } from "../../../../../bench/floor/postfix-downstream.mjs"
import { freePort, requireBinary, waitForGreeting } from "./peers.ts"

const MASTER = "/usr/lib/postfix/sbin/master"

/**
 * Whether this process can run a private Postfix instance: its master and daemons switch to the
 * postfix user, which only root can do. The binaries and the user are not checked here: the
 * test command installs them (scripts/peers.mjs), and a missing one fails the start loudly
 * instead of skipping the tests.
 */
export const postfixAvailable = (): boolean => process.getuid?.() === 0

/** A message with this Subject is refused at the end of its data (550, Postfix's header_checks). */
export const REFUSED_SUBJECT = "refuse me"

export class PostfixServer {
  private constructor(
    readonly port: number,
    readonly dir: string,
    private readonly master: ChildProcess,
    private readonly cleanup: () => void
  ) {}

  /** `smtpd`: the smtpd service's master.cf lines for the port it is given (default: a plain one). */
  static async start(smtpd?: (port: number) => ReadonlyArray<string>): Promise<PostfixServer> {
    // A port taken between freePort's probe and the master's bind (tests run side by side): the
    // master exits (it cannot listen), or another server greets there; try again on another port.
    for (let attempt = 1; ; attempt++) {
      try {
        return await PostfixServer.startOnce(smtpd)
      } catch (error) {
        if (attempt >= 3) throw error
      }
    }
  }

  private static async startOnce(smtpd?: (port: number) => ReadonlyArray<string>): Promise<PostfixServer> {
    requireBinary(MASTER, "postfix")
    const port = await freePort()
    // Its own name in the greeting: only this instance's greeting says the port is ours.
    const banner = `postfix-${randomBytes(6).toString("hex")}.test`
    const instance = await startPostfix(port, {
      mailbox: true,
      ...(smtpd === undefined ? {} : { smtpd: smtpd(port) }),
      main: [
        `smtpd_banner = $myhostname ESMTP ${banner}`,
        "smtpd_recipient_restrictions = check_recipient_access inline:{refused@example.test=REJECT}",
        `header_checks = regexp:{{/^Subject: ${REFUSED_SUBJECT}/ REJECT refused by the test}}`
      ]
    })
    const master = instance.child
    const server = new PostfixServer(port, instance.dir, master, instance.cleanup)
    try {
      // Ends on the greeting or the master's exit: the bound only catches a hang.
      await waitForGreeting(port, 60_000, banner, () => master.exitCode !== null || master.signalCode !== null)
    } catch (error) {
      await server.stop()
      throw new Error(`Postfix did not start on 127.0.0.1:${port}: ${(error as Error).message}\n${server.log()}`)
    }
    return server
  }

  /** The instance's log (smtpd's "disconnect ... bdat=1 ..." lines among others). */
  log(): string {
    const file = join(this.dir, "maillog")
    return existsSync(file) ? readFileSync(file, "utf8") : ""
  }

  /** The log once it matches `pattern` (smtpd logs a session's end a moment after its QUIT), or after 10 s. */
  async logMatching(pattern: RegExp): Promise<string> {
    const deadline = Date.now() + 10_000
    for (;;) {
      const log = this.log()
      if (pattern.test(log) || Date.now() > deadline) return log
      await new Promise((r) => setTimeout(r, 50))
    }
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
    this.cleanup()
  }
}
