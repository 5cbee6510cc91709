// A real Postfix smtpd on 127.0.0.1:`port`, a private instance (its own config, queue and log
// under a temp dir; the system's Postfix is neither touched nor started) whose master runs in the
// foreground and is stopped by PID. It offers CHUNKING (RFC 3030) and PIPELINING, which smtp-sink
// does not. bench/transport.mjs (`--downstream postfix`) queues each message and discards it
// (the discard(8) transport); the delivery tests (packages/protocols/test/delivery/support/
// postfix.ts) deliver mail for example.test to one Maildir (`mailbox`, virtual(8)). Smtpd logs
// each session's command counts ("bdat=1", "data=1") to the instance's own log file, `maillog`.
// Needs root (the daemons switch to the postfix user) and the postfix package.
import { execFileSync, spawn } from "node:child_process"
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"

const id = (flag) => Number(execFileSync("id", [flag, "postfix"], { encoding: "utf8" }).trim())

// Only the services a local delivery needs, none chrooted (the instance lives under /tmp).
const services = [
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
  "postlog unix-dgram n - n - 1 postlogd"
]

/**
 * Starts the instance (it listens a moment later: wait for its greeting). `mailbox`: mail for
 * example.test goes to `<dir>/mail/box/` (a Maildir), anything else is discarded; otherwise all
 * mail is discarded. `main`: more main.cf lines. `smtpd`: the master.cf lines of the smtpd
 * service in place of a plain one on 127.0.0.1:`port` (with its `-o` overrides, say).
 * @param {number} port
 * @param {{ mailbox?: boolean, main?: ReadonlyArray<string>, smtpd?: ReadonlyArray<string> }} [options]
 */
export const startPostfix = async (
  port,
  { mailbox = false, main = [], smtpd = [`127.0.0.1:${port} inet n - n - - smtpd`] } = {}
) => {
  const [uid, gid] = [id("-u"), id("-g")]
  const dir = mkdtempSync(join(tmpdir(), "mailmoat-postfix-"))
  // The daemons run as the postfix user: it must reach its data and mail directories.
  chmodSync(dir, 0o755)
  for (const sub of ["conf", "queue", "data", "mail"]) mkdirSync(join(dir, sub))
  chownSync(join(dir, "data"), uid, gid)
  chownSync(join(dir, "mail"), uid, gid)
  const delivery = mailbox
    ? [
        "virtual_mailbox_domains = example.test",
        `virtual_mailbox_base = ${dir}/mail`,
        "virtual_mailbox_maps = static:box/",
        `virtual_uid_maps = static:${uid}`,
        `virtual_gid_maps = static:${gid}`
      ]
    : ["default_transport = discard", "relay_transport = discard"]
  writeFileSync(
    join(dir, "conf/main.cf"),
    [
      "compatibility_level = 3.6",
      `queue_directory = ${dir}/queue`,
      `data_directory = ${dir}/data`,
      "inet_interfaces = 127.0.0.1",
      "inet_protocols = ipv4",
      "myhostname = downstream.test",
      "mydestination =",
      "mynetworks = 127.0.0.0/8",
      "smtpd_relay_restrictions = permit_mynetworks, reject",
      "alias_maps =",
      "alias_database =",
      "biff = no",
      `maillog_file_prefixes = ${dir}`,
      `maillog_file = ${dir}/maillog`,
      ...delivery,
      ...main,
      ""
    ].join("\n")
  )
  writeFileSync(join(dir, "conf/master.cf"), [...smtpd, ...services, ""].join("\n"))
  // `postfix check` creates the queue's subdirectories with their owners and modes.
  execFileSync("/usr/sbin/postfix", ["-c", join(dir, "conf"), "check"], { stdio: "ignore", timeout: 20_000 })
  const child = spawn("/usr/lib/postfix/sbin/master", ["-c", join(dir, "conf"), "-d"], { stdio: "ignore" })
  return {
    child,
    dir,
    out: () => "",
    /** Removes the instance's files once its master has been stopped. */
    cleanup: () => rmSync(dir, { recursive: true, force: true })
  }
}
