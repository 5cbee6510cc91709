// The workspace's import arrows (scripts/import-graph.mjs): the real tree has no wrong arrow,
// and the checker does catch each kind of wrong import in a small fixture workspace.
import { mkdirSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
// @ts-expect-error: a plain .mjs script without declarations
import { checkGraph, importsOf } from "../scripts/import-graph.mjs"
import { tempDir } from "./support/temp-dirs.ts"

const root = fileURLToPath(new URL("..", import.meta.url))
const fixture = tempDir("mailmoat-graph-")

const write = (path: string, text: string) => {
  mkdirSync(dirname(join(fixture, path)), { recursive: true })
  writeFileSync(join(fixture, path), text)
}
const pkg = (dir: string, name: string, dependencies: Record<string, string> = {}) =>
  write(`${dir}/package.json`, JSON.stringify({ name, dependencies }))

describe("import graph", () => {
  it("the workspace: apps -> {antispam, protocols, platform-node, redis} -> sdk -> core, no reach into src/", () => {
    expect(checkGraph(root)).toEqual([])
  })

  it("finds static, re-export, side-effect and dynamic imports, not ones in comments", () => {
    const text = `import { a } from "x"\nexport * as B from "./b.ts"\nimport "side"\nconst m = await import("dyn")\n * import { c } from "commented"\n`
    expect(importsOf(text).sort()).toEqual(["./b.ts", "dyn", "side", "x"])
  })

  it("fails each wrong arrow in a fixture workspace", () => {
    pkg("packages/core", "@mailmoat/core")
    pkg("packages/sdk", "@mailmoat/sdk", { "@mailmoat/core": "0.1.0" })
    pkg("packages/antispam", "@mailmoat/antispam", { "@mailmoat/core": "0.1.0", "@mailmoat/platform-node": "0.1.0" })
    pkg("packages/platform-node", "@mailmoat/platform-node", { "@mailmoat/core": "0.1.0" })
    pkg("apps/gateway", "@mailmoat/gateway", { "@mailmoat/antispam": "0.1.0" })
    write("packages/core/src/index.ts", `import { readFileSync } from "node:fs"\nimport { x } from "@mailmoat/sdk"\n`)
    write("packages/sdk/src/index.ts", `import { Dns } from "@mailmoat/core"\n`)
    write(
      "packages/antispam/src/index.ts",
      `import { NodeDns } from "@mailmoat/platform-node"\nimport { y } from "../../core/src/index.ts"\nimport { G } from "@mailmoat/gateway"\n`
    )
    write("packages/platform-node/src/index.ts", `import { Dns } from "@mailmoat/core"\n`)
    write("apps/gateway/src/index.ts", `import { Stage } from "@mailmoat/core"\n`)
    write(
      "apps/gateway/test/a.test.ts",
      `import { z } from "../../../packages/antispam/src/index.ts"\nimport { peer } from "../../../packages/core/test/support.ts"\n`
    )
    expect(checkGraph(fixture)).toEqual([
      "apps/gateway/src/index.ts: imports @mailmoat/core, which apps/gateway/package.json does not list in dependencies",
      "apps/gateway/test/a.test.ts: reaches into packages/antispam/src (../../../packages/antispam/src/index.ts); import @mailmoat/antispam instead",
      "packages/antispam/src/index.ts: imports @mailmoat/gateway, which packages/antispam/package.json does not list in dependencies",
      "packages/antispam/src/index.ts: reaches into packages/core by path (../../core/src/index.ts); import @mailmoat/core instead",
      "packages/antispam/src/index.ts: wrong arrow packages/antispam -> apps/gateway (@mailmoat/gateway)",
      "packages/antispam/src/index.ts: wrong arrow packages/antispam -> packages/platform-node (@mailmoat/platform-node)",
      "packages/core/src/index.ts: core imports node:fs (core runs on every runtime; Node code goes to platform-node)",
      "packages/core/src/index.ts: imports @mailmoat/sdk, which packages/core/package.json does not list in dependencies",
      "packages/core/src/index.ts: wrong arrow packages/core -> packages/sdk (@mailmoat/sdk)"
    ])
  })
})
