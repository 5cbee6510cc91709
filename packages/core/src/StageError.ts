/**
 * A stage failed. The pipeline turns it into a zero-weight symbol and a `failed:<reason>`
 * trace outcome: a failure is never "spam" (fail open, visibly).
 *
 * @category errors
 * @since 0.1.0
 */
import { Schema } from "effect"

export class StageError extends Schema.TaggedError<StageError>()("StageError", {
  stage: Schema.String,
  reason: Schema.String,
  /** True when retrying later may succeed (DNS timeout, Redis down...). */
  temporary: Schema.Boolean
}) {}
