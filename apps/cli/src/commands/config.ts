/**
 * `mailmoat config validate FILE` and `mailmoat config defaults`: the gateway configuration
 * checked by core's schema (every problem on its own line, exit 2), and every key with its
 * default as a commented YAML file.
 *
 * @since 0.1.0
 */
import { jsonOption } from "../cli/Common.ts"
import type { CommandSpec } from "../cli/Spec.ts"

const validate: CommandSpec = {
  name: "validate",
  summary: "check a configuration file and print every problem",
  description:
    'Reads FILE (YAML or JSON) with the MAILMOAT_* environment overrides applied, as the gateway would, and prints every problem on its own line (path: what was expected, what was found). Prints "valid" when there is none.',
  positionals: [{ name: "FILE", help: "configuration file" }],
  options: [jsonOption],
  examples: ["mailmoat config validate mailmoat.yaml"],
  run: (a) => import("../run/config.ts").then((m) => m.runValidate(a))
}

const defaults: CommandSpec = {
  name: "defaults",
  summary: "print every configuration key with its default, as YAML",
  description:
    "Prints the complete configuration with its defaults as a commented YAML file; it is a valid configuration as it is.",
  examples: ["mailmoat config defaults > mailmoat.yaml"],
  run: (a) => import("../run/config.ts").then((m) => m.runDefaults(a))
}

export const configCommand: CommandSpec = {
  name: "config",
  summary: "validate a configuration file or print the defaults",
  subcommands: [validate, defaults]
}
