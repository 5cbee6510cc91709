// Configuration-shaped inputs for property tests: walks the schema's AST so generated objects
// use real key names (with the odd unknown key) and values drawn from every format the schema
// knows, valid and not, so decoding reaches deep paths instead of failing at the top.
import { fc } from "@fast-check/vitest"
import type { SchemaAST } from "effect"
import { GatewayConfig } from "./codec.ts"

const samples = [
  "127.0.0.1",
  "::1",
  "10.0.0.0/8",
  "2001:db8::/32",
  "300.1.1.1/33",
  "bl.example",
  "zen.example:127.0.0.4",
  "zen.example:10.0.0.1",
  "127.0.0.1:5353",
  "[::1]:53",
  "mx.example",
  "127.0.0.1:1143",
  "imap.example:143",
  "redis://127.0.0.1:6379/0",
  "https://a.example/x",
  "ftp://x",
  "quarantine",
  "reject",
  "drop",
  "none",
  "bounce",
  "imap",
  "pop3",
  "auto",
  "993, 995",
  "993, abc",
  "tag",
  "replace",
  "block",
  "debug",
  "info",
  "smtp",
  "lmtp",
  "starttls",
  "required",
  "embedded",
  "redis",
  "normalise",
  "./x",
  "system",
  "user@example.net",
  "",
  "a".repeat(64)
]

const leaf: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...samples),
  fc.integer({ min: -2, max: 70_000 }),
  fc.constantFrom(0, 1, 12, 0.2, 0.5, 0.9, 1.5, -0.1, Number.NaN),
  fc.boolean(),
  fc.constant(null),
  fc.string({ maxLength: 12 })
)

const leafOrList = fc.oneof({ weight: 3, arbitrary: leaf }, { weight: 2, arbitrary: fc.array(leaf, { maxLength: 3 }) })

const forNode = (ast: SchemaAST.AST, depth: number): fc.Arbitrary<unknown> => {
  if (ast._tag === "Objects" && ast.propertySignatures.length > 0 && depth < 4) {
    const model: Record<string, fc.Arbitrary<unknown>> = {}
    for (const p of ast.propertySignatures)
      model[String(p.name)] = fc.oneof(
        { weight: 4, arbitrary: forNode(p.type, depth + 1) },
        { weight: 1, arbitrary: leafOrList }
      )
    const known = fc.record(model, { requiredKeys: [] })
    return fc.oneof(
      { weight: 8, arbitrary: known },
      {
        weight: 1,
        arbitrary: fc.tuple(known, fc.constantFrom("prot", "Port", "extra")).map(([o, k]) => ({ ...o, [k]: 1 }))
      }
    )
  }
  if (ast._tag === "Arrays" && ast.rest[0] !== undefined && depth < 4)
    return fc.array(forNode(ast.rest[0], depth + 1), { maxLength: 3 })
  return leafOrList
}

export const configLike: fc.Arbitrary<unknown> = forNode(GatewayConfig.schema.ast, 0)
