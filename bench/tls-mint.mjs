// TLS interception benchmark (packages/protocols/dist): how fast the LeafMinter mints leaf
// certificates for new names (cold: every name new, for ECDSA P-256 and RSA 2048 CAs), how fast
// a cache hit is, and how many full TLS handshakes per second a listener using the minter's
// SNICallback completes when the leaf is already cached (warm; one Node client at a time, no
// session resumption, so every handshake is a full one).
// Run: npm run build && node bench/tls-mint.mjs [mints=2000] [handshakes=1000]
// Loopback only; bounded in count and time.
import { rmSync } from "node:fs"
import { join } from "node:path"
import * as tls from "node:tls"
import { Interception } from "../packages/protocols/dist/index.js"
import { benchTempDir } from "./temp-dir.mjs"

const MINTS = Number(process.argv[2] ?? 2000)
const HANDSHAKES = Number(process.argv[3] ?? 1000)
const dir = benchTempDir("mailmoat-bench-tls-")

const rate = (n, ms) => `${((n * 1000) / ms).toFixed(0)}/s (${(ms / n).toFixed(3)} ms each)`

try {
  for (const keyType of ["ecdsa-p256", "rsa-2048"]) {
    const certPath = join(dir, `${keyType}.pem`)
    const keyPath = join(dir, `${keyType}.key`)
    let t = performance.now()
    await Interception.initCa({ certPath, keyPath, keyType })
    const initMs = performance.now() - t
    const ca = await Interception.loadCa({ certPath, keyPath })
    t = performance.now()
    const minter = await Interception.LeafMinter.make(ca, { cacheSize: MINTS + 10 })
    const makeMs = performance.now() - t
    t = performance.now()
    for (let i = 0; i < MINTS; i++) await minter.mint(`host${i}.example.test`)
    const coldMs = performance.now() - t
    t = performance.now()
    for (let i = 0; i < MINTS; i++) await minter.mint(`host${i}.example.test`)
    const hitMs = performance.now() - t
    console.log(`${keyType}: ca init ${initMs.toFixed(1)} ms, minter (leaf key) ${makeMs.toFixed(1)} ms`)
    console.log(`  mint cold ${rate(MINTS, coldMs)}; cache hit ${rate(MINTS, hitMs)}`)

    const server = tls.createServer(
      await Interception.serverOptions(minter, { fallbackName: "imap.example.test" }),
      (s) => {
        s.on("error", () => undefined)
        s.end("* OK\r\n")
      }
    )
    await new Promise((r) => server.listen(0, "127.0.0.1", r))
    const port = server.address().port
    const once = (name) =>
      new Promise((resolve, reject) => {
        const c = tls.connect({ host: "127.0.0.1", port, servername: name, ca: ca.certPem }, () => {
          c.destroy()
          resolve()
        })
        c.on("error", reject)
      })
    await once("warm.example.test")
    t = performance.now()
    for (let i = 0; i < HANDSHAKES; i++) await once("warm.example.test")
    const hsMs = performance.now() - t
    console.log(`  handshakes warm (cached leaf, verified by the client) ${rate(HANDSHAKES, hsMs)}`)
    await new Promise((r) => server.close(r))
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}
