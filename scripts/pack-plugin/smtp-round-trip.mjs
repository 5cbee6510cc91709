// The packed gateway (installed from the tarball) takes a message over SMTP on 127.0.0.1 and
// delivers it into its Maildir. Run by scripts/pack-check.mjs from the test project.
import { startGateway } from "@mailmoat/gateway"
import { mkdtempSync, readdirSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as net from "node:net"
import { startLoopbackResolver } from "./loopback-resolver.mjs"
const dataDir = mkdtempSync(join(tmpdir(), "pack-gw-"))
// Removed however the round trip ends: `npm test` fails on anything left in its temp folder.
try {
  // Copied here by pack-check: sender authentication's questions stay on loopback.
  const resolver = await startLoopbackResolver()
  const gw = await startGateway({
    dataDir,
    smtp: { host: "127.0.0.1", port: 0, hostname: "pack.test" },
    admin: { enabled: false },
    antispam: { dns: { servers: [resolver.server] } }
  })
  const lines = [
    "EHLO pack.test",
    "MAIL FROM:<a@pack.test>",
    "RCPT TO:<b@pack.test>",
    "DATA",
    "From: a@pack.test\r\nTo: b@pack.test\r\nSubject: lunch on Friday\r\nDate: Tue, 1 Dec 2026 10:00:00 +0000\r\nMessage-ID: <p1@pack.test>\r\n\r\nShall we meet at noon at the usual place?\r\n.",
    "QUIT"
  ]
  const replies = await new Promise((resolve, reject) => {
    const s = net.connect(gw.smtp.port, "127.0.0.1")
    let buf = ""
    const out = []
    let i = -1
    s.setTimeout(15000, () => reject(new Error("timeout " + JSON.stringify(out))))
    s.on("data", (d) => {
      buf += d
      let m
      while ((m = /^(\d{3}) .*\r\n/m.exec(buf))) {
        out.push(m[0].trim())
        buf = buf.slice(m.index + m[0].length)
        i++
        if (i < lines.length) s.write(lines[i] + "\r\n")
      }
    })
    s.on("close", () => resolve(out))
    s.on("error", reject)
  })
  await gw.close()
  await resolver.stop()
  if (!replies.some((r) => r.startsWith("250 2.0.0"))) throw new Error("no 250 after DATA: " + JSON.stringify(replies))
  const files = readdirSync(join(dataDir, "maildir", "b@pack.test", "new"))
  if (files.length !== 1) throw new Error("expected one delivered file, got " + files.length)
} finally {
  rmSync(dataDir, { recursive: true, force: true })
}
