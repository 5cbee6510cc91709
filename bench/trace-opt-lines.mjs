// The lines of a gateway's output bench/trace-opt-blocks.mjs counts: the gateway's log line for
// each message it answered, and V8's `--trace-opt --trace-deopt` lines for a completed
// compilation and a deoptimisation (the formats of Node 20's V8 11.3 and Node 24's V8 13.6).

// Node 20 names the optimising tier TURBOFAN, Node 24 TURBOFAN_JS; both are TurboFan.
const tierOf = (target) => (target.startsWith("TURBOFAN") ? "TurboFan" : target === "MAGLEV" ? "Maglev" : target)
const compiled =
  /^\[completed compiling (.*) \(target (\w+)\)( OSR)? - took (\d+(?:\.\d+)?), (\d+(?:\.\d+)?), (\d+(?:\.\d+)?) ms\]/
// The function as V8 prints it: `0x… <JSFunction NAME (sfi = 0x…)>`, NAME empty for an anonymous one.
const jsFunction = /<JSFunction (?:(.*) )?\(sfi = (0x[0-9a-f]+)\)>$/
const bailout = /^\[bailout \(kind: ([\w-]+), reason: ([^)]*)\)/

/**
 * One line -> { kind: "message" } | { kind: "compiled", tier, ms, prepare, execute, finalize,
 * osr, name, sfi } (ms: V8's three phases summed; prepare and finalize run on the main thread,
 * execute on a worker for a concurrent job; name and sfi undefined where V8 printed no
 * function) | { kind: "deopt", osr } (osr: a deoptimisation that only hands a running loop to
 * optimised code) | undefined for anything else.
 */
export const traceEvent = (line) => {
  if (line.includes(" info message ")) return { kind: "message" }
  const c = compiled.exec(line)
  if (c) {
    const [prepare, execute, finalize] = [Number(c[4]), Number(c[5]), Number(c[6])]
    const fn = jsFunction.exec(c[1])
    return {
      kind: "compiled",
      tier: tierOf(c[2]),
      ms: prepare + execute + finalize,
      prepare,
      execute,
      finalize,
      osr: c[3] !== undefined,
      name: fn === null ? undefined : (fn[1] ?? ""),
      sfi: fn?.[2]
    }
  }
  const d = bailout.exec(line)
  if (d) return { kind: "deopt", osr: d[2].includes("on stack replacement") }
  return undefined
}
