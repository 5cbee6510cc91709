/**
 * Turns a schema decoding issue tree into one line per problem:
 * `<path>: expected <what>, got <value>` (`smtp.port: expected an integer from 0 to 65535 (0 =
 * any free port), got "abc"`). The "what" comes from the `expected` annotation of the schema
 * that failed (see `Fields.ts`), so a wrong type and an out-of-range value read the same.
 *
 * **Gotchas**
 * - Cross-field checks report at a nested path (`state.url`); the value shown is the field's
 *   value in the checked object (after defaults), or "nothing" when it is absent.
 * - Unknown keys list the known ones and suggest the closest (`smtp.prot` -> `port`).
 *
 * @category models
 * @since 0.1.0
 */
import type { SchemaAST, SchemaIssue } from "effect"

export interface Problem {
  readonly path: ReadonlyArray<PropertyKey>
  /** `expected ..., got ...` or another sentence about the value at `path`. */
  readonly text: string
}

export const formatPath = (path: ReadonlyArray<PropertyKey>): string =>
  path.length === 0
    ? "(top level)"
    : path.reduce<string>(
        (acc, k) => (typeof k === "number" ? `${acc}[${k}]` : acc === "" ? String(k) : `${acc}.${String(k)}`),
        ""
      )

export const render = (p: Problem): string => `${formatPath(p.path)}: ${p.text}`

/** A short, single-line description of a value as the user wrote it. */
export const describeValue = (value: unknown): string => {
  if (value === undefined) return "nothing"
  if (value === null) return "an empty value"
  if (Array.isArray(value))
    return value.length === 0 ? "an empty list" : `a list (${value.length} ${value.length === 1 ? "entry" : "entries"})`
  if (typeof value === "object") return "a mapping"
  if (typeof value === "string") return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value)
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value)
  return typeof value
}

const annotation = (ast: SchemaAST.AST, key: "expected"): string | undefined => {
  const own = ast.annotations?.[key]
  if (typeof own === "string") return own
  const last = ast.checks?.at(-1)?.annotations?.[key]
  return typeof last === "string" ? last : undefined
}

const fallbackExpected = (ast: SchemaAST.AST): string => {
  switch (ast._tag) {
    case "String":
      return "a string"
    case "Number":
      return "a number"
    case "Boolean":
      return "true or false"
    case "Objects":
      return "a mapping of settings"
    case "Arrays":
      return "a list"
    case "Literal":
      return JSON.stringify(ast.literal)
    case "Union":
      return `one of ${ast.types.map(fallbackExpected).join(" | ")}`
    default:
      return ast._tag
  }
}

export const expectedOf = (ast: SchemaAST.AST): string => annotation(ast, "expected") ?? fallbackExpected(ast)

const keysOf = (ast: SchemaAST.AST | undefined): ReadonlyArray<string> =>
  ast?._tag === "Objects" ? ast.propertySignatures.map((p) => String(p.name)) : []

/** Optimal string alignment distance: edits and adjacent transpositions (`prot` -> `port` is 1). */
const distance = (a: string, b: string): number => {
  const d: Array<Array<number>> = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0))
  )
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1)
      d[i]![j] = best
    }
  }
  return d[a.length]![b.length]!
}

/** `opts` for `options`: same first letter, the other letters in order. */
const isAbbreviation = (short: string, long: string): boolean => {
  if (short[0] !== long[0] || short.length >= long.length) return false
  let at = 0
  for (const c of long) if (c === short[at]) at++
  return at >= short.length
}

/** The closest known key, when it is close enough to be a typo or an abbreviation. */
export const suggest = (key: string, known: ReadonlyArray<string>): string | undefined => {
  const lower = key.toLowerCase()
  if (lower.length >= 3) {
    const abbreviated = known.find((k) => isAbbreviation(lower, k.toLowerCase()))
    if (abbreviated !== undefined) return abbreviated
  }
  const ranked = known.map((k) => ({ k, d: distance(lower, k.toLowerCase()) })).sort((x, y) => x.d - y.d)
  const best = ranked[0]
  return best !== undefined && best.d <= Math.max(1, Math.floor(key.length / 3)) ? best.k : undefined
}

