#!/usr/bin/env node
// Proves the packages are publishable and usable as a third party gets them:
//   1. every non-private package under packages/ and apps/ has complete metadata, ranged and
//      used dependencies (scripts/pack-metadata.mjs), and `npm publish --dry-run` is clean;
//   2. `npm pack` of each holds LICENSE, README and every file its exports name;
//   3. the tarballs install into an empty project with npm (dependencies from the registry, our
//      packages only from the tarballs); every entry point imports; the packed gateway takes a
//      message over SMTP; the packed `mailmoat` bin runs;
//   4. a plugin written from docs/sdk.md (scripts/pack-plugin: a provider and a stage, and its
//      tests through @mailmoat/sdk/testing) and every README's example compile with
//      `tsc --noEmit`, `strict` and `skipLibCheck: false` (Node 20), the plugin's tests pass under
//      vitest, and Deno's checker (`deno check`) accepts the plugin and its tests. Bun has no
//      type checker (it strips types), so there is nothing to run for it here; the runtime
//      smoke suite runs the packages on Bun;
//   5. under pnpm's strict layout, a plugin depending on the SDK alone compiles and emits its own
//      declarations without reaching into @mailmoat/core;
//   6. the metadata check catches what it is for, and scripts/release.mjs bumps a copy of the
//      repository's manifests consistently.
// Prints "pack: N passed, M failed". Run after the build (scripts/test.mjs does). Loopback only.
import { execFileSync, spawnSync } from "node:child_process"
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { manifestProblems, publishable, tarballProblems } from "./pack-metadata.mjs"

const root = fileURLToPath(new URL("..", import.meta.url))
const packages = publishable(root)
const work = mkdtempSync(join(tmpdir(), "mailmoat-pack-"))
const npm = process.platform === "win32" ? "npm.cmd" : "npm"
const quiet = { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }

/**
 * Runs a package manager's install, once more after a failure: its fetches from the npm registry
 * can fail for a moment (a reset connection) where nothing of ours is wrong. The second failure
 * throws with the tail of the install's own output, so the step's line says why.
 */
const install = (command, args, cwd) => {
  for (let attempt = 1; ; attempt++) {
    try {
      execFileSync(command, args, { cwd, ...quiet })
      return
    } catch (e) {
      if (attempt === 2) {
        const output = `${e.stdout ?? ""}${e.stderr ?? ""}`.trim().split("\n").slice(-15).join("\n")
        throw new Error(`${[command, ...args].join(" ")} failed twice (exit ${e.status}):\n${output}`)
      }
    }
  }
}
// Versions the plugin project installs next to our tarballs (what a plugin author would).
const DEV = [
  "typescript@5.9.3",
  "@types/node@^20.19.0",
  "vitest@4.1.12",
  "@fast-check/vitest@0.5.0",
  "fast-check@^4.10.2"
]
let passed = 0
let failed = 0
const check = (name, f) => {
  try {
    f()
    passed++
    console.log(`  ok   ${name}`)
  } catch (error) {
    failed++
    const out = `${error?.stdout ?? ""}${error?.stderr ?? ""}`.trim()
    console.log(`  FAIL ${name}: ${out.slice(-3000) || error?.message}`)
  }
}
const noProblems = (problems) => {
  if (problems.length > 0) throw new Error(`\n    ${problems.join("\n    ")}`)
}

