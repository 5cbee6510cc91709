// The lines of a gateway's output bench/trace-opt-blocks.mjs counts: the gateway's log line for
// each message it answered, and V8's `--trace-opt --trace-deopt` lines for a completed
// compilation and a deoptimisation (the formats of Node 20's V8 11.3 and Node 24's V8 13.6).

// Node 20 names the optimising tier TURBOFAN, Node 24 TURBOFAN_JS; both are TurboFan.
const tierOf = (target) => (target.startsWith("TURBOFAN") ? "TurboFan" : target === "MAGLEV" ? "Maglev" : target)
const compiled =
  /^\[completed compiling .*\(target (\w+)\)(?: OSR)? - took (\d+(?:\.\d+)?), (\d+(?:\.\d+)?), (\d+(?:\.\d+)?) ms\]/
const bailout = /^\[bailout \(kind: ([\w-]+), reason: ([^)]*)\)/

/**
 * One line -> { kind: "message" } | { kind: "compiled", tier, ms } (ms: V8's three phases
 * summed) | { kind: "deopt", osr } (osr: a deoptimisation that only hands a running loop to
 * optimised code) | undefined for anything else.
 */
export const traceEvent = (line) => {
  if (line.includes(" info message ")) return { kind: "message" }
  const c = compiled.exec(line)
  if (c) return { kind: "compiled", tier: tierOf(c[1]), ms: Number(c[2]) + Number(c[3]) + Number(c[4]) }
  const d = bailout.exec(line)
  if (d) return { kind: "deopt", osr: d[2].includes("on stack replacement") }
  return undefined
}
