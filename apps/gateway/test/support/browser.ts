// Debian's Chromium driven by playwright-core (no downloaded browsers): headless, no network
// services of its own (no sync, component updates, background fetches, QUIC, and no name but
// loopback resolves), a fresh profile.
import { existsSync } from "node:fs"
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import { join } from "node:path"
import { type BrowserContext, chromium } from "playwright-core"
import { tempDir } from "../../../../test/support/temp-dirs.ts"

export const CHROMIUM = "/usr/bin/chromium"

export const launchChromium = async (): Promise<BrowserContext> => {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `${CHROMIUM} is missing: apt-get install --no-install-recommends chromium (node scripts/peers.mjs installs it)`
    )
  return chromium.launchPersistentContext(tempDir("mailmoat-chromium-"), {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-features=AutofillServerCommunication,OptimizationHints,MediaRouter,Translate",
      // Chromium's own services still look up Google's hosts (autofill, accounts, updates): every
      // name but loopback resolves to nothing, so no question leaves the machine.
      "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost"
    ]
  })
}

/** A loopback HTTP server that counts every request it gets (what a message tries to fetch). */
export const requestCounter = async () => {
  const seen: Array<string> = []
  const server = http.createServer((req, res) => {
    seen.push(req.url ?? "")
    res.writeHead(200, { "content-type": "image/gif" })
    res.end()
  })
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r))
  return {
    port: (server.address() as AddressInfo).port,
    seen,
    close: () => new Promise<void>((r) => server.close(() => r()))
  }
}
