/**
 * Why an interception-CA operation failed. One error class for the module; `reason` says what
 * the operator has to fix (the CLI prints `message`, which names the file).
 *
 * @category errors
 * @since 0.1.0
 */

export type CaErrorReason =
  /** `initCa` found a cert or key file and `force` was not set. */
  | "Exists"
  /** A file could not be read or written (missing, permissions, disk). */
  | "Io"
  /** The PEM/DER content is not a certificate or key we understand. */
  | "Malformed"
  /** The key file does not belong to the certificate. */
  | "KeyMismatch"
  /** The CA key file is readable by group/other (it must be 0600). */
  | "InsecureKeyFile"
  /** The certificate is not a usable CA (no CA:TRUE, expired, not yet valid). */
  | "NotUsable"
  /** A server name or IP could not be put in a certificate. */
  | "BadName"

export class CaError extends Error {
  readonly _tag = "CaError"
  override readonly name = "CaError"

  constructor(
    readonly reason: CaErrorReason,
    message: string,
    override readonly cause?: unknown
  ) {
    super(message)
  }
}
