/**
 * The `antispam` section, composed: core declares only the keys of the policy (is scanning on,
 * the spam cut-off, the action for spam, weight overrides); every stage contributes its own
 * keys (with docs and defaults) from its folder, and the antispam package composes the built-in
 * stages' keys with these into the section the gateway configuration decodes (`Config.make`).
 * Key names and value formats: docs/antispam.md.
 *
 * @category models
 * @since 0.1.0
 */
import { Schema } from "effect"
import { defaults as policy } from "../policy/Policy.ts"
import { boolean, doc, literals, number, withDefault } from "./Fields.ts"

/** The policy's keys: the same for every stage set. */
export const policyFields = {
  enabled: boolean.pipe(doc("Off: nothing is scanned, every recipient is delivered."), withDefault(true)),
  onSpam: literals(["none", "quarantine", "reject", "drop"]).pipe(
    doc("Action for a spam verdict."),
    withDefault(policy.onSpam)
  ),
  spamScore: number(0).pipe(doc("Score at or above which a message is spam."), withDefault(policy.spamScore)),
  scores: Schema.Record(Schema.String, number(-1000, 1000))
    .annotate({ expected: "a map of symbol names to weights" })
    .pipe(
      doc("Weight overrides by symbol name; a name no stage declares is a start-up error.", { RBL_LISTED: 4 }),
      withDefault({})
    )
}

type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never

/** What one stage (or stage folder) adds to the section: its keys, with docs and defaults. */
export interface Contribution {
  readonly options: Schema.Struct.Fields
}

/** The keys of several contributions (a union of field records) as one record of fields. */
export type MergedFields<U extends Schema.Struct.Fields> = {
  readonly [K in keyof UnionToIntersection<U>]: UnionToIntersection<U>[K]
}

/** The schema of a composed section: the policy's keys plus the contributed ones (`U`: their union). */
export type Section<U extends Schema.Struct.Fields> = Schema.Struct<typeof policyFields & MergedFields<U>>

/**
 * The section from the contributions' keys, in the order given (the commented defaults file
 * follows it). Two contributions declaring the same key, or one redeclaring a policy key, is a
 * programming error: it throws.
 */
export const compose = <const L extends ReadonlyArray<Contribution>>(
  contributions: L
): Section<L[number]["options"]> => {
  const fields: Record<string, Schema.Struct.Fields[string]> = { ...policyFields }
  for (const { options } of contributions) {
    for (const [key, field] of Object.entries(options)) {
      if (key in fields) throw new Error(`antispam.${key} is declared twice`)
      fields[key] = field
    }
  }
  return Schema.Struct(fields).annotate({ description: "Server antispam (docs/antispam.md)." }) as unknown as Section<
    L[number]["options"]
  >
}

/** What `Config.make` accepts as the `antispam` section: any composed section. */
export type AnySection = Schema.Codec<object, object, never, never>
