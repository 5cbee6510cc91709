// How many hidden classes (V8 maps) the engine's per-message objects have between them, kind by
// kind (outcomes, verdicts, actions, stage traces, symbol hits, their arrays, the session phases'
// outcomes): what bench/engine-peers.mjs `--shapes` prints after its passes. One class per kind
// keeps the sites that read them monomorphic; a kind with about as many classes as messages has
// objects built so that each gets one of its own (on Node 20: a spread that adds a key), and
// every site reading them goes megamorphic. An array's class is its elements kind (an empty `[]`
// is one of small integers until something is put in it), so arrays have a few.
import { setFlagsFromString } from "node:v8"

/** A counter: `record(outcome, phases)` for each message's outcome, `report()` the lines. */
export const shapeCounter = () => {
  // `%HaveSameMap` needs the flag when the function is parsed: set here, then the function made.
  setFlagsFromString("--allow-natives-syntax")
  const haveSameMap = new Function("a", "b", "return %HaveSameMap(a, b)")
  const kinds = new Map()
  const add = (kind, object, where) => {
    if (object === null || typeof object !== "object") return
    let classes = kinds.get(kind)
    if (classes === undefined) kinds.set(kind, (classes = []))
    for (const c of classes)
      if (haveSameMap(c.object, object)) {
        c.count++
        return
      }
    classes.push({ object, count: 1, where, keys: Array.isArray(object) ? "array" : Object.keys(object).join(",") })
  }
  const traces = (list, where) => {
    add(`${where} trace list`, list, where)
    for (const t of list) {
      add("stage trace", t, `${where} ${t.stage}`)
      add("stage trace's symbols", t.symbols, `${where} ${t.stage} (${t.symbols.length})`)
      for (const h of t.symbols) add("symbol hit", h, `${t.stage} ${h.name}`)
    }
  }
  const record = (outcome, phases) => {
    add("outcome", outcome, outcome.rule)
    add("verdict", outcome.verdict, outcome.rule)
    add("action", outcome.action, outcome.action._tag)
    add("verdict's symbols", outcome.verdict.symbols, `${outcome.verdict.symbols.length}`)
    traces(outcome.verdict.trace, "data")
    for (const [phase, p] of Object.entries(phases)) {
      add("phase outcome", p, phase)
      add("phase outcome's headers", p.headers, phase)
      traces(p.traces, phase)
    }
  }
  const report = () =>
    [...kinds].flatMap(([kind, classes]) => [
      `${kind}: ${classes.length} hidden class${classes.length === 1 ? "" : "es"} for ${classes.reduce((n, c) => n + c.count, 0)} objects`,
      ...classes
        .sort((a, b) => b.count - a.count)
        .slice(0, 4)
        .map((c) => `    ${c.count} × {${c.keys}}, first from ${c.where}`)
    ])
  return { record, report }
}
