/**
 * A small declarative command-line parser: a tree of commands, each with options and
 * positionals, from which both parsing and help text are derived, so help can never drift from
 * what is accepted.
 *
 * Rules: `--name value` and `--name=value`; boolean flags take no value; `repeat` options may be
 * given several times; `--` ends the options; a lone `-` is a positional (stdin); `-h`/`--help`
 * anywhere prints the help of the command it follows. Every parse problem is a `UsageError`.
 *
 * Why not `effect/cli`: effect 4.1 ships it, but running it needs the platform services
 * (FileSystem, Terminal, Stdio, ChildProcessSpawner) that only `@effect/platform-node` 4.x
 * provides, and that requires Node >= 22.19; we support Node 20 (see docs/cli.md).
 *
 * @since 0.1.0
 */
import { UsageError } from "./Errors.ts"

export interface OptionSpec {
  readonly name: string
  readonly alias?: string | undefined
  /** Metavariable of the value ("FILE"); absent for a boolean flag. */
  readonly value?: string | undefined
  readonly repeat?: boolean | undefined
  readonly help: string
}

export interface PositionalSpec {
  readonly name: string
  readonly help: string
  readonly optional?: boolean | undefined
  readonly choices?: ReadonlyArray<string> | undefined
}

export interface Parsed {
  readonly positionals: Readonly<Record<string, string | undefined>>
  readonly options: Readonly<Record<string, string | boolean | ReadonlyArray<string> | undefined>>
}

export interface CommandSpec {
  readonly name: string
  readonly summary: string
  readonly description?: string | undefined
  readonly options?: ReadonlyArray<OptionSpec> | undefined
  readonly positionals?: ReadonlyArray<PositionalSpec> | undefined
  readonly examples?: ReadonlyArray<string> | undefined
  /** Exit codes specific to this command (the general ones are always listed). */
  readonly exitCodes?: ReadonlyArray<string> | undefined
  readonly run?: ((args: Parsed) => Promise<number>) | undefined
  readonly subcommands?: ReadonlyArray<CommandSpec> | undefined
}

export type Resolution =
  | { readonly _tag: "Help"; readonly path: ReadonlyArray<CommandSpec> }
  | { readonly _tag: "Run"; readonly path: ReadonlyArray<CommandSpec>; readonly args: Parsed }

const pathName = (path: ReadonlyArray<CommandSpec>) =>
  path
    .slice(1)
    .map((c) => c.name)
    .join(" ")

/** Resolves argv against the tree: the command to run with its parsed arguments, or help. */
export const resolve = (root: CommandSpec, argv: ReadonlyArray<string>): Resolution => {
  const path: Array<CommandSpec> = [root]
  let i = 0
  // Descend through subcommands (options before the subcommand name are not accepted).
  for (;;) {
    const current = path[path.length - 1]!
    if (!current.subcommands) break
    const arg = argv[i]
    if (arg === undefined) {
      if (current.run) break
      return { _tag: "Help", path }
    }
    if (arg === "-h" || arg === "--help") return { _tag: "Help", path }
    const sub = current.subcommands.find((c) => c.name === arg)
    if (!sub) {
      const name = pathName(path)
      throw new UsageError(
        arg.startsWith("-")
          ? `unknown option ${arg}`
          : `unknown command ${JSON.stringify(arg)}${name ? ` for ${name}` : ""}`,
        name
      )
    }
    path.push(sub)
    i++
  }
  const command = path[path.length - 1]!
  const name = pathName(path)
  const specs = command.options ?? []
  const options: Record<string, string | boolean | Array<string> | undefined> = {}
  const positionals: Array<string> = []
  let optionsEnded = false
  for (; i < argv.length; i++) {
    const arg = argv[i]!
    if (optionsEnded || arg === "-" || !arg.startsWith("-")) {
      positionals.push(arg)
      continue
    }
    if (arg === "--") {
      optionsEnded = true
      continue
    }
    if (arg === "-h" || arg === "--help") return { _tag: "Help", path }
    const eq = arg.indexOf("=")
    const flag = eq > 0 ? arg.slice(0, eq) : arg
    const spec = specs.find((o) => `--${o.name}` === flag || (o.alias !== undefined && `-${o.alias}` === flag))
    if (!spec) throw new UsageError(`unknown option ${flag}`, name)
    if (spec.value === undefined) {
      if (eq > 0) throw new UsageError(`--${spec.name} takes no value`, name)
      options[spec.name] = true
      continue
    }
    let value: string | undefined
    if (eq > 0) value = arg.slice(eq + 1)
    else {
      value = argv[i + 1]
      if (value === undefined || (value.startsWith("-") && value !== "-"))
        throw new UsageError(`--${spec.name} needs a value (${spec.value})`, name)
      i++
    }
    if (value === "") throw new UsageError(`--${spec.name} needs a value (${spec.value})`, name)
    if (spec.repeat) options[spec.name] = [...((options[spec.name] as Array<string> | undefined) ?? []), value]
    else if (options[spec.name] !== undefined) throw new UsageError(`--${spec.name} given twice`, name)
    else options[spec.name] = value
  }
  if (!command.run) throw new UsageError(`${name || "mailmoat"} needs a subcommand`, name)
  const pspecs = command.positionals ?? []
  const named: Record<string, string | undefined> = {}
  pspecs.forEach((p, k) => {
    const v = positionals[k]
    if (v === undefined && !p.optional) throw new UsageError(`missing argument ${p.name}`, name)
    if (v !== undefined && p.choices && !p.choices.includes(v))
      throw new UsageError(`${p.name} must be one of ${p.choices.join(", ")} (got ${JSON.stringify(v)})`, name)
    named[p.name] = v
  })
  if (positionals.length > pspecs.length)
    throw new UsageError(`unexpected argument ${JSON.stringify(positionals[pspecs.length])}`, name)
  return { _tag: "Run", path, args: { positionals: named, options } }
}

