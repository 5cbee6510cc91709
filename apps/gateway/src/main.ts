/**
 * The gateway's command line: `node apps/gateway/dist/main.js [--config FILE]` (what `npm start`
 * runs). Loads the configuration with core's `GatewayConfig.load` (the file, or the defaults
 * without `--config`, plus `MAILMOAT_*` environment overrides), starts the gateway,
 * prints where it listens and where mail goes, and shuts down gracefully on SIGINT/SIGTERM (a
 * second signal exits at once). SIGHUP re-reads the configuration file (a refused reload keeps
 * the running configuration and prints why).
 *
 * Exit codes: 0 after a clean shutdown, 2 for a bad command line or configuration (nothing is
 * started; each problem is printed as `mailmoat: config: <problem>`), 1 when the gateway cannot
 * start (port in use, unwritable data directory). Plugin problems (`plugins[i] ...`) are
 * configuration errors: one `mailmoat: config:` line each, exit 2.
 *
 * @category constructors
 * @since 0.1.0
 */
import { realpathSync } from "node:fs"
import { dirname, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { GatewayConfig } from "@mailmoat/core"
import { PluginLoadError, startGateway } from "./index.ts"
import { describeSweep } from "./StartupSweep.ts"

const USAGE = "usage: mailmoat-gateway [--config FILE] [--verbose]   (default --config: $MAILMOAT_CONFIG)"

/** Runs the gateway until a signal; resolves with the process exit code. */
export const main = async (argv: ReadonlyArray<string>): Promise<number> => {
  let configPath: string | undefined
  let verbose = false
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === "--config" || arg === "-c") configPath = argv[++i]
    else if (arg.startsWith("--config=")) configPath = arg.slice("--config=".length)
    else if (arg === "--verbose" || arg === "-v") verbose = true
    else if (arg === "--help" || arg === "-h") {
      console.log(USAGE)
      return 0
    } else {
      console.error(`unknown argument ${JSON.stringify(arg)}\n${USAGE}`)
      return 2
    }
    if (configPath === "") {
      console.error(`--config needs a file name\n${USAGE}`)
      return 2
    }
  }
  if (argv.includes("--config") && configPath === undefined) {
    console.error(`--config needs a file name\n${USAGE}`)
    return 2
  }
  // MAILMOAT_CONFIG is the default --config.
  configPath ??= process.env.MAILMOAT_CONFIG || undefined

  const loaded = GatewayConfig.load({ file: configPath, env: process.env })
  if (!loaded.ok) {
    for (const problem of loaded.problems) console.error(`mailmoat: config: ${problem}`)
    console.error("mailmoat: the gateway was not started (invalid configuration)")
    return 2
  }
  const config = loaded.config
  const base = configPath === undefined ? process.cwd() : dirname(resolve(configPath))

  let gateway: Awaited<ReturnType<typeof startGateway>>
  try {
    gateway = await startGateway(config, {
      base,
      // Without --verbose only operator events are printed: reloads and digest runs.
      log: verbose ? (line) => console.log(line) : (line) => (/^(reload|digest)\b/.test(line) ? console.error(`mailmoat: ${line}`) : undefined),
      reloadConfig: () => GatewayConfig.load({ file: configPath, env: process.env })
    })
  } catch (error) {
    if (error instanceof PluginLoadError) {
      for (const problem of error.problems) console.error(`mailmoat: config: ${problem}`)
      console.error("mailmoat: the gateway was not started (invalid plugin configuration)")
      return 2
    }
    const message = error instanceof Error ? error.message : String(error)
    // Settings problems (an unreadable certificate file) are configuration errors too.
    const code = /^[a-z]+(\.[a-zA-Z]+)+: /.test(message) ? 2 : 1
    console.error(`mailmoat: the gateway could not start: ${message}`)
    return code
  }
  // Signal handlers first: a supervisor may stop us as soon as the banner shows.
  return new Promise<number>((resolveExit) => {
    let stopping = false
    const stop = (signal: string) => {
      if (stopping) {
        console.error(`mailmoat: ${signal} again, exiting now`)
        process.exit(1)
      }
      stopping = true
      console.log(`mailmoat: ${signal}, finishing sessions in flight...`)
      gateway.close().then(
        () => {
          console.log("mailmoat: stopped")
          resolveExit(0)
        },
        (error: unknown) => {
          console.error(`mailmoat: shutdown failed: ${(error as Error).message}`)
          resolveExit(1)
        }
      )
    }
    process.on("SIGINT", () => stop("SIGINT"))
    process.on("SIGTERM", () => stop("SIGTERM"))
    // SIGHUP re-reads the configuration; the reload logs its outcome (refused: one line per problem).
    process.on("SIGHUP", () => {
      if (!stopping) void gateway.reload()
    })
    const s = gateway.status()
    console.log(`mailmoat gateway ${s.version}`)
    console.log(`  SMTP        ${gateway.smtp.host}:${gateway.smtp.port}${s.smtp.tls ? " (STARTTLS offered)" : ""}`)
    console.log(`  mail goes   ${gateway.delivery}`)
    const d = gateway.settings.delivery
    if (d.mode === "maildir")
      console.log(
        `  for         ${d.domains === "every" ? "every domain (set delivery.maildir.domains to your local domains; required off loopback)" : d.domains.join(", ")}`
      )
    console.log(`  quarantine  ${gateway.quarantine}`)
    const swept = describeSweep(gateway.swept)
    if (swept !== undefined) console.log(`  recovery    ${swept}`)
    console.log(`  admin       ${gateway.admin ? `http://${gateway.admin.host}:${gateway.admin.port}/status` : "disabled"}`)
    for (const p of gateway.proxies) console.log(`  ${`${p.protocol} proxy`.padEnd(11)} ${p.listen.host}:${p.listen.port} -> ${p.upstream} (${p.mode})`)
    console.log(`  antispam    ${antispamSummary(s.modules.antispam)}`)
    console.log("Press Ctrl+C to stop.")
  })
}

/** One line for the start banner: what is scanned with what (the full picture is in /status). */
const antispamSummary = (module: unknown): string => {
  const m = (module ?? {}) as {
    state?: string
    rbl?: { zones?: ReadonlyArray<string> }
    dnsbl?: { zones?: ReadonlyArray<string> }
    classifier?: unknown
    tempReject?: { enabled?: boolean; store?: string }
  }
  if (m.state !== "on") return m.state ?? "off"
  const zones = (z?: ReadonlyArray<string>) => (z === undefined || z.length === 0 ? "none" : z.join(", "))
  const classifier = typeof m.classifier === "object" && m.classifier !== null ? `model ${(m.classifier as { model?: string }).model ?? "?"}` : "off"
  const tempReject = m.tempReject?.enabled ? `on (${m.tempReject.store ?? "?"})` : "off"
  return `on; RBL ${zones(m.rbl?.zones)}; DNSBL ${zones(m.dnsbl?.zones)}; classifier ${classifier}; temporary rejection ${tempReject}`
}

const invokedDirectly = (): boolean => {
  const script = process.argv[1]
  if (script === undefined) return false
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url))
  } catch {
    return false
  }
}

if (invokedDirectly()) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error)
      process.exit(1)
    }
  )
}
