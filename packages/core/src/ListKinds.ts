/**
 * Lists of one elements kind: the message path's arrays of objects or strings (symbols, traces,
 * stage runs, lookup records, header changes) made empty or of a given length in the kind V8
 * gives a filled array of objects (`PACKED_ELEMENTS`).
 *
 * An array's hidden class (map) is its elements kind. An empty literal `[]` that is never filled
 * (and `.map` of an empty array) is an array of small integers (`PACKED_SMI_ELEMENTS`), a frozen
 * one a kind of its own, `new Array(n)` an array with holes (`HOLEY_ELEMENTS`) however it is
 * filled: a `for...of`, `.length`, `.every` or `.map` that TurboFan optimised on one kind throws its
 * code away ("wrong map") the first time it meets another, and V8 compiles the function again. In
 * the gateway's first 2,000 messages ~40 functions were compiled again so, each a TurboFan job of
 * ~2.5 ms, most of them at a loop that met a list of another kind late (docs/performance.md, "The
 * first run's compilations by function, 2026-12-08 small hours"). Kinds only ever widen, so an
 * array made with an `undefined` element and emptied, or grown by `push`, keeps the general kind.
 *
 * **Gotchas**
 * `EMPTY_LIST` is shared and not frozen (freezing would give it a kind of its own): it is typed
 * read-only, and nothing may push to it; `emptyList()` makes one to fill.
 *
 * @category constructors
 * @since 0.5.0
 */

/** A new empty array of the general elements kind, to fill. */
export const emptyList = <A>(): Array<A> => {
  const list: Array<unknown> = [undefined]
  list.pop()
  return list as Array<A>
}

/** The shared empty array of the general elements kind: typed read-only, never written. */
export const EMPTY_LIST: ReadonlyArray<never> = emptyList<never>()

/**
 * A new array of `length` slots holding `undefined`, without holes (unlike `new Array(length)`),
 * to fill by index.
 */
export const listOfLength = <A>(length: number): Array<A | undefined> => {
  const list = emptyList<A | undefined>()
  for (let i = 0; i < length; i++) list.push(undefined)
  return list
}
