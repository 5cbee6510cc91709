#!/usr/bin/env node
// Proves the packages are publishable as they are: `npm pack` each built package, install the
// tarballs into an empty project with npm (dependencies from the registry, our packages only from
// the tarballs), then, in that project, import every entry point and run a real SMTP round trip
// through the packed gateway and the packed `mailmoat` bin. Prints "pack: N passed, M failed".
// Run after the build (scripts/test.mjs does). Loopback only.
import { execFileSync, spawnSync } from "node:child_process"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("..", import.meta.url))
const packages = ["packages/core", "packages/protocols", "packages/antispam", "packages/sdk", "packages/platform-node", "packages/redis", "apps/gateway", "apps/cli"]
const work = mkdtempSync(join(tmpdir(), "mailmoat-pack-"))
const npm = process.platform === "win32" ? "npm.cmd" : "npm"
let passed = 0
let failed = 0
const check = (name, f) => {
  try {
    f()
    passed++
    console.log(`  ok   ${name}`)
  } catch (error) {
    failed++
    console.log(`  FAIL ${name}: ${String(error?.stderr ?? "").slice(-2000) || error?.message}`)
  }
}

try {
  const tarballs = []
  check("npm pack every package", () => {
    for (const dir of packages) {
      const out = execFileSync(npm, ["pack", "--silent", "--pack-destination", work], { cwd: join(root, dir), encoding: "utf8" })
      tarballs.push(join(work, out.trim().split("\n").pop()))
    }
  })
  const project = join(work, "project")
  check("install the tarballs into an empty project", () => {
    execFileSync("mkdir", ["-p", project])
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "pack-check", version: "1.0.0", private: true, type: "module" }))
    execFileSync(npm, ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error", ...tarballs], { cwd: project, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] })
  })
  check("every entry point imports", () => {
    const script = `
      const entries = ["@mailmoat/core", "@mailmoat/core/testing", "@mailmoat/platform-node", "@mailmoat/redis", "@mailmoat/protocols", "@mailmoat/antispam", "@mailmoat/sdk", "@mailmoat/gateway"]
      for (const e of entries) { const m = await import(e); if (Object.keys(m).length === 0) throw new Error(e + " exports nothing") }
      const { Classifier } = await import("@mailmoat/antispam")
      await Classifier.loadModel()
    `
    execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd: project, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] })
  })
  check("the packed gateway takes a message over SMTP and delivers it into its Maildir", () => {
    const script = `
      import { startGateway } from "@mailmoat/gateway"
      import { mkdtempSync, readdirSync } from "node:fs"
      import { tmpdir } from "node:os"
      import { join } from "node:path"
      import * as net from "node:net"
      const dataDir = mkdtempSync(join(tmpdir(), "pack-gw-"))
      const gw = await startGateway({ dataDir, smtp: { host: "127.0.0.1", port: 0, hostname: "pack.test" }, admin: { enabled: false } })
      const lines = ["EHLO pack.test", "MAIL FROM:<a@pack.test>", "RCPT TO:<b@pack.test>", "DATA",
        "From: a@pack.test\\r\\nTo: b@pack.test\\r\\nSubject: lunch on Friday\\r\\nDate: Tue, 1 Dec 2026 10:00:00 +0000\\r\\nMessage-ID: <p1@pack.test>\\r\\n\\r\\nShall we meet at noon at the usual place?\\r\\n.", "QUIT"]
      const replies = await new Promise((resolve, reject) => {
        const s = net.connect(gw.smtp.port, "127.0.0.1"); let buf = ""; const out = []; let i = -1
        s.setTimeout(15000, () => reject(new Error("timeout " + JSON.stringify(out))))
        s.on("data", (d) => { buf += d; let m; while ((m = /^(\\d{3}) .*\\r\\n/m.exec(buf))) { out.push(m[0].trim()); buf = buf.slice(m.index + m[0].length); i++; if (i < lines.length) s.write(lines[i] + "\\r\\n") } })
        s.on("close", () => resolve(out)); s.on("error", reject)
      })
      await gw.close()
      if (!replies.some((r) => r.startsWith("250 2.0.0"))) throw new Error("no 250 after DATA: " + JSON.stringify(replies))
      const files = readdirSync(join(dataDir, "maildir", "b@pack.test", "new"))
      if (files.length !== 1) throw new Error("expected one delivered file, got " + files.length)
    `
    execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd: project, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] })
  })
  check("the packed mailmoat bin runs (config defaults validates)", () => {
    const bin = join(project, "node_modules", ".bin", "mailmoat")
    const defaults = execFileSync(bin, ["config", "defaults"], { cwd: project, encoding: "utf8" })
    writeFileSync(join(project, "defaults.yaml"), defaults)
    const r = spawnSync(bin, ["config", "validate", "defaults.yaml"], { cwd: project, encoding: "utf8" })
    if (r.status !== 0) throw new Error(`config validate exited ${r.status}: ${r.stdout}${r.stderr}`)
  })
} finally {
  rmSync(work, { recursive: true, force: true })
}
console.log(`pack: ${passed} passed, ${failed} failed`)
process.exit(failed === 0 ? 0 : 1)