const GENERAL_EXIT_CODES = ["0  success", "2  usage or configuration error (a message says what is wrong)"]

const columns = (rows: ReadonlyArray<readonly [string, string]>): Array<string> => {
  const width = Math.min(28, Math.max(0, ...rows.map(([a]) => a.length)))
  return rows.map(([a, b]) => `  ${a.padEnd(width)}  ${b}`)
}

/** The help text of a command (its position in the tree gives the usage line). */
export const help = (path: ReadonlyArray<CommandSpec>): string => {
  const command = path[path.length - 1]!
  const prog = ["mailmoat", ...path.slice(1).map((c) => c.name)].join(" ")
  const lines: Array<string> = []
  const opts = command.options ?? []
  const pos = command.positionals ?? []
  if (command.subcommands) {
    lines.push(`usage: ${prog} <command> [options]`, "", command.description ?? command.summary, "", "commands:")
    lines.push(...columns(command.subcommands.map((c) => [c.name, c.summary])))
    lines.push("", `Run "${prog} <command> --help" for the options of a command.`)
  } else {
    const usage = [
      prog,
      ...pos.map((p) => (p.optional ? `[${p.name}]` : p.name)),
      ...opts.map((o) => (o.value ? `[--${o.name} ${o.value}]${o.repeat ? "..." : ""}` : `[--${o.name}]`))
    ].join(" ")
    lines.push(`usage: ${usage}`, "", command.description ?? command.summary)
    if (pos.length > 0) {
      lines.push("", "arguments:")
      lines.push(...columns(pos.map((p) => [p.name, p.choices ? `${p.help} (${p.choices.join(" | ")})` : p.help])))
    }
  }
  if (opts.length > 0 || !command.subcommands) {
    lines.push("", "options:")
    lines.push(
      ...columns([
        ...opts.map((o): readonly [string, string] => [
          `${o.alias ? `-${o.alias}, ` : ""}--${o.name}${o.value ? ` ${o.value}` : ""}`,
          `${o.help}${o.repeat ? " (repeatable)" : ""}`
        ]),
        ["-h, --help", "show this help"]
      ])
    )
  }
  if (command.examples && command.examples.length > 0)
    lines.push("", "examples:", ...command.examples.map((e) => `  ${e}`))
  lines.push("", "exit codes:", ...[...GENERAL_EXIT_CODES, ...(command.exitCodes ?? [])].sort().map((e) => `  ${e}`))
  return `${lines.join("\n")}\n`
}

/** Typed accessors for parsed options. */
export const opt = {
  string: (a: Parsed, name: string): string | undefined => {
    const v = a.options[name]
    return typeof v === "string" ? v : undefined
  },
  flag: (a: Parsed, name: string): boolean => a.options[name] === true,
  list: (a: Parsed, name: string): ReadonlyArray<string> => {
    const v = a.options[name]
    return Array.isArray(v) ? v : typeof v === "string" ? [v] : []
  }
}
