// bench/compile-time.mjs and bench/tier-split.mjs: how a gateway's `--trace-opt` output is summed
// per segment and function, whose a compiled function is, and which V8 tier a perf sample's
// stack is in.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
// @ts-expect-error: a plain .mjs script without declarations
import { compileSegments, functionsBySfi, ownerOf, segmentSummary } from "../bench/compile-time.mjs"
// @ts-expect-error: a plain .mjs script without declarations
import { categoryOf } from "../bench/tier-split.mjs"

const done = (name: string, sfi: string, a: string, b: string, c: string, osr = false) =>
  `[completed compiling 0x9 <JSFunction ${name} (sfi = ${sfi})> (target TURBOFAN)${osr ? " OSR" : ""} - took ${a}, ${b}, ${c} ms]`

const output = [
  "mailmoat gateway 0.1.0",
  done("start", "0x11", "0.010", "1.000", "0.020"),
  "jit-mark 1",
  "[compiling method 0x9 <JSFunction decide (sfi = 0x21)> (target TURBOFAN), mode: ConcurrencyMode::kConcurrent]",
  done("decide", "0x21", "0.100", "30.000", "0.200"),
  '2026-12-07T08:14:37.004Z info message queue="d4dc1658.58" verdict="spam"',
  "[compiling method 0x9 <JSFunction (sfi = 0x31)> (target TURBOFAN), mode: ConcurrencyMode::kSynchronous]",
  done("", "0x31", "0.050", "4.000", "0.050"),
  done("decide", "0x21", "0.100", "10.000", "0.100", true),
  "jit-mark 2",
  "jit-mark 3"
].join("\n")

describe("bench/compile-time", () => {
  it("cuts the output at each mark and reads each job's phases, OSR and mode", () => {
    const segments = compileSegments(output)
    expect(segments.map((s: { jobs: unknown[] }) => s.jobs.length)).toEqual([1, 3, 0, 0])
    expect(segments[1].jobs).toEqual([
      {
        tier: "TurboFan",
        name: "decide",
        sfi: "0x21",
        osr: false,
        sync: false,
        prepare: 0.1,
        execute: 30,
        finalize: 0.2
      },
      { tier: "TurboFan", name: "", sfi: "0x31", osr: false, sync: true, prepare: 0.05, execute: 4, finalize: 0.05 },
      {
        tier: "TurboFan",
        name: "decide",
        sfi: "0x21",
        osr: true,
        sync: false,
        prepare: 0.1,
        execute: 10,
        finalize: 0.1
      }
    ])
  })

  it("splits a segment's time between the main thread and the workers, and ranks functions and owners", () => {
    const where: Record<string, { name: string; at: string }> = {
      "0x21": { name: "decide", at: "apps/gateway/src/GatewayHandler.ts:172" },
      "0x31": { name: "", at: "node:internal/streams/readable:647" }
    }
    const s = segmentSummary(compileSegments(output)[1].jobs, (j: { sfi: string }) => where[j.sfi])
    expect(s).toMatchObject({ jobs: 3, tiers: { TurboFan: 3 }, osr: 1, synchronous: 1 })
    expect(s.prepareMs).toBeCloseTo(0.25, 9)
    expect(s.executeMs).toBeCloseTo(44, 9)
    expect(s.finalizeMs).toBeCloseTo(0.35, 9)
    // The synchronous job's execute phase ran on the main thread.
    expect(s.mainMs).toBeCloseTo(0.25 + 0.35 + 4, 9)
    expect(s.backgroundMs).toBeCloseTo(40, 9)
    expect(s.functions.map((f: { key: string; jobs: number }) => [f.key, f.jobs])).toEqual([
      ["decide apps/gateway/src/GatewayHandler.ts:172", 2],
      ["(anonymous) node:internal/streams/readable:647", 1]
    ])
    expect(s.owners.map((o: { key: string }) => o.key)).toEqual(["gateway", "node:streams"])
  })

  it("names a function's owner: our package and folder, Node's module, or the dependency", () => {
    expect(ownerOf("packages/antispam/src/classifier/Tokenizer.ts:131")).toBe("antispam/classifier")
    expect(ownerOf("apps/gateway/src/metrics/PromMetrics.ts:141")).toBe("gateway/metrics")
    expect(ownerOf("packages/core/src/Deadline.ts:3")).toBe("core")
    expect(ownerOf("node_modules/.pnpm/effect@4.1.0/node_modules/effect/src/internal/effect.ts:1008")).toBe("effect")
    expect(ownerOf("node_modules/.pnpm/@scope+pkg@1.0.0/node_modules/@scope/pkg/dist/a.js:1")).toBe("@scope/pkg")
    expect(ownerOf("node:internal/streams/writable:615")).toBe("node:streams")
    expect(ownerOf("node:net:359")).toBe("node:net")
    expect(ownerOf("node:internal/process/task_queues:67")).toBe("node:task_queues")
    expect(ownerOf("node:internal/timers:320")).toBe("node:timers")
    expect(ownerOf(undefined)).toBe("(not located)")
  })

  it("finds a function's location by the shared info address V8's trace prints (the log's + 1)", () => {
    const log = [
      "code-creation,JS,10,36250,0xac93038d05e,313,decide file:///x/dist/a.js:5:9,0x35135ed05358,~",
      "code-creation,JS,13,70650,0x7f23177c5b80,592,decide file:///x/dist/a.js:5:9,0x35135ed05358,*",
      "code-creation,Builtin,3,1,0x1,2,Abort",
      "code-creation,JS,10,1,0x2,3,broken"
    ].join("\n")
    const bySfi = functionsBySfi(log)
    expect([...bySfi.keys()]).toEqual(["0x35135ed05359"])
    expect([...bySfi.get("0x35135ed05359")]).toEqual(["decide file:///x/dist/a.js:5:9"])
  })

  test.prop([
    fc.array(fc.oneof(fc.string({ maxLength: 120 }), fc.constantFrom("jit-mark 1", done("f", "0x1", "1", "2", "3"))))
  ])("reads any output and any log without throwing", (lines) => {
    const text = lines.join("\n")
    const segments = compileSegments(text)
    expect(segments.length).toBe(1 + lines.filter((l) => /^jit-mark \d+$/.test(l)).length)
    functionsBySfi(text)
    for (const s of segments) segmentSummary(s.jobs, () => ({ name: "", at: undefined }))
  })
})

