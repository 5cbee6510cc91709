/**
 * The `mailmoat` command tree and its runner: resolves argv, prints help, runs the command, and
 * turns every error into a clear message and an exit code (docs/cli.md). No stack trace is
 * printed for user errors; an unexpected internal error prints one line too, and its stack
 * only with MAILMOAT_DEBUG=1.
 *
 * @since 0.1.0
 */
import { messageOf } from "./cli/Common.ts"
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, InputError, RuntimeFailure, UsageError } from "./cli/Errors.ts"
import { print, warn } from "./cli/Io.ts"
import { type CommandSpec, help, resolve } from "./cli/Spec.ts"
import { caCommand } from "./commands/ca.ts"
import { checkCommand } from "./commands/check.ts"
import { configCommand } from "./commands/config.ts"
import { gatewayCommand } from "./commands/gateway.ts"
import { listsCommand } from "./commands/lists.ts"
import { quarantineCommand } from "./commands/quarantine.ts"
import { reputationCommand } from "./commands/reputation.ts"
import { scanCommand } from "./commands/scan.ts"
import { evalCommand, trainCommand } from "./commands/train.ts"

export const VERSION = "0.1.0"

export const root: CommandSpec = {
  name: "mailmoat",
  summary: "Mailmoat mail security gateway",
  description: `mailmoat ${VERSION}: the Mailmoat mail security gateway and its tools.`,
  subcommands: [
    gatewayCommand,
    configCommand,
    scanCommand,
    checkCommand,
    listsCommand,
    quarantineCommand,
    reputationCommand,
    caCommand,
    trainCommand,
    evalCommand
  ],
  exitCodes: ["1  findings (spam, listed) or an operation that failed (downstream, Redis)"]
}

/** Runs one command line; resolves with the process exit code. Never throws. */
export const run = async (argv: ReadonlyArray<string>): Promise<number> => {
  if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-V")) {
    print(VERSION)
    return EXIT_OK
  }
  try {
    const r = resolve(root, argv)
    if (r._tag === "Help") {
      const text = help(r.path)
      // `mailmoat` or `mailmoat lists` alone is a usage error: help goes to stderr.
      const asked = argv.includes("--help") || argv.includes("-h")
      if (asked) process.stdout.write(text)
      else process.stderr.write(text)
      return asked ? EXIT_OK : EXIT_USAGE
    }
    return await r.path[r.path.length - 1]!.run!(r.args)
  } catch (e) {
    if (e instanceof UsageError) {
      warn(`mailmoat: ${e.message}`)
      warn(`Run "mailmoat${e.command ? ` ${e.command}` : ""} --help" for usage.`)
      return EXIT_USAGE
    }
    if (e instanceof InputError) {
      if (e.heading) warn(e.heading)
      for (const p of e.problems) warn(e.heading ? `  ${p}` : `mailmoat: ${p}`)
      return EXIT_USAGE
    }
    if (e instanceof RuntimeFailure) {
      warn(`mailmoat: ${e.message}`)
      return EXIT_FINDINGS
    }
    warn(`mailmoat: internal error: ${messageOf(e)}`)
    if (process.env.MAILMOAT_DEBUG === "1" && e instanceof Error && e.stack) warn(e.stack)
    else warn("(set MAILMOAT_DEBUG=1 to see the stack trace, and please report it)")
    return EXIT_FINDINGS
  }
}
