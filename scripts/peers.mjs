#!/usr/bin/env node
// Installs and checks the real peers the integration tests run against (Debian packages).
//
// A peer counts as present only when it can do what the tests ask of it, not when its binary
// exists: swaks without Perl's Net::SSLeay is on the PATH but exits 10 on `--tls`. Each
// capability is probed, every missing one is mapped to the package that brings it, those are
// installed, and the probes run again. The preflight prints one line per peer and exits 1 naming
// the package when a capability is still missing, so a test never fails on a bare exit code.
//
// Tests start these programs themselves on 127.0.0.1 and ephemeral ports; nothing is enabled as
// a system service.
//
//   node scripts/peers.mjs            install what is missing (in rounds), then check (npm test runs this)
//   node scripts/peers.mjs --check    check only, install nothing
//   node scripts/peers.mjs --bench    also the classifier comparison peers (SpamAssassin, bogofilter)
import { execSync, spawnSync } from "node:child_process"
import { existsSync } from "node:fs"

const checkOnly = process.argv.includes("--check")
const withBench = process.argv.includes("--bench")

/** Runs a command and returns its stdout+stderr ("" when it cannot be run). */
const output = (command, args) => {
  const result = spawnSync(command, args, { encoding: "utf8", timeout: 20_000 })
  return result.error ? "" : `${result.stdout ?? ""}${result.stderr ?? ""}`
}
const firstMatch = (text, pattern) => text.match(pattern)?.[1] ?? "?"
const IMAP_ZLIB = "/usr/lib/dovecot/modules/lib30_imap_zlib_plugin.so"

const needFile = (path, pkg) => (existsSync(path) ? [] : [{ what: path, pkg }])

/**
 * A peer: `probe()` returns its version, the capabilities it showed and what is missing, each
 * missing capability with the Debian package that brings it.
 * @type {ReadonlyArray<{ name: string, probe: () => { version: string, shows: string[], missing: { what: string, pkg: string }[] } }>}
 */
