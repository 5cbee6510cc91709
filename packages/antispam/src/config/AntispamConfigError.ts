/**
 * An antispam configuration the profiles cannot be built from: a section that does not decode,
 * or weight overrides (`antispam.scores`) naming a symbol no stage declares. `problems` has one
 * line each, naming the key (`antispam.rbl.timeoutSeconds: expected ...`), so a caller can print
 * them and exit 2 without reading the message text.
 *
 * @category errors
 * @since 0.1.0
 */
export class AntispamConfigError extends Error {
  readonly _tag = "AntispamConfigError"
  override readonly name = "AntispamConfigError"
  constructor(readonly problems: ReadonlyArray<string>) {
    super(problems.join("; "))
  }
}
