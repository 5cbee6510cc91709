/**
 * The one I/O of the configuration loader: reading the file as UTF-8. `node:fs` is available on
 * Node, Bun and Deno, so this stays the only runtime-specific line of the module.
 *
 * @category constructors
 * @since 0.1.0
 */
import { readFileSync } from "node:fs"

export const readText = (file: string): { readonly ok: true; readonly text: string } | { readonly ok: false; readonly error: string } => {
  try {
    return { ok: true, text: readFileSync(file, "utf8") }
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) }
  }
}
