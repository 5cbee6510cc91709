/**
 * Implementation of the commands declared in ../commands/config.ts (loaded on use).
 *
 * `mailmoat config validate FILE` and `mailmoat config defaults`: the gateway configuration
 * checked by core's schema, the gateway's settings step (certificate files, recipient
 * directory), the plugin loader (every plugin found, its options valid, its setup run and
 * closed again) and the proxies' interception CA when a listener intercepts TLS (by the
 * start's rules: `InterceptionCa.ts` in the gateway) — every problem on its own line, exit 2;
 * and every key with its default as a commented YAML file.
 *
 * @since 0.1.0
 */
import { readFileSync } from "node:fs"
import { resolve } from "node:path"
import { GatewayConfig } from "@mailmoat/antispam"
import { type LoadedConfig, loadConfig } from "../cli/Config.ts"
import { wireEngine } from "../cli/Wiring.ts"
import { EXIT_OK, EXIT_USAGE, InputError } from "../cli/Errors.ts"
import { print, printJson, warn } from "../cli/Io.ts"
import { opt, type Parsed } from "../cli/Spec.ts"

export const runValidate = async (a: Parsed): Promise<number> => {
  const file = a.positionals.FILE!
  let problems: ReadonlyArray<string> = []
  let warnings: ReadonlyArray<string> = []
  try {
    // The gateway's own settings step and plugin loading too (the same wiring, no listeners).
    const loaded = loadConfig(file)
    const wiring = await wireEngine(loaded, { pluginsOnly: true })
    await wiring.close()
    warnings = await certificateWarnings(loaded)
    const { checkInterceptionCa } = await import("@mailmoat/gateway")
    const ca = await checkInterceptionCa(loaded.config.protocols, loaded.base)
    problems = ca.problems
    warnings = [...warnings, ...ca.warnings]
  } catch (e) {
    // Configuration problems are typed (`InputError`); anything else is not the file's fault.
    if (!(e instanceof InputError)) throw e
    problems = e.problems
  }
  if (opt.flag(a, "json")) printJson({ file, valid: problems.length === 0, problems, warnings })
  else if (problems.length === 0) {
    print(`${file}: valid`)
    for (const w of warnings) warn(`  warning: ${w}`)
  } else {
    warn(`${file}: ${problems.length} ${problems.length === 1 ? "problem" : "problems"}`)
    for (const p of problems) warn(`  ${p}`)
  }
  return problems.length === 0 ? EXIT_OK : EXIT_USAGE
}

/** An expired or not yet valid STARTTLS certificate: the gateway starts and serves it, so no problem, but said. */
const certificateWarnings = async (c: LoadedConfig): Promise<ReadonlyArray<string>> => {
  const tls = c.config.smtp.tls
  if (tls === undefined) return []
  const { certificateDatesProblem } = await import("@mailmoat/gateway")
  const dates = certificateDatesProblem(readFileSync(resolve(c.base, tls.certFile), "utf8"))
  return dates === undefined
    ? []
    : [
        `smtp.tls.certFile: ${tls.certFile} ${dates} (the gateway starts and serves it; a reload refuses to switch to it)`
      ]
}

export const runDefaults = async (_a: Parsed): Promise<number> => {
  process.stdout.write(GatewayConfig.defaultsYaml())
  return EXIT_OK
}
