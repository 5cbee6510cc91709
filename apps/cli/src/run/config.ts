/**
 * Implementation of the commands declared in ../commands/config.ts (loaded on use).
 *
 * `mailmoat config validate FILE` and `mailmoat config defaults`: the gateway configuration
 * checked by core's schema (every problem on its own line, exit 2), and every key with its
 * default as a commented YAML file.
 *
 * @since 0.1.0
 */
import { GatewayConfig } from "@mailmoat/core"
import { gatewaySettings, loadConfig } from "../cli/Config.ts"
import { EXIT_OK, EXIT_USAGE } from "../cli/Errors.ts"
import { print, printJson, warn } from "../cli/Io.ts"
import { opt, type Parsed } from "../cli/Spec.ts"

export const runValidate = async (a: Parsed): Promise<number> => {
  const file = a.positionals.FILE!
  let problems: ReadonlyArray<string> = []
  try {
    // The gateway's own settings step too: it reads the TLS files the configuration names.
    await gatewaySettings(loadConfig(file))
  } catch (e) {
    problems = (e as { problems?: ReadonlyArray<string> }).problems ?? [(e as Error).message]
  }
  if (opt.flag(a, "json")) printJson({ file, valid: problems.length === 0, problems })
  else if (problems.length === 0) print(`${file}: valid`)
  else {
    warn(`${file}: ${problems.length} ${problems.length === 1 ? "problem" : "problems"}`)
    for (const p of problems) warn(`  ${p}`)
  }
  return problems.length === 0 ? EXIT_OK : EXIT_USAGE
}

export const runDefaults = async (_a: Parsed): Promise<number> => {
  process.stdout.write(GatewayConfig.defaultsYaml())
  return EXIT_OK
}
