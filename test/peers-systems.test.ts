// bench/peers.mjs's system names (bench/peers-systems.mjs): what each part of a name selects, the
// names it refuses before any harness starts, and the command line each runtime gets.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
// @ts-expect-error: a plain .mjs script without declarations
import { commandPrefix, formatSystem, parseSystem, runtimeVersion } from "../bench/peers-systems.mjs"

const runtimes = ["node24", "bun", "deno"] as const
// A flag or folder: what a shell word without `+`, `~` or whitespace can be.
const word = fc.stringMatching(/^[A-Za-z0-9_./=:@,-]{1,12}$/)

describe("bench/peers system names", () => {
  it("reads each part of a Mailmoat name", () => {
    expect(parseSystem("mailmoat:p2@/tmp/mm-base+max-lazy+maglev~node24")).toEqual({
      system: "mailmoat:p2@/tmp/mm-base+max-lazy+maglev~node24",
      kind: "mailmoat",
      label: "mailmoat-2p@mm-base+max-lazy+maglev~node24",
      runtime: "node24",
      processes: 2,
      dir: "/tmp/mm-base",
      flags: ["--max-lazy", "--maglev"]
    })
    expect(parseSystem("mailmoat")).toMatchObject({ label: "mailmoat", runtime: undefined, flags: [] })
    expect(parseSystem("mailmoat~bun")).toMatchObject({ label: "mailmoat~bun", runtime: "bun" })
  })

  it("gives Haraka the same flags and runtimes, and the ceiling neither", () => {
    expect(parseSystem("haraka-nodelay+trace-opt~node24")).toMatchObject({
      kind: "haraka-nodelay",
      label: "haraka-nodelay+trace-opt~node24",
      runtime: "node24",
      flags: ["--trace-opt"]
    })
    expect(parseSystem("haraka~bun")).toMatchObject({ kind: "haraka", runtime: "bun" })
    expect(parseSystem("ceiling")).toMatchObject({ kind: "ceiling", label: "ceiling", runtime: undefined })
    for (const name of ["ceiling~node24", "ceiling+x", "haraka:p2", "haraka@/tmp/x", "rspamd"]) {
      expect(() => parseSystem(name), name).toThrow(/unknown system/)
    }
  })

  it("refuses a runtime it cannot start, a process count of 0 and a flag with a space", () => {
    for (const name of [
      "mailmoat~node20",
      "mailmoat~",
      "mailmoat~bun~deno",
      "mailmoat:p0",
      "mailmoat+a b",
      "mailmoat+"
    ]) {
      expect(() => parseSystem(name), name).toThrow(/unknown system/)
    }
  })

  test.prop([
    fc.record(
      {
        kind: fc.constantFrom("mailmoat", "haraka", "haraka-nodelay"),
        processes: fc.integer({ min: 1, max: 64 }),
        dir: word,
        flags: fc.array(
          word.map((w) => `--${w}`),
          { maxLength: 3 }
        ),
        runtime: fc.constantFrom(...runtimes)
      },
      { requiredKeys: ["kind", "flags"] }
    )
  ])("reads back every name it can write", (parts) => {
    const system = {
      ...parts,
      // Only Mailmoat has processes and a checkout.
      ...(parts.kind === "mailmoat" ? {} : { processes: undefined, dir: undefined })
    }
    const parsed = parseSystem(formatSystem(system))
    expect(parsed).toMatchObject({
      kind: system.kind,
      processes: system.processes,
      dir: system.dir,
      flags: system.flags,
      runtime: system.runtime
    })
    expect(parsed.label.endsWith(system.runtime === undefined ? "" : `~${system.runtime}`)).toBe(true)
  })

  // Pieces of names in any order, so that near misses come up as often as plain noise.
  const piece = fc.constantFrom(
    ..."mailmoat haraka -nodelay ceiling :p 2 0 @ /tmp/x + max-lazy ~ node24 bun deno node20".split(" "),
    " "
  )
  const nearName = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.array(piece, { maxLength: 8 }).map((xs) => xs.join(""))
  )
  test.prop([nearName])("any other string is refused or is a name it writes back the same", (s) => {
    let parsed: ReturnType<typeof parseSystem> | undefined
    try {
      parsed = parseSystem(s)
    } catch (error) {
      expect(String(error)).toMatch(/unknown system/)
      return
    }
    expect(formatSystem(parsed)).toBe(s)
  })

  it("starts each runtime as it runs a Node program", () => {
    expect(commandPrefix({ runtime: undefined, bin: "node", flags: ["--max-lazy"] })).toEqual(["node", "--max-lazy"])
    expect(commandPrefix({ runtime: "node24", bin: "/r/node", preload: "/p.js" })).toEqual(["/r/node"])
    expect(commandPrefix({ runtime: "bun", bin: "/r/bun", preload: "/p.js", flags: ["--smol"] })).toEqual([
      "/r/bun",
      "--preload",
      "/p.js",
      "--smol"
    ])
    expect(commandPrefix({ runtime: "bun", bin: "/r/bun" })).toEqual(["/r/bun"])
    expect(
      commandPrefix({ runtime: "deno", bin: "/r/deno", preload: "/p.js", flags: ["--v8-flags=--max-lazy"] })
    ).toEqual(["/r/deno", "run", "-A", "--v8-flags=--max-lazy"])
  })

  it("names a runtime from its --version output", () => {
    expect(runtimeVersion("v20.20.2\n")).toBe("node 20.20.2")
    expect(runtimeVersion("1.4.5\n")).toBe("bun 1.4.5")
    expect(runtimeVersion("deno 2.9.6 (stable, release, x86_64-unknown-linux-gnu)\nv8 15.0.245.2-rusty\n")).toBe(
      "deno 2.9.6"
    )
    expect(runtimeVersion("")).toBe("?")
  })
})
