// A real Postfix smtpd as the downstream of bench/transport.mjs (`--downstream postfix`), for what
// smtp-sink cannot show: it offers CHUNKING (RFC 3030), so the gateway's relay client sends each
// message as one BDAT ... LAST instead of DATA, its 354 and the content. A private instance (its
// own config, queue and log under a temp dir; the system's Postfix is neither touched nor
// started) whose master runs in the foreground and is stopped by PID; every message is queued and
// then discarded (the discard(8) transport). Needs root and the postfix package.
import { execFileSync, spawn } from "node:child_process"
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"

const id = (flag) => Number(execFileSync("id", [flag, "postfix"], { encoding: "utf8" }).trim())

/** Starts the instance on 127.0.0.1:`port`; resolves once it listens. */
export const startPostfix = async (port) => {
  const dir = mkdtempSync(join(tmpdir(), "mailmoat-bench-postfix-"))
  chmodSync(dir, 0o755)
  for (const sub of ["conf", "queue", "data"]) mkdirSync(join(dir, sub))
  chownSync(join(dir, "data"), id("-u"), id("-g"))
  writeFileSync(
    join(dir, "conf/main.cf"),
    [
      "compatibility_level = 3.6",
      `queue_directory = ${dir}/queue`,
      `data_directory = ${dir}/data`,
      "inet_interfaces = 127.0.0.1",
      "inet_protocols = ipv4",
      "myhostname = downstream.bench.example",
      "mydestination =",
      "mynetworks = 127.0.0.0/8",
      "smtpd_relay_restrictions = permit_mynetworks, reject",
      "default_transport = discard",
      "relay_transport = discard",
      "alias_maps =",
      "alias_database =",
      `maillog_file_prefixes = ${dir}`,
      `maillog_file = ${dir}/maillog`,
      ""
    ].join("\n")
  )
  writeFileSync(
    join(dir, "conf/master.cf"),
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
      "anvil unix - - n - 1 anvil",
      "scache unix - - n - 1 scache",
      "postlog unix-dgram n - n - 1 postlogd",
      ""
    ].join("\n")
  )
  execFileSync("/usr/sbin/postfix", ["-c", join(dir, "conf"), "check"], { stdio: "ignore", timeout: 20_000 })
  const child = spawn("/usr/lib/postfix/sbin/master", ["-c", join(dir, "conf"), "-d"], { stdio: "ignore" })
  return {
    child,
    out: () => "",
    /** Removes the instance's files once its master has been stopped. */
    cleanup: () => rmSync(dir, { recursive: true, force: true })
  }
}
