/**
 * Environment overrides: `MAILMOAT_<PATH>=<value>` with `__` between path segments
 * (`MAILMOAT_SMTP__PORT=2626`, `MAILMOAT_ANTISPAM__RBL__SERVERS="[bl.example, zen.example]"`).
 *
 * Segments are matched against the schema's key names ignoring case and single underscores, so
 * `MAXRECIPIENTS`, `MAX_RECIPIENTS` and `maxRecipients` all name `smtp.maxRecipients`. Values of
 * text settings are taken verbatim (`MAILMOAT_STATE__KEY_PREFIX=gw1:`); the others are YAML
 * scalars or flow values (`2626`, `true`, `[a, b]`, `{ listen: ..., upstream: ... }`). An empty
 * value sets nothing. An override replaces the file's value at its path (lists are
 * replaced, not appended). Unknown paths and unparsable values are problems naming the variable.
 * A setting that is a value or a mapping (`delivery.maildir`: a path or `{ path, domains }`)
 * takes overrides of its keys; a value written in the file then becomes the mapping's
 * `shorthandKey` (the union's annotation), so `MAILMOAT_DELIVERY__MAILDIR__DOMAINS` keeps the path.
 *
 * @category constructors
 * @since 0.1.0
 */
import type { SchemaAST } from "effect"
import { isMapping } from "./Normalise.ts"
import { suggest } from "./Problems.ts"
import { parse } from "./Yaml.ts"

export const PREFIX = "MAILMOAT_"

/** Variables with the prefix that are not settings: `MAILMOAT_CONFIG` names the file itself. */
const NOT_SETTINGS: ReadonlySet<string> = new Set(["MAILMOAT_CONFIG"])

export interface Override {
  readonly variable: string
  /** Key names as the schema spells them. */
  readonly path: ReadonlyArray<string>
  readonly value: unknown
  /** Depths of `path` where a plain value in the input stands for the mapping key named. */
  readonly shorthands?: ReadonlyArray<{ readonly depth: number; readonly key: string }> | undefined
}

export interface Parsed {
  readonly overrides: ReadonlyArray<Override>
  readonly problems: ReadonlyArray<string>
}

const canonical = (s: string): string => s.replace(/_/g, "").toLowerCase()

type Shorthand = { readonly depth: number; readonly key: string }
type Resolved =
  | {
      readonly ok: true
      readonly path: ReadonlyArray<string>
      readonly leaf: SchemaAST.AST
      readonly shorthands: ReadonlyArray<Shorthand>
    }
  | { readonly ok: false; readonly problem: string }

/** Text settings take the value verbatim, so `gw1:` or `123` stay strings. */
const isText = (ast: SchemaAST.AST): boolean =>
  ast._tag === "String" ||
  (ast._tag === "Literal" && typeof ast.literal === "string") ||
  (ast._tag === "Union" && (ast.types.some((t) => t._tag === "String") || ast.types.every(isText)))

/** Maps raw segments onto the schema's key names. */
const resolvePath = (variable: string, segments: ReadonlyArray<string>, root: SchemaAST.AST): Resolved => {
  let node: SchemaAST.AST = root
  const path: Array<string> = []
  const shorthands: Array<Shorthand> = []
  for (const segment of segments) {
    const where = path.length === 0 ? "at the top level" : `under ${path.join(".")}`
    const mapping = node._tag === "Union" ? node.types.filter((t) => t._tag === "Objects") : []
    if (node._tag === "Union" && mapping.length === 1) {
      const key = node.annotations?.shorthandKey
      if (typeof key === "string") shorthands.push({ depth: path.length, key })
      node = mapping[0]!
    }
    if (node._tag !== "Objects") {
      const what = node._tag === "Arrays" ? "a list: set the whole list as a flow value, e.g. [a, b]" : "a single value"
      return {
        ok: false,
        problem: `${variable}: ${path.join(".")} is ${what}; it has no setting ${JSON.stringify(segment)}`
      }
    }
    const keys = node.propertySignatures.map((p) => String(p.name))
    const match = node.propertySignatures.find((p) => canonical(String(p.name)) === canonical(segment))
    if (segment === "" || match === undefined) {
      const hint = suggest(segment, keys)
      return {
        ok: false,
        problem: `${variable}: unknown setting ${JSON.stringify(segment)} ${where}${hint ? ` (did you mean ${hint}?)` : ""}; expected one of ${keys.join(" | ")}`
      }
    }
    path.push(String(match.name))
    node = match.type
  }
  return { ok: true, path, leaf: node, shorthands }
}

/** Reads every `MAILMOAT_*` variable; other variables are ignored. Never throws. */
export const parseEnv = (env: Readonly<Record<string, string | undefined>>, root: SchemaAST.AST): Parsed => {
  const overrides: Array<Override> = []
  const problems: Array<string> = []
  const names = Object.keys(env)
    .filter((name) => name.startsWith(PREFIX) && !NOT_SETTINGS.has(name))
    .sort()
  for (const variable of names) {
    const raw = env[variable]
    if (raw === undefined || raw.trim() === "") continue
    const resolved = resolvePath(variable, variable.slice(PREFIX.length).split("__"), root)
    if (!resolved.ok) {
      problems.push(resolved.problem)
      continue
    }
    if (isText(resolved.leaf)) {
      overrides.push({ variable, path: resolved.path, value: raw, shorthands: resolved.shorthands })
      continue
    }
    const parsed = parse(raw, variable)
    if (!parsed.ok) {
      // One problem per variable: the first syntax error is the one to fix.
      problems.push(`${parsed.problems[0]}; expected a YAML value (a scalar, [a, b] or { key: value })`)
      continue
    }
    if (parsed.value !== null && parsed.value !== undefined)
      overrides.push({ variable, path: resolved.path, value: parsed.value, shorthands: resolved.shorthands })
  }
  return { overrides, problems }
}

const setIn = (
  target: unknown,
  path: ReadonlyArray<string>,
  value: unknown,
  shorthands: ReadonlyArray<Shorthand>,
  depth = 0
): unknown => {
  const [head, ...rest] = path
  if (head === undefined) return value
  const shorthand = shorthands.find((s) => s.depth === depth)
  const base = isMapping(target)
    ? target
    : shorthand !== undefined && target !== undefined && target !== null
      ? { [shorthand.key]: target }
      : {}
  return Object.fromEntries([
    ...Object.entries(base).filter(([k]) => k !== head),
    [head, setIn(base[head], rest, value, shorthands, depth + 1)]
  ])
}

/** The input with every override applied (later variables win on the same path). */
export const apply = (input: unknown, overrides: ReadonlyArray<Override>): unknown =>
  overrides.reduce((acc, o) => setIn(acc, o.path, o.value, o.shorthands ?? []), input)

/** The variable that set the value at `path` (or one of its parents), for problem messages. */
export const origin = (path: ReadonlyArray<PropertyKey>, overrides: ReadonlyArray<Override>): string | undefined =>
  overrides.findLast((o) => o.path.length <= path.length && o.path.every((k, i) => path[i] === k))?.variable
