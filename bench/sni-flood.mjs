// What minting costs, and what a flood of new allowed SNI names can make a proxy listener do.
// Run: npm run build && node bench/sni-flood.mjs [dist=packages/protocols/dist] [mints=300] [flood=600] [clients=8] [gate=gateway|none]
// 1. Mint cost: CPU (user+system, process.cpuUsage) per cold mint of an ECDSA P-256 leaf, for
//    any build (A/B against another tree's dist: the mint itself is the same code on main).
// 2. Flood (builds with SniCertificates): `flood` TLS handshakes, `clients` at a time, each asking
//    for a new name under an allowed `*.flood.test`, against a listener whose mint gate is the
//    gateway's (20 a second after a burst of 20, 2 at once, 100 waiting), or none (`gate=none`,
//    for comparison). Prints how many leaves were minted
//    against the gate's bound (burst + rate x seconds), how many handshakes got the default
//    leaf, and the process CPU over wall time while the flood lasted.
// Loopback only; bounded in count and time.
import { rmSync } from "node:fs"
import * as net from "node:net"
import { join, resolve } from "node:path"
import * as tls from "node:tls"
import { benchTempDir } from "./temp-dir.mjs"

const dist = resolve(process.argv[2] ?? "packages/protocols/dist")
const MINTS = Number(process.argv[3] ?? 300)
const FLOOD = Number(process.argv[4] ?? 600)
const CLIENTS = Number(process.argv[5] ?? 8)
const UNGATED = process.argv[6] === "none"
const GATE = UNGATED
  ? { perSecond: 1e9, burst: 1e9, concurrency: 1e9, maxWaiting: 1e9 }
  : { perSecond: 20, burst: 20, concurrency: 2, maxWaiting: 100 }
const { Interception } = await import(join(dist, "index.js"))
const dir = benchTempDir("mailmoat-bench-sni-")

const cpuMs = (from) => {
  const u = process.cpuUsage(from)
  return (u.user + u.system) / 1000
}

try {
  const certPath = join(dir, "ca.pem")
  const keyPath = join(dir, "ca.key")
  await Interception.initCa({ certPath, keyPath })
  const ca = await Interception.loadCa({ certPath, keyPath })
  const minter = await Interception.LeafMinter.make(ca, { cacheSize: MINTS + FLOOD + 10 })
  // Warm the code paths first (JIT), then measure.
  for (let i = 0; i < 30; i++) await minter.mint(`warm${i}.example.test`)
  const cpu = process.cpuUsage()
  const wall = performance.now()
  for (let i = 0; i < MINTS; i++) await minter.mint(`host${i}.example.test`)
  console.log(
    `mint: ${MINTS} cold mints, ${(cpuMs(cpu) / MINTS).toFixed(3)} ms CPU each (${((performance.now() - wall) / MINTS).toFixed(3)} ms wall)`
  )

  if (Interception.SniCertificates !== undefined && FLOOD > 0) {
    const gate = Interception.MintGate.make(GATE)
    const sni = Interception.SniCertificates.make({
      minter,
      gate,
      defaultLeaf: await minter.mint(["imap.example.test", "127.0.0.1"]),
      serverNames: Interception.ServerNames.compile(["*.flood.test"])
    })
    const server = net.createServer((raw) => {
      raw.on("error", () => undefined)
      const s = new tls.TLSSocket(raw, { isServer: true, ...sni.tlsOptions() })
      s.on("error", () => undefined)
      s.once("secure", () => s.end("* OK\r\n"))
    })
    await new Promise((r) => server.listen(0, "127.0.0.1", r))
    const port = server.address().port
    const once = (name) =>
      new Promise((done) => {
        const c = tls.connect({ host: "127.0.0.1", port, servername: name, rejectUnauthorized: false }, () => {
          c.destroy()
          done()
        })
        c.on("error", () => done())
      })
    const mintsBefore = minter.stats().mints
    const floodCpu = process.cpuUsage()
    const t0 = performance.now()
    let next = 0
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (next < FLOOD) await once(`n${next++}-${Math.random().toString(36).slice(2)}.flood.test`)
      })
    )
    const seconds = (performance.now() - t0) / 1000
    const minted = minter.stats().mints - mintsBefore
    const { own, defaulted } = sni.stats()
    console.log(
      `flood (${CLIENTS} clients, gate ${UNGATED ? "none" : "20/s"}): ${FLOOD} handshakes with new allowed names in ${seconds.toFixed(2)} s: ${minted} minted (gate bound ${UNGATED ? "none" : Math.floor(GATE.burst + GATE.perSecond * seconds)}), ${own} got their own leaf, ${defaulted} the default; declined ${gate.stats().declined}; process CPU ${((cpuMs(floodCpu) / 1000 / seconds) * 100).toFixed(0)} % of a core (handshakes included)`
    )
    await new Promise((r) => server.close(r))
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}