try {
  for (const dir of packages) {
    check(`${dir}: metadata and dependencies`, () => noProblems(manifestProblems(root, dir)))
    check(`${dir}: npm publish --dry-run is clean`, () => {
      const r = spawnSync(npm, ["publish", "--dry-run", "--ignore-scripts", "--tag", "pack-check"], {
        cwd: join(root, dir),
        encoding: "utf8"
      })
      // Without an npm login the dry run warns that publishing needs one: that is this machine, not the package.
      const warnings = `${r.stderr}`
        .split("\n")
        .filter((l) => /npm (?:warn|WARN|error|ERR)/.test(l) && !/requires you to be logged in/.test(l))
      if (r.status !== 0 || warnings.length > 0)
        throw new Error(`exit ${r.status}\n${warnings.join("\n") || r.stderr.slice(-2000)}`)
    })
  }

  const tarballs = []
  /** Package name -> its tarball. */
  const packed = new Map()
  for (const dir of packages) {
    check(`${dir}: npm pack holds LICENSE, README and its entry points`, () => {
      const out = execFileSync(npm, ["pack", "--silent", "--pack-destination", work], {
        cwd: join(root, dir),
        encoding: "utf8"
      })
      const tarball = join(work, out.trim().split("\n").pop())
      tarballs.push(tarball)
      packed.set(JSON.parse(readFileSync(join(root, dir, "package.json"), "utf8")).name, tarball)
      const files = execFileSync("tar", ["-tzf", tarball], { encoding: "utf8" }).trim().split("\n")
      const text = (name) =>
        files.includes(`package/${name}`)
          ? execFileSync("tar", ["-xzOf", tarball, `package/${name}`], { encoding: "utf8" })
          : ""
      noProblems(tarballProblems(root, dir, { files, license: text("LICENSE"), readme: text("README.md") }))
    })
  }

  const project = join(work, "project")
  check("install the tarballs into an empty project", () => {
    mkdirSync(project, { recursive: true })
    writeFileSync(
      join(project, "package.json"),
      JSON.stringify({ name: "pack-check", version: "1.0.0", private: true, type: "module" })
    )
    install(
      npm,
      ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error", ...tarballs, ...DEV],
      project
    )
  })
  // The plugin, its tests, its tsconfig and the SMTP round trip (they import our packages, so they
  // run from the project, where the tarballs are installed).
  cpSync(join(root, "scripts/pack-plugin"), project, { recursive: true })
  // The round trip's gateway asks its DNS questions (SPF, DMARC) of a loopback resolver.
  cpSync(join(root, "test/support/loopback-resolver.mjs"), join(project, "loopback-resolver.mjs"))
  // Every export of every library package (apps' `./main` entries start programs: only the
  // gateway's library entry is imported), and the SDK's testing kit where vitest is installed.
  const entries = [
    ...packages
      .filter((dir) => dir.startsWith("packages/"))
      .flatMap((dir) => {
        const pkg = JSON.parse(readFileSync(join(root, dir, "package.json"), "utf8"))
        return Object.entries(pkg.exports ?? {})
          .filter(([key, target]) => target !== null && !key.includes("*") && key !== "./package.json")
          .map(([key]) => (key === "." ? pkg.name : `${pkg.name}/${key.slice(2)}`))
      })
      .filter((e) => e !== "@mailmoat/sdk/testing"),
    "@mailmoat/gateway"
  ]
  check(`every entry point imports (${entries.length})`, () => {
    const script = `
      const entries = ${JSON.stringify(entries)}
      for (const e of entries) { const m = await import(e); if (Object.keys(m).length === 0) throw new Error(e + " exports nothing") }
      const { Classifier } = await import("@mailmoat/antispam")
      await Classifier.loadModel()
    `
    execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd: project, ...quiet })
  })
  check("the packed gateway takes a message over SMTP and delivers it into its Maildir", () => {
    execFileSync(process.execPath, ["smtp-round-trip.mjs"], { cwd: project, ...quiet })
  })
  check("the packed mailmoat bin runs (config defaults validates)", () => {
    const bin = join(project, "node_modules", ".bin", "mailmoat")
    const defaults = execFileSync(bin, ["config", "defaults"], { cwd: project, encoding: "utf8" })
    writeFileSync(join(project, "defaults.yaml"), defaults)
    const r = spawnSync(bin, ["config", "validate", "defaults.yaml"], { cwd: project, encoding: "utf8" })
    if (r.status !== 0) throw new Error(`config validate exited ${r.status}: ${r.stdout}${r.stderr}`)
  })

  // The plugin and the README examples, as a third party compiles them.
  mkdirSync(join(project, "readme"), { recursive: true })
  for (const dir of packages) {
    const readme = readFileSync(join(root, dir, "README.md"), "utf8")
    const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1])
    blocks.forEach((code, i) =>
      writeFileSync(join(project, "readme", `${dir.replace("/", "-")}-${i}.ts`), `${code}\nexport {}\n`)
    )
  }
  check("the plugin and every README example compile: tsc --noEmit, strict, skipLibCheck false (Node 20)", () => {
    execFileSync(process.execPath, [join(project, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.json"], {
      cwd: project,
      ...quiet
    })
  })
  check("the plugin's tests pass through @mailmoat/sdk/testing (vitest)", () => {
    execFileSync(process.execPath, [join(project, "node_modules/vitest/vitest.mjs"), "run", "src/plugin.test.ts"], {
      cwd: project,
      ...quiet
    })
  })
  check("Deno's type checker accepts the plugin and its tests (deno check)", () => {
    // scripts/runtimes.mjs installs Deno under .runtimes/ when it is missing and prints the paths.
    const { deno } = JSON.parse(
      execFileSync(process.execPath, [join(root, "scripts/runtimes.mjs")], { encoding: "utf8" })
        .trim()
        .split("\n")
        .pop()
    )
    execFileSync(deno, ["check", "src/index.ts", "src/plugin.test.ts"], {
      cwd: project,
      ...quiet,
      env: { ...process.env, DENO_NO_UPDATE_CHECK: "1" }
    })
  })

  // pnpm's strict layout: the plugin depends on @mailmoat/sdk only, so @mailmoat/core is not
  // visible from the plugin's own directory. Emitting the plugin's declarations must still name
  // every type it exports (no TS2742 "cannot be named without a reference to .pnpm/...").
  const strict = join(work, "pnpm-project")
  check("under pnpm's strict layout the plugin (sdk only) compiles and emits its declarations", () => {
    mkdirSync(join(strict, "src"), { recursive: true })
    writeFileSync(
      join(strict, "package.json"),
      JSON.stringify({
        name: "pack-check-pnpm",
        version: "1.0.0",
        private: true,
        type: "module",
        dependencies: { "@mailmoat/sdk": `file:${packed.get("@mailmoat/sdk")}` },
        devDependencies: { typescript: "5.9.3", "@types/node": "^20.19.0" },
        // Our other packages come from their tarballs, not the registry.
        pnpm: {
          overrides: Object.fromEntries(
            [...packed].filter(([name]) => name !== "@mailmoat/sdk").map(([name, file]) => [name, `file:${file}`])
          )
        }
      })
    )
    cpSync(join(root, "scripts/pack-plugin/src/index.ts"), join(strict, "src/index.ts"))
    cpSync(join(root, "scripts/pack-plugin/tsconfig.json"), join(strict, "tsconfig.json"))
    // append-only: silent would leave a failure's reason out of the output kept for the error.
    install(
      process.execPath,
      [join(root, "node_modules/pnpm/bin/pnpm.cjs"), "install", "--prefer-offline", "--reporter=append-only"],
      strict
    )
    if (existsSync(join(strict, "node_modules/@mailmoat/core")))
      throw new Error("@mailmoat/core is visible to the plugin: not a strict layout")
    execFileSync(
      process.execPath,
      [
        join(strict, "node_modules/typescript/bin/tsc"),
        "-p",
        "tsconfig.json",
        "--noEmit",
        "false",
        "--declaration",
        "--emitDeclarationOnly",
        "--outDir",
        "out"
      ],
      { cwd: strict, ...quiet }
    )
    const emitted = readFileSync(join(strict, "out/index.d.ts"), "utf8")
    if (/\.pnpm|@mailmoat\/core/.test(emitted))
      throw new Error(`the plugin's declarations reach past the SDK:\n${emitted}`)
  })

  check("the metadata check finds what it is for (a pinned, unused dependency; missing fields; no LICENSE)", () => {
    const fake = join(work, "fake")
    mkdirSync(join(fake, "apps/bad/src"), { recursive: true })
    writeFileSync(
      join(fake, "apps/bad/package.json"),
      JSON.stringify({
        name: "@mailmoat/bad",
        version: "0.1.0",
        sideEffects: false,
        dependencies: { "left-pad": "1.3.0" }
      })
    )
    writeFileSync(join(fake, "apps/bad/src/main.ts"), 'import { x } from "right-pad"\n')
    writeFileSync(join(fake, "LICENSE"), "MIT")
    const found = manifestProblems(fake, "apps/bad").join("\n")
    const tar = tarballProblems(fake, "apps/bad", { files: ["package/package.json"], license: "", readme: "" }).join(
      "\n"
    )
    const expected = [
      /keywords/,
      /repository\.directory/,
      /sideEffects/,
      /left-pad is pinned/,
      /left-pad is not imported/
    ]
    const missing = expected.filter((r) => !r.test(found))
    if (missing.length > 0 || !/LICENSE missing/.test(tar) || !/README\.md missing/.test(tar))
      throw new Error(`not found: ${missing.join(", ")}\n${found}\n${tar}`)
  })

  check("scripts/release.mjs bumps every package together and updates our ranges", () => {
    const copy = join(work, "release")
    for (const dir of [...packages, "examples"])
      if (existsSync(join(root, dir)))
        cpSync(join(root, dir), join(copy, dir), {
          recursive: true,
          filter: (p) => !p.includes("node_modules") && !p.includes("/dist")
        })
    execFileSync(process.execPath, [join(root, "scripts/release.mjs"), "minor", "--root", copy], quiet)
    const problems = packages.flatMap((dir) => {
      const before = JSON.parse(readFileSync(join(root, dir, "package.json"), "utf8"))
      const after = JSON.parse(readFileSync(join(copy, dir, "package.json"), "utf8"))
      const [major, minor] = before.version.split(".").map(Number)
      const next = `${major}.${minor + 1}.0`
      const ranges = Object.entries(after.dependencies ?? {}).filter(
        ([n]) => n.startsWith("@mailmoat/") && after.dependencies[n] !== `^${next}`
      )
      return [
        ...(after.version === next ? [] : [`${dir}: version ${after.version}, expected ${next}`]),
        ...ranges.map(([n, r]) => `${dir}: ${n} ${r}, expected ^${next}`)
      ]
    })
    noProblems(problems)
  })
} finally {
  rmSync(work, { recursive: true, force: true })
}
console.log(`pack: ${passed} passed, ${failed} failed`)
process.exit(failed === 0 ? 0 : 1)
