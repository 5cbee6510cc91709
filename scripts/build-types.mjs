#!/usr/bin/env node
// Emits a package's type declarations with tsc, one .d.ts per source module, next to the
// bundled JavaScript in dist/. Run from the package directory after tsup (`"build": "tsup &&
// node ../../scripts/build-types.mjs"`).
//
// Why not tsup's `dts` option: it bundles declarations with rollup-plugin-dts, and with several
// entries (core has index, node and testing) rollup moves shared modules into chunks. The
// plugin turns each `export * as X from` into a namespace by reading the declarations of the
// chunk it is writing; a type that now lives in another chunk arrives as a plain import, is
// taken for a value and declared `const X_T: typeof T`, which is TS2693 ("only refers to a type,
// but is being used as a value") for every consumer compiling without `skipLibCheck`. tsc's
// own declaration emit keeps `export * as X` as written, so nothing has to be guessed.
//
// Sources import with `.ts` extensions; tsc keeps them in declarations, so relative specifiers
// are rewritten to `.js` (the files consumers resolve, and what Deno's checker expects).
import { execFileSync } from "node:child_process"
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("..", import.meta.url))
const dir = process.cwd()
const config = join(dir, "tsconfig.types.json")
writeFileSync(
  config,
  JSON.stringify({
    extends: "./tsconfig.json",
    compilerOptions: {
      noEmit: false,
      declaration: true,
      emitDeclarationOnly: true,
      rootDir: "src",
      outDir: "dist",
      // Sibling packages through their built declarations (node_modules), not their sources.
      paths: {}
    },
    include: ["src/**/*.ts"]
  })
)
try {
  execFileSync(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", config], {
    cwd: dir,
    stdio: "inherit"
  })
} finally {
  rmSync(config, { force: true })
}

const RELATIVE_TS = /((?:from|import\()\s*["']\.{1,2}\/[^"']*?)\.ts(["'])/g
const rewrite = (folder) => {
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name)
    if (entry.isDirectory()) rewrite(path)
    else if (entry.name.endsWith(".d.ts")) {
      const text = readFileSync(path, "utf8")
      const fixed = text.replace(RELATIVE_TS, "$1.js$2")
      if (fixed !== text) writeFileSync(path, fixed)
    }
  }
}
rewrite(join(dir, "dist"))
