// The build's rewrite of `import { … } from "effect"` into sub-path imports
// (scripts/effect-subpaths.mjs, used by every package's tsup config): what it produces, that it
// keeps line numbers, and that a name effect's root index does not export fails the build.
import { describe, expect, it } from "vitest"
// @ts-expect-error: a plain .mjs script without declarations
import { rewriteEffectImports } from "../scripts/effect-subpaths.mjs"

const names = new Map([
  ["Effect", "effect/Effect"],
  ["Schema", "effect/Schema"],
  ["Layer", "effect/Layer"],
  ["pipe", "effect/Function"]
])
const rewrite = (source: string): string => rewriteEffectImports(source, names)

describe("rewriteEffectImports", () => {
  it("imports each module by its sub-path, aliases and functions included", () => {
    expect(rewrite('import { Effect, Schema as S, pipe } from "effect"\n')).toBe(
      'import * as Effect from "effect/Effect"; import * as S from "effect/Schema"; import { pipe as pipe } from "effect/Function"\n'
    )
  })

  it("keeps type-only imports and type specifiers as types", () => {
    expect(rewrite('import type { Effect } from "effect"\n')).toBe('import type { Effect } from "effect"\n')
    expect(rewrite('import { Layer, type Effect } from "effect"\n')).toBe(
      'import * as Layer from "effect/Layer"; import type { Effect } from "effect"\n'
    )
  })

  it("rewrites re-exports", () => {
    expect(rewrite('export { Schema } from "effect"\n')).toBe('export * as Schema from "effect/Schema"\n')
  })

  it("keeps the line count of a multi-line import, so positions after it do not move", () => {
    const source = 'import {\n  Effect,\n  // why\n  Layer\n} from "effect"\nconst x = 1\n'
    const out = rewrite(source)
    expect(out.split("\n")).toHaveLength(source.split("\n").length)
    expect(out.split("\n")[5]).toBe("const x = 1")
    expect(out).toContain('import * as Layer from "effect/Layer"')
  })

  it("leaves other packages and sub-path imports alone", () => {
    const source = 'import { Effect } from "effect/Effect"\nimport { x } from "effects"\n'
    expect(rewrite(source)).toBe(source)
  })

  it("fails on a name that is not a module of effect's root index", () => {
    expect(() => rewrite('import { Nope } from "effect"\n')).toThrow(/Nope/)
  })
})
