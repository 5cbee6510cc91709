/**
 * The errors a command may end with, each with its exit code. They are printed as one line (or
 * one line per problem) without a stack trace; anything else is an internal error.
 *
 * Exit codes (docs/cli.md): 0 ok, 1 findings (spam, listed) or an operation that failed at run
 * time (downstream refused, Redis unreachable), 2 usage or configuration error.
 *
 * @since 0.1.0
 */

export const EXIT_OK = 0
export const EXIT_FINDINGS = 1
export const EXIT_USAGE = 2

/** Bad command line: unknown command or option, missing or extra argument. Exit 2. */
export class UsageError extends Error {
  override readonly name = "UsageError"
  constructor(
    message: string,
    /** The command path for the "see ... --help" hint, e.g. "quarantine show". */
    readonly command: string
  ) {
    super(message)
  }
}

/** Bad input the user gave: configuration, list file, unknown id. One line per problem. Exit 2. */
export class InputError extends Error {
  override readonly name = "InputError"
  constructor(
    readonly problems: ReadonlyArray<string>,
    readonly heading?: string | undefined
  ) {
    super(heading ? `${heading}\n${problems.join("\n")}` : problems.join("\n"))
  }
}

/** An operation that failed at run time (network, store, delivery). Exit 1. */
export class RuntimeFailure extends Error {
  override readonly name = "RuntimeFailure"
}
