// Start-up failures of the BUILT gateway binary (node apps/gateway/dist/main.js): each exits 2,
// promptly, with one line naming the configuration key to fix, and leaves nothing listening.
import { spawn } from "node:child_process"
import { existsSync, writeFileSync } from "node:fs"
import { createServer, type Server } from "node:net"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { makeCert, tempDir } from "./support/peers.ts"

const main = fileURLToPath(new URL("../dist/main.js", import.meta.url))

interface Exit {
  readonly code: number | null
  readonly stderr: string
  readonly millis: number
}

/**
 * Runs the gateway with `yaml` as its configuration; kills it (and fails) if it does not exit.
 * The wait ends when the process exits: its bound (under a case's 90 s) only tells a gateway that
 * keeps running from one that starts slowly under load.
 */
const start = (yaml: string, timeoutMs = 60_000): Promise<Exit> => {
  if (!existsSync(main)) throw new Error("apps/gateway is not built: run `pnpm exec turbo run build` first")
  const dir = tempDir()
  const config = join(dir, "mailmoat.yaml")
  writeFileSync(config, yaml.replaceAll("$DIR", dir))
  const started = Date.now()
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [main, "--config", config], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] })
    let stderr = ""
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()))
    const timer = setTimeout(() => {
      child.kill("SIGKILL")
      reject(new Error(`the gateway did not exit within ${timeoutMs} ms; stderr: ${stderr}`))
    }, timeoutMs)
    child.on("error", reject)
    child.on("close", (code) => {
      clearTimeout(timer)
      resolve({ code, stderr, millis: Date.now() - started })
    })
  })
}

const base = "admin: { enabled: false }\n"

describe("start-up failures exit 2 and name the key", () => {
  let taken: Server
  let takenPort: number
  beforeAll(async () => {
    taken = createServer()
    await new Promise<void>((r) => taken.listen(0, "127.0.0.1", () => r()))
    takenPort = (taken.address() as { port: number }).port
  })
  afterAll(() => new Promise<void>((r) => taken.close(() => r())))

  test("smtp.port in use", async () => {
    const r = await start(`${base}dataDir: $DIR/data\nsmtp: { host: 127.0.0.1, port: ${takenPort} }\n`)
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(
      `mailmoat: the gateway could not start: smtp.port: 127.0.0.1:${takenPort} is already in use`
    )
  })

  test("smtp.tls.certFile that is not PEM", async () => {
    const dir = tempDir()
    writeFileSync(join(dir, "cert.pem"), "this is not a certificate\n")
    writeFileSync(join(dir, "key.pem"), makeCert().key)
    const r = await start(
      `${base}dataDir: $DIR/data\nsmtp: { port: 0, tls: { certFile: ${dir}/cert.pem, keyFile: ${dir}/key.pem } }\n`
    )
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(
      /mailmoat: the gateway could not start: smtp\.tls\.certFile: .*cert\.pem is not a PEM certificate/
    )
    expect(r.stderr).not.toMatch(/\n\s+at /)
  })

  test("smtp.tls.keyFile that does not belong to the certificate", async () => {
    const dir = tempDir()
    writeFileSync(join(dir, "cert.pem"), makeCert().cert)
    writeFileSync(join(dir, "key.pem"), makeCert().key)
    const r = await start(
      `${base}dataDir: $DIR/data\nsmtp: { port: 0, tls: { certFile: ${dir}/cert.pem, keyFile: ${dir}/key.pem } }\n`
    )
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/smtp\.tls\.keyFile: .*key\.pem does not belong to the certificate/)
  })

  test("a missing recipients file (antispam.bypass.directory)", async () => {
    const r = await start(
      `${base}dataDir: $DIR/data\nsmtp: { port: 0 }\nantispam: { bypass: { directory: ./recipients.yaml } }\n`
    )
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(
      /mailmoat: the gateway could not start: antispam\.bypass\.directory: cannot read .*recipients\.yaml \(ENOENT\)/
    )
  })

  test("dataDir that is a file", async () => {
    const r = await start(`${base}dataDir: ./mailmoat.yaml\nsmtp: { port: 0 }\n`)
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(
      /mailmoat: the gateway could not start: dataDir: .*mailmoat\.yaml is a file, not a directory/
    )
  })

  test("smtp.host that does not resolve", async () => {
    // A listener off loopback must name its Maildir domains, or that error comes first.
    const r = await start(
      `${base}dataDir: $DIR/data\nsmtp: { host: no-such-host.invalid, port: 0 }\ndelivery: { maildir: { domains: [example.test] } }\n`
    )
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(
      /mailmoat: the gateway could not start: smtp\.host: cannot resolve the host of no-such-host\.invalid:0/
    )
  })

  test("dataDir under /proc fails fast instead of spinning", async () => {
    const r = await start(`${base}dataDir: /proc/mailmoat-test/data\nsmtp: { port: 0 }\n`)
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/mailmoat: the gateway could not start: dataDir: cannot create \/proc\/mailmoat-test/)
  })
})
