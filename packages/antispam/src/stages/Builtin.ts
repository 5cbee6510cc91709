/**
 * A built-in stage folder as the stage sets list it: the keys it adds to the `antispam`
 * configuration section (with docs and defaults, declared once, in the folder's `options.ts`)
 * and the stages it contributes to each profile, in order. A folder whose options serve a step
 * that is not a stage (temporary rejection) or the shared context (Received chain, resolvers)
 * lists options and no stages.
 *
 * @category models
 * @since 0.1.0
 */
import type { Stage } from "@mailmoat/core"
import type { Schema } from "effect"
import type { StageContext } from "./StageContext.ts"

/** Builds one stage once per configuration, or nothing when the configuration switches it off. */
export type StageFactory = (ctx: StageContext) => Stage | undefined

export interface Builtin<F extends Schema.Struct.Fields = Schema.Struct.Fields> {
  /** Keys of the `antispam` section this folder owns. */
  readonly options: F
  /** Its stages in the SMTP gateway profile. */
  readonly server?: ReadonlyArray<StageFactory> | undefined
  /** Its stages in the IMAP/POP3 download profile. */
  readonly client?: ReadonlyArray<StageFactory> | undefined
}

/** Declares a folder's built-in entry (keeps the option keys' types for the composed section). */
export const define = <const F extends Schema.Struct.Fields>(builtin: Builtin<F>): Builtin<F> => builtin