const peers = [
  {
    // protocols SmtpServer.swaks, gateway relay and antispam-e2e: --tls, --auth PLAIN and LOGIN.
    name: "swaks",
    probe: () => {
      if (!existsSync("/usr/bin/swaks"))
        return { version: "-", shows: [], missing: [{ what: "/usr/bin/swaks", pkg: "swaks" }] }
      const support = output("swaks", ["--support"])
      const supported = (feature) => new RegExp(`^=== ${feature} supported`, "m").test(support)
      // swaks reports PLAIN and LOGIN together as "Basic AUTH" (MIME::Base64, part of Perl).
      const missing = [
        // swaks needs IO::Socket::SSL on top of Net::SSLeay for STARTTLS.
        ...(supported("TLS")
          ? []
          : [{ what: "STARTTLS (Net::SSLeay, IO::Socket::SSL)", pkg: "libnet-ssleay-perl libio-socket-ssl-perl" }]),
        ...(supported("Basic AUTH") ? [] : [{ what: "AUTH PLAIN/LOGIN (MIME::Base64)", pkg: "perl" }])
      ]
      const shows = [
        ...(supported("TLS") ? ["STARTTLS"] : []),
        ...(supported("Basic AUTH") ? ["AUTH-PLAIN", "AUTH-LOGIN"] : [])
      ]
      return { version: firstMatch(output("swaks", ["--version"]), /version\s+(\S+)/), shows, missing }
    }
  },
  {
    name: "postfix smtp-sink/smtp-source, smtpd",
    probe: () => ({
      version: firstMatch(output("/usr/sbin/postconf", ["-d", "mail_version"]), /=\s*(\S+)/),
      shows: [
        ...["smtp-sink", "smtp-source"].filter((b) => existsSync(`/usr/sbin/${b}`)),
        // A private instance (master, smtpd with CHUNKING) is the downstream of the relay tests.
        ...["master", "smtpd"].filter((b) => existsSync(`/usr/lib/postfix/sbin/${b}`))
      ],
      missing: [
        ...needFile("/usr/sbin/smtp-sink", "postfix"),
        ...needFile("/usr/sbin/smtp-source", "postfix"),
        ...needFile("/usr/lib/postfix/sbin/master", "postfix"),
        ...needFile("/usr/lib/postfix/sbin/smtpd", "postfix")
      ]
    })
  },
  {
    name: "rbldnsd",
    probe: () => ({
      version: firstMatch(output("dpkg-query", ["-W", "-f=${Version}", "rbldnsd"]), /^(\S+)/),
      shows: existsSync("/usr/sbin/rbldnsd") ? ["ip4set", "dnset"] : [],
      missing: needFile("/usr/sbin/rbldnsd", "rbldnsd")
    })
  },
  {
    // the deployment example's unit file is checked with `systemd-analyze verify` (the package
    // only brings the tool here: nothing is started, PID 1 stays what it is).
    name: "systemd-analyze",
    probe: () => ({
      version: firstMatch(output("/usr/bin/systemd-analyze", ["--version"]), /systemd\s+(\S+)/),
      shows: existsSync("/usr/bin/systemd-analyze") ? ["verify"] : [],
      missing: needFile("/usr/bin/systemd-analyze", "systemd")
    })
  },
  {
    // the attachment stage's tests read real archives made by Info-ZIP (plain, -P encrypted, streamed).
    name: "zip",
    probe: () => ({
      version: firstMatch(output("/usr/bin/zip", ["-v"]), /This is Zip (\S+)/),
      shows: existsSync("/usr/bin/zip") ? ["-P", "stdout"] : [],
      missing: needFile("/usr/bin/zip", "zip")
    })
  },
  {
    // antispam auth tests (SPF, DKIM, DMARC, ARC): an authoritative server for TXT, MX and A records
    // (dnsmasq-base is the binary only, no system service).
    name: "dnsmasq",
    probe: () => ({
      version: firstMatch(output("/usr/sbin/dnsmasq", ["--version"]), /version\s+(\S+)/),
      shows: existsSync("/usr/sbin/dnsmasq") ? ["txt-record", "mx-host", "host-record"] : [],
      missing: needFile("/usr/sbin/dnsmasq", "dnsmasq-base")
    })
  },
  {
    // Scale-out tests also run it as a Cluster node and as a sentinel (`--sentinel`, the same
    // binary: no redis-sentinel package needed) and with TLS (Debian builds it in).
    name: "redis",
    probe: () => ({
      version: firstMatch(output("/usr/bin/redis-server", ["--version"]), /v=(\S+)/),
      shows: [
        ...["redis-server", "redis-cli"].filter((b) => existsSync(`/usr/bin/${b}`)),
        ...(/not listen anywhere/.test(output("/usr/bin/redis-server", ["--port", "0", "--tls-port", "0"]))
          ? ["tls"]
          : [])
      ],
      missing: [...needFile("/usr/bin/redis-server", "redis-server"), ...needFile("/usr/bin/redis-cli", "redis-tools")]
    })
  },
  {
    name: "dovecot",
    probe: () => ({
      version: firstMatch(output("/usr/sbin/dovecot", ["--version"]), /^(\S+)/),
      shows: [
        ...["imap", "pop3"].filter((b) => existsSync(`/usr/lib/dovecot/${b}`)),
        ...(existsSync(IMAP_ZLIB) ? ["COMPRESS=DEFLATE"] : [])
      ],
      missing: [
        ...needFile("/usr/sbin/dovecot", "dovecot-core"),
        ...needFile("/usr/lib/dovecot/imap", "dovecot-imapd"),
        ...needFile("/usr/lib/dovecot/pop3", "dovecot-pop3d"),
        // The proxy tests' Dovecot loads imap_zlib so clients can ask for COMPRESS.
        ...needFile(IMAP_ZLIB, "dovecot-core")
      ]
    })
  },
  {
    name: "clamd",
    probe: () => ({
      version: firstMatch(output("/usr/sbin/clamd", ["--version"]), /ClamAV\s+([^/\s]+)/),
      shows: existsSync("/usr/sbin/clamd") ? ["INSTREAM"] : [],
      missing: needFile("/usr/sbin/clamd", "clamav-daemon")
    })
  },
  {
    // The TLS tests drive s_client with SNI or none, STARTTLS for IMAP and POP3, and a verification
    // that aborts the handshake (the per-SNI certificate tests rely on every one of these options).
    name: "openssl",
    probe: () => {
      const version = firstMatch(output("openssl", ["version"]), /OpenSSL\s+(\S+)/)
      if (version === "?") return { version, shows: [], missing: [{ what: "openssl", pkg: "openssl" }] }
      const help = output("openssl", ["s_client", "-help"])
      const starttls = help.includes("-starttls")
      const wanted = ["-servername", "-noservername", "-verify_return_error", "-CAfile", "-ign_eof"]
      const options = wanted.filter((o) => new RegExp(`^\\s*${o}\\b`, "m").test(help))
      const missing = wanted
        .filter((o) => !options.includes(o))
        .concat(starttls ? [] : ["-starttls"])
        .map((o) => ({ what: `openssl s_client ${o}`, pkg: "openssl" }))
      return { version, shows: ["s_client", ...options, ...(starttls ? ["-starttls"] : []), "req"], missing }
    }
  },
  {
    // The proxy tests fetch through curl over IMAP(S) and POP3(S).
    name: "curl",
    probe: () => {
      const text = output("curl", ["--version"])
      const protocols = (text.match(/^Protocols:(.*)$/m)?.[1] ?? "").trim().split(/\s+/)
      const wanted = ["imap", "imaps", "pop3", "pop3s"]
      const missing =
        text === ""
          ? [{ what: "curl", pkg: "curl" }]
          : wanted.filter((p) => !protocols.includes(p)).map((p) => ({ what: `curl ${p}`, pkg: "curl" }))
      return { version: firstMatch(text, /^curl\s+(\S+)/), shows: wanted.filter((p) => protocols.includes(p)), missing }
    }
  },
  {
    // The quarantine page test drives Debian's Chromium headless through playwright-core.
    name: "chromium",
    probe: () => {
      const version = firstMatch(output("/usr/bin/chromium", ["--version"]), /Chromium\s+(\S+)/)
      return {
        version,
        shows: version === "?" ? [] : ["headless"],
        missing: version === "?" ? [{ what: "/usr/bin/chromium", pkg: "chromium" }] : []
      }
    }
  },
  ...(withBench
    ? [
        {
          name: "spamassassin",
          probe: () => ({
            version: "-",
            shows: [],
            missing: [
              ...needFile("/usr/bin/spamassassin", "spamassassin"),
              ...needFile("/usr/bin/sa-learn", "spamassassin")
            ]
          })
        },
        {
          name: "bogofilter",
          probe: () => ({ version: "-", shows: [], missing: needFile("/usr/bin/bogofilter", "bogofilter") })
        }
      ]
    : [])
]

