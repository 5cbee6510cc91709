/**
 * A configuration that does not decode or cannot be used; `problems` has one line each, every
 * line naming its key. The command line prints them and exits 2.
 *
 * @category errors
 * @since 0.1.0
 */
export class ConfigError extends Error {
  override readonly name = "ConfigError"
  constructor(readonly problems: ReadonlyArray<string>) {
    super(problems.join("\n"))
  }
}