describe("bench/tier-split", () => {
  const js = (tier: string) => `JS:${tier}decide file:///x/dist/a.js:5:9 (/tmp/perf-1.map)`
  it("puts a worker's sample under TurboFan or the collector", () => {
    expect(categoryOf(["v8::internal::compiler::PipelineImpl::Run (/usr/bin/node)"], false)).toBe(
      "workers: TurboFan compiling"
    )
    expect(categoryOf(["v8::internal::Scavenger::Process (/usr/bin/node)"], false)).toBe("workers: garbage collection")
    expect(categoryOf(["__libc_start_call_main (libc.so.6)"], false)).toBe("workers: other")
  })

  it("puts a main-thread sample under the tier of the code that runs, or the work V8 does for it", () => {
    expect(categoryOf([js("*")], true)).toBe("main: JS in TurboFan code")
    expect(categoryOf(["Builtins_LoadIC (/usr/bin/node)", js("^")], true)).toBe("main: JS in Sparkplug code")
    expect(categoryOf(["Builtins_LdaNamedPropertyHandler (/usr/bin/node)", js("*")], true)).toBe(
      "main: JS in the interpreter"
    )
    expect(
      categoryOf(
        ["v8::internal::compiler::JSHeapBroker::Retain (/usr/bin/node)", "Builtins_CEntry (/usr/bin/node)"],
        true
      )
    ).toBe("main: TurboFan (prepare, finalize, install)")
    expect(categoryOf(["v8::internal::baseline::BaselineCompiler::VisitSingleBytecode (/usr/bin/node)"], true)).toBe(
      "main: Sparkplug compiling"
    )
    expect(categoryOf(["v8::internal::Parser::ParseFunction (/usr/bin/node)", js("^")], true)).toBe(
      "main: lazy compiling (parse, bytecode)"
    )
    expect(categoryOf(["do_syscall_64 ([kernel.kallsyms])", js("*")], true)).toBe("main: kernel")
    expect(categoryOf(["uv__io_poll (/usr/bin/node)"], true)).toBe("main: Node's and V8's C++, libuv")
  })
})
