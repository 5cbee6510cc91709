/**
 * YAML (and JSON, which is YAML) text to a plain value. Syntax errors are reported one per line
 * as `<source>:<line>: <message> (column <n>)`; nothing here throws.
 *
 * @category constructors
 * @since 0.1.0
 */
import { parseDocument } from "yaml"

export type Parsed =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly problems: ReadonlyArray<string> }

/** `Nested mappings are not allowed ... at line 2, column 9:\n...` -> the first sentence only. */
const firstSentence = (message: string): string =>
  (message.split("\n")[0] ?? "").replace(/ at line \d+, column \d+:?\s*$/, "")

export const parse = (text: string, source: string): Parsed => {
  try {
    const doc = parseDocument(text, { prettyErrors: true })
    if (doc.errors.length > 0) {
      return {
        ok: false,
        problems: doc.errors.map((e) => {
          const at = e.linePos?.[0]
          return at
            ? `${source}:${at.line}: ${firstSentence(e.message)} (column ${at.col})`
            : `${source}: ${firstSentence(e.message)}`
        })
      }
    }
    return { ok: true, value: doc.toJS({ maxAliasCount: 100 }) }
  } catch (error) {
    // toJS throws on unresolved or exploding aliases.
    return {
      ok: false,
      problems: [`${source}: ${error instanceof Error ? firstSentence(error.message) : String(error)}`]
    }
  }
}
