/**
 * Options shared by several commands, so their names and help read the same everywhere.
 *
 * @since 0.1.0
 */
import type { OptionSpec } from "./Spec.ts"

export const configOption: OptionSpec = {
  name: "config",
  alias: "c",
  value: "FILE",
  help: "gateway configuration file (YAML or JSON; default: $MAILMOAT_CONFIG, else embedded defaults)"
}
export const jsonOption: OptionSpec = { name: "json", help: "print one JSON object instead of text" }

/** Error message of an unknown thrown value, without a stack. */
export const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e))
