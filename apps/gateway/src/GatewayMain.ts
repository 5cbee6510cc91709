/**
 * The gateway's command line, loaded by `main.ts` (`node apps/gateway/dist/main.js [--config
 * FILE]`, what `npm start` runs) once the heap is tuned. Loads the configuration with `ConfigFile.load` and the built-in codec (the file, or the defaults
 * without `--config`, plus `MAILMOAT_*` environment overrides), starts the gateway,
 * prints where it listens and where mail goes, and shuts down gracefully on SIGINT/SIGTERM (a
 * second signal exits at once). SIGHUP re-reads the configuration file (a refused reload keeps
 * the running configuration and prints why). With `smtp.processes` > 1 this process becomes the
 * primary of the multi-process mode (`cluster/Primary.ts`) and each worker runs this same file.
 *
 * Exit codes: 0 after a clean shutdown; 2 when nothing was started: a bad command line or
 * configuration (each problem printed as `mailmoat: config: <problem>`, plugin problems
 * included), or a start-up failure (`StartupError`: port in use, unusable certificate, missing
 * file, data directory that cannot be created), printed with the key to fix; 1 when shutdown
 * fails.
 *
 * @category constructors
 * @since 0.1.0
 */
import { dirname, resolve } from "node:path"
import { GatewayConfig } from "@mailmoat/antispam"
import { ConfigFile } from "@mailmoat/platform-node"
import { PluginLoadError, startGateway } from "./index.ts"
import { processCount, shouldSupervise, workerIndex } from "./cluster/Role.ts"
import { runPrimary } from "./cluster/Primary.ts"
import { onDrainRequest, workerConfig, workerDecoded } from "./cluster/Worker.ts"
import { heapServing } from "./HeapTuning.ts"
import { ConfigError, resolveSettings } from "./Settings.ts"
import { StartupError } from "./StartupError.ts"
import { stdoutLines } from "./StdoutLines.ts"
import { describeSweep } from "./StartupSweep.ts"

type ConfigDecoded = GatewayConfig.Decoded

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

  const loaded = ConfigFile.load(GatewayConfig.codec, { file: configPath, env: process.env })
  if (!loaded.ok) {
    for (const problem of loaded.problems) console.error(`mailmoat: config: ${problem}`)
    console.error("mailmoat: the gateway was not started (invalid configuration)")
    return 2
  }
  const base = configPath === undefined ? process.cwd() : dirname(resolve(configPath))
  // Multi-process mode (smtp.processes > 1): this process supervises, the workers serve.
  const processes = processCount(loaded.config.smtp.processes)
  if (shouldSupervise(processes)) {
    heapServing()
    try {
      return await runPrimary({ processes, settings: resolveSettings(loaded.config, base) })
    } catch (error) {
      return startFailure(error)
    }
  }
  const worker = workerIndex()
  const asWorker = (d: ConfigDecoded) => (worker === undefined ? d : workerDecoded(d, worker))
  const config = worker === undefined ? loaded.config : workerConfig(loaded.config, worker)

  let gateway: Awaited<ReturnType<typeof startGateway>>
  // Log lines go to stdout in batches (one write per burst of lines, not one per line); the
  // banner and the shutdown notes flush them first, so the output keeps its order.
  const lines = stdoutLines(process.stdout)
  process.on("exit", lines.flush)
  try {
    // Lines go to stdout at `log.level` (debug with --verbose), stamped by the gateway's clock.
    gateway = await startGateway(config, {
      base,
      log: lines.line,
      logLevel: verbose ? "debug" : config.log.level,
      sweep: worker === undefined,
      reloadConfig: () => asWorker(ConfigFile.load(GatewayConfig.codec, { file: configPath, env: process.env }))
    })
  } catch (error) {
    lines.flush()
    return startFailure(error)
  }
  heapServing()
  // Signal handlers first: a supervisor may stop us as soon as the banner shows.
  return new Promise<number>((resolveExit) => {
    let stopping = false
    const stop = (signal: string) => {
      if (stopping) {
        console.error(`mailmoat: ${signal} again, exiting now`)
        process.exit(1)
      }
      stopping = true
      lines.flush()
      console.log(`mailmoat: ${signal}, finishing sessions in flight...`)
      gateway.close().then(
        () => {
          lines.flush()
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
    if (worker !== undefined)
      onDrainRequest(() => {
        if (!stopping) stop("drain request from the primary")
      })
    // SIGHUP re-reads the configuration; the reload logs its outcome (refused: one line per problem).
    process.on("SIGHUP", () => {
      if (!stopping) void gateway.reload()
    })
    lines.flush()
    const s = gateway.status()
    if (worker !== undefined && worker > 0) {
      console.log(
        `mailmoat: worker ${worker} (pid ${process.pid}) serving SMTP on ${gateway.smtp.host}:${gateway.smtp.port}`
      )
      return
    }
    console.log(`mailmoat gateway ${s.version}${worker === undefined ? "" : ` (worker 0, pid ${process.pid})`}`)
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
    console.log(
      `  admin       ${gateway.admin ? `http://${gateway.admin.host}:${gateway.admin.port}/status` : "disabled"}`
    )
    for (const p of gateway.proxies)
      console.log(
        `  ${`${p.protocol} proxy`.padEnd(11)} ${p.listen.host}:${p.listen.port} -> ${p.upstream} (${p.mode})`
      )
    console.log(`  antispam    ${antispamSummary(s.modules.antispam)}`)
    console.log("Press Ctrl+C to stop.")
  })
}

/** Every start-up failure exits 2; the typed ones say which key to change. */
const startFailure = (error: unknown): number => {
  if (error instanceof PluginLoadError || error instanceof ConfigError) {
    for (const problem of error.problems) console.error(`mailmoat: config: ${problem}`)
    console.error(
      `mailmoat: the gateway was not started (invalid ${error instanceof PluginLoadError ? "plugin " : ""}configuration)`
    )
  } else if (error instanceof StartupError) {
    console.error(`mailmoat: the gateway could not start: ${error.message}`)
  } else {
    console.error(
      `mailmoat: the gateway could not start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`
    )
  }
  return 2
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
  const classifier =
    typeof m.classifier === "object" && m.classifier !== null
      ? `model ${(m.classifier as { model?: string }).model ?? "?"}`
      : "off"
  const tempReject = m.tempReject?.enabled ? `on (${m.tempReject.store ?? "?"})` : "off"
  return `on; RBL ${zones(m.rbl?.zones)}; DNSBL ${zones(m.dnsbl?.zones)}; classifier ${classifier}; temporary rejection ${tempReject}`
}
