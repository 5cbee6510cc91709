#!/usr/bin/env node
// Installs the real peers the integration tests run against (Debian packages), when missing.
// Tests start these programs themselves on 127.0.0.1 and ephemeral ports; nothing is enabled
// as a system service.
import { execFileSync, execSync } from "node:child_process"
import { existsSync } from "node:fs"

/** binary that proves the package is there -> Debian package */
const peers = [
  ["/usr/bin/swaks", "swaks"],
  ["/usr/sbin/smtp-sink", "postfix"],
  ["/usr/sbin/rbldnsd", "rbldnsd"],
  // Authoritative TXT/MX/A records for the SPF, DKIM, DMARC and ARC tests (dnsmasq binary only, no service).
  ["/usr/sbin/dnsmasq", "dnsmasq-base"],
  ["/usr/bin/redis-server", "redis-server"],
  ["/usr/sbin/dovecot", "dovecot-core"],
  ["/usr/lib/dovecot/imap", "dovecot-imapd"],
  ["/usr/lib/dovecot/pop3", "dovecot-pop3d"],
  ["/usr/sbin/clamd", "clamav-daemon"],
  ["/usr/bin/curl", "curl"],
  ["/usr/bin/openssl", "openssl"],
  // `--bench`: bench/classifier-compare.mjs only (no test needs them, so npm test skips them).
  ...(process.argv.includes("--bench")
    ? [
        ["/usr/bin/spamassassin", "spamassassin"],
        ["/usr/bin/bogofilter", "bogofilter"]
      ]
    : [])
]

const missing = peers.filter(([bin]) => !existsSync(bin)).map(([, pkg]) => pkg)
if (missing.length === 0) process.exit(0)

console.log(`[mailmoat] installing test peers from Debian: ${missing.join(" ")}`)
const asRoot = typeof process.getuid === "function" && process.getuid() === 0 ? "" : "sudo "
const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" }
try {
  // Postfix asks how to configure itself; the tests only use its smtp-sink/smtp-source tools.
  execSync(`echo "postfix postfix/main_mailer_type select No configuration" | ${asRoot}debconf-set-selections`, { env, stdio: "inherit" })
  execSync(`${asRoot}apt-get update -qq`, { env, stdio: "inherit" })
  execFileSync("sh", ["-c", `${asRoot}apt-get install -y -qq --no-install-recommends ${missing.join(" ")}`], { env, stdio: "inherit" })
} catch (error) {
  console.error(`[mailmoat] could not install ${missing.join(" ")}: ${error.message}`)
  process.exit(1)
}
