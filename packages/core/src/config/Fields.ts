/**
 * Schema builders for configuration values. Every builder annotates its schema with `expected`
 * (the phrase problem messages use: "expected an integer from 1 to 65535") on the type node and on
 * its check, so whichever part fails (the type or the range) yields the same message.
 * `description` and `examples` (added with `doc`) feed the commented defaults file.
 *
 * @category constructors
 * @since 0.1.0
 */
import { Effect, Schema } from "effect"

const checkedString = (expected: string, ok: (value: string) => boolean) =>
  Schema.String.annotate({ expected }).pipe(Schema.check(Schema.makeFilter<string>((v) => ok(v), { expected })))

const checkedNumber = (expected: string, ok: (value: number) => boolean) =>
  Schema.Number.annotate({ expected }).pipe(Schema.check(Schema.makeFilter<number>((v) => ok(v), { expected })))

export const boolean = Schema.Boolean.annotate({ expected: "true or false" })

export const string = (expected: string, ok: (s: string) => boolean = (s) => s.trim() !== "") =>
  checkedString(expected, ok)

/** A non-empty file system path (relative paths are taken from the configuration file's directory). */
export const path = string("a file path")

/** An integer in `[min, max]` (`max` undefined = no upper bound). */
export const int = (min: number, max?: number) =>
  checkedNumber(
    max === undefined ? `an integer >= ${min}` : `an integer from ${min} to ${max}`,
    (n) => Number.isInteger(n) && n >= min && (max === undefined || n <= max)
  )

/** A finite number in `[min, max]`. */
export const number = (min: number, max?: number) =>
  checkedNumber(
    max === undefined ? `a number >= ${min}` : `a number from ${min} to ${max}`,
    (n) => Number.isFinite(n) && n >= min && (max === undefined || n <= max)
  )

/** A port we listen on: 0 asks the system for any free port. */
export const listenPort = checkedNumber(
  "an integer from 0 to 65535 (0 = any free port)",
  (n) => Number.isInteger(n) && n >= 0 && n <= 65535
)

/** A port we connect to. */
export const port = int(1, 65535)

export const literals = <const L extends ReadonlyArray<string>>(values: L) =>
  Schema.Literals(values).annotate({ expected: `one of ${values.join(" | ")}` })

export const list = <S extends Schema.Top>(item: S, expected: string) => Schema.Array(item).annotate({ expected })

/** Adds the documentation shown in the commented defaults file. */
export const doc =
  (description: string, ...examples: ReadonlyArray<unknown>) =>
  <S extends Schema.Top>(schema: S): S["Rebuild"] =>
    schema.annotate(examples.length > 0 ? { description, examples } : { description })

/** An optional key with a default filled in by decoding. */
export const withDefault =
  <S extends Schema.Top>(value: S["Encoded"]) =>
  (schema: S) =>
    schema.pipe(Schema.withDecodingDefaultKey(Effect.succeed(value)))

/** A whole section: absent means all of its own defaults. */
export const section = <S extends Schema.Top>(schema: S) =>
  schema.pipe(Schema.withDecodingDefaultKey(Effect.succeed({} as S["Encoded"])))

/** An optional key without a default (the consumer supplies a runtime default, or none applies). */
export const optional = <S extends Schema.Top>(schema: S): Schema.optionalKey<S> => Schema.optionalKey(schema)
