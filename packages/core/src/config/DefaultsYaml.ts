/**
 * Renders the defaults as a commented YAML file (what `mailmoat config defaults` prints): every
 * key with its default value, its description and what it accepts, taken from the schema's
 * annotations; keys without a default appear commented out with an example. The text decodes to
 * exactly `defaults()`.
 *
 * @category constructors
 * @since 0.1.0
 */
import type { SchemaAST } from "effect"
import { Document } from "yaml"
import { isMapping } from "./Normalise.ts"
import { expectedOf } from "./Problems.ts"

/** One value as flow YAML (`127.0.0.1`, `"mailmoat:"`, `[127.0.0.0/8]`, `{ a: 1 }`). */
const flow = (value: unknown): string =>
  new Document(value).toString({ collectionStyle: "flow", lineWidth: 0 }).trimEnd()

const annotations = (ast: SchemaAST.AST): Readonly<Record<string, unknown>> => ({
  ...ast.annotations,
  ...ast.checks?.at(-1)?.annotations
})

const comment = (ast: SchemaAST.AST): string | undefined => {
  const a = annotations(ast)
  const description = typeof a.description === "string" ? a.description : undefined
  // Sections (mappings) are described by their keys; leaves say what they accept.
  const accepts = ast._tag === "Objects" ? undefined : expectedOf(ast)
  const parts = [description, accepts && `Accepts ${accepts}.`].filter((p): p is string => p !== undefined)
  return parts.length > 0 ? parts.join(" ") : undefined
}

const render = (ast: SchemaAST.AST, value: unknown, indent: string, lines: Array<string>): void => {
  if (ast._tag !== "Objects") return
  for (const p of ast.propertySignatures) {
    const key = String(p.name)
    const v = isMapping(value) ? value[key] : undefined
    const note = comment(p.type)
    if (note !== undefined) lines.push(`${indent}# ${note}`)
    if (v === undefined) {
      const example = annotations(p.type).examples
      lines.push(`${indent}# ${key}:${Array.isArray(example) && example.length > 0 ? ` ${flow(example[0])}` : ""}`)
    } else if (p.type._tag === "Objects" && isMapping(v)) {
      lines.push(`${indent}${key}:`)
      render(p.type, v, `${indent}  `, lines)
    } else {
      lines.push(`${indent}${key}: ${flow(v)}`)
    }
  }
}

export const toYaml = (root: SchemaAST.AST, defaults: unknown, header: ReadonlyArray<string>): string => {
  const lines = header.map((h) => `# ${h}`)
  render(root, defaults, "", lines)
  return `${lines.join("\n")}\n`
}
