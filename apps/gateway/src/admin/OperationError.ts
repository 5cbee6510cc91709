/**
 * A refused admin or quarantine operation, with the HTTP status it maps to.
 *
 * @category errors
 * @since 0.1.0
 */
export class OperationError extends Error {
  constructor(
    readonly status: number,
    message: string
  ) {
    super(message)
  }
}