const valueAt = (root: unknown, path: ReadonlyArray<PropertyKey>): unknown =>
  path.reduce<unknown>(
    (v, k) => (typeof v === "object" && v !== null ? (v as Record<PropertyKey, unknown>)[k] : undefined),
    root
  )

/** The object a cross-field check looked at, and the path below it. */
interface Scope {
  readonly input: unknown
  readonly rel: ReadonlyArray<PropertyKey>
}

const inputOf = (issue: SchemaIssue.Issue): unknown => ("input" in issue ? issue.input : undefined)

const walk = (
  issue: SchemaIssue.Issue,
  path: ReadonlyArray<PropertyKey>,
  owner: SchemaAST.AST | undefined,
  scope: Scope | undefined,
  out: Array<Problem>
): void => {
  const expectedGot = (expected: string, value: unknown): void => {
    out.push({ path, text: `expected ${expected}, got ${describeValue(value)}` })
  }
  switch (issue._tag) {
    case "Pointer":
      walk(
        issue.issue,
        [...path, ...issue.path],
        owner,
        scope && { input: scope.input, rel: [...scope.rel, ...issue.path] },
        out
      )
      return
    case "Composite":
      for (const inner of issue.issues) walk(inner, path, issue.ast, scope, out)
      return
    case "Encoding":
      walk(issue.issue, path, issue.ast, scope, out)
      return
    case "Filter": {
      const expected = issue.filter.annotations?.expected
      if (typeof expected === "string") expectedGot(expected, inputOf(issue))
      // A check without its own phrase (cross-field, per-entry): its inner issues carry messages.
      else walk(issue.issue, path, owner, { input: inputOf(issue), rel: [] }, out)
      return
    }
    case "AnyOf": {
      // A union whose members differ in kind (a path or a mapping): the member of the input's
      // kind names the problem inside it, e.g. `delivery.maildir.domains[1]`.
      const inner = issue.issues.filter((i) => i._tag !== "InvalidType")
      if (inner.length === 1) walk(inner[0]!, path, owner, scope, out)
      else expectedGot(expectedOf(issue.ast), inputOf(issue))
      return
    }
    case "InvalidType":
      expectedGot(expectedOf(issue.ast), inputOf(issue))
      return
    case "OneOf":
      expectedGot(`exactly one of ${expectedOf(issue.ast)}`, inputOf(issue))
      return
    case "InvalidValue":
    case "Forbidden": {
      const message = issue.annotations?.message
      const value = scope !== undefined && scope.rel.length > 0 ? valueAt(scope.input, scope.rel) : inputOf(issue)
      expectedGot(typeof message === "string" ? message : "a valid value", value)
      return
    }
    case "MissingKey": {
      const key = path.at(-1)
      const field = owner?._tag === "Objects" ? owner.propertySignatures.find((p) => p.name === key) : undefined
      out.push({
        path,
        text: `expected ${field ? expectedOf(field.type) : "a value"}, got nothing (this key is required)`
      })
      return
    }
    case "UnexpectedKey": {
      const key = String(path.at(-1) ?? "")
      const known = keysOf(issue.ast).length > 0 ? keysOf(issue.ast) : keysOf(owner)
      const hint = suggest(key, known)
      out.push({
        path,
        text: `unknown key${hint ? ` (did you mean ${hint}?)` : ""}; expected one of ${known.join(" | ")}, got ${JSON.stringify(key)}`
      })
      return
    }
  }
}

/** One problem per failing value, in the order the schema reported them. */
export const fromIssue = (issue: SchemaIssue.Issue): ReadonlyArray<Problem> => {
  const out: Array<Problem> = []
  walk(issue, [], undefined, undefined, out)
  return out
}