const probeAll = () => peers.map((peer) => ({ name: peer.name, ...peer.probe() }))
const packagesFor = (results) => [...new Set(results.flatMap((r) => r.missing.flatMap((m) => m.pkg.split(" "))))]

/** Installs `toInstall` with apt-get (the package lists updated once per run); exits when it cannot. */
let updated = false
const install = (toInstall) => {
  console.log(`[mailmoat] installing test peers from Debian: ${toInstall.join(" ")}`)
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0
  const asRoot = isRoot ? "" : "sudo "
  if (!isRoot && spawnSync("sudo", ["-n", "true"]).status !== 0) {
    console.error(
      `[mailmoat] cannot install (${toInstall.join(" ")}): not root and no password-less sudo. Install them with apt-get and run npm test again.`
    )
    process.exit(1)
  }
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" }
  try {
    if (!updated) {
      // Postfix asks how to configure itself; the tests use its smtp-sink/smtp-source tools and
      // start private instances of their own (the system's Postfix is never configured or started).
      execSync(`echo "postfix postfix/main_mailer_type select No configuration" | ${asRoot}debconf-set-selections`, {
        env,
        stdio: "inherit"
      })
      execSync(`${asRoot}apt-get -o DPkg::Lock::Timeout=600 update -qq`, { env, stdio: "inherit" })
      updated = true
    }
    // No recommends (they pull in MTAs and daemons): every package a test needs is named above.
    execSync(
      `${asRoot}apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends ${toInstall.join(" ")}`,
      { env, stdio: "inherit" }
    )
  } catch (error) {
    console.error(`[mailmoat] apt-get failed for ${toInstall.join(" ")}: ${error.message}`)
  }
}

// In rounds: some capabilities can be probed only once their binary is there (swaks' TLS
// support, once swaks is installed), so a round can reveal packages the one before could not.
// A package is tried once; the loop ends when a round finds nothing new to install.
let results = probeAll()
const tried = new Set()
for (;;) {
  const toInstall = checkOnly ? [] : packagesFor(results).filter((pkg) => !tried.has(pkg))
  if (toInstall.length === 0) break
  for (const pkg of toInstall) tried.add(pkg)
  install(toInstall)
  results = probeAll()
}

for (const r of results) {
  const state = r.missing.length === 0 ? "ok" : `MISSING ${r.missing.map((m) => m.what).join(", ")}`
  console.log(`[mailmoat peers] ${r.name} ${r.version} ${r.shows.join(" ")} ${state}`.replace(/\s+/g, " "))
}
const stillMissing = results.filter((r) => r.missing.length > 0)
if (stillMissing.length > 0) {
  for (const r of stillMissing) {
    for (const m of r.missing)
      console.error(`[mailmoat peers] ${r.name}: ${m.what} is missing; Debian package: ${m.pkg}`)
  }
  console.error(
    `[mailmoat peers] the tests need these; install: apt-get install --no-install-recommends ${packagesFor(stillMissing).join(" ")}`
  )
  process.exit(1)
}
