/**
 * Where imported lists are kept (`mailmoat lists import|export`): one text document per list
 * kind, replaced whole. The store knows nothing of the list format; antispam's `ListStore`
 * validates before writing and parses what it reads. The embedded store (files under
 * `dataDir/lists`) is in `@mailmoat/platform-node`; the memory store here serves tests and
 * the CLI without a data directory.
 *
 * The calls are synchronous because the lists are consulted on every message from a cache that
 * only asks `stamp` (cheap) and re-reads when it changed. A store whose documents live elsewhere
 * (Redis) keeps a local copy for these calls and stores a write in the background: `settled`
 * says when (and whether) it got there.
 *
 * @category services
 * @since 0.1.0
 */
import { Context, Layer } from "effect"

export interface ListDocumentsShape {
  /** A value that changes whenever the document changes; `undefined` when there is none. */
  readonly stamp: (name: string) => string | undefined
  /** The document's text; `undefined` when there is none. */
  readonly read: (name: string) => string | undefined
  /**
   * Replaces the document atomically (a reader sees the old or the new text, never a mix). A
   * shared store replaces it only if it is still the one `read` gave, else `settled` rejects
   * with `ListDocumentChanged`.
   */
  readonly write: (name: string, text: string) => void
  /** Resolves when every write so far is stored where every reader sees it; rejects if one was refused. Absent: writes are stored when `write` returns. */
  readonly settled?: (() => Promise<void>) | undefined
  /** True when `stamp` reads memory only (no I/O), so callers need not throttle it. */
  readonly stampIsLocal?: boolean | undefined
  readonly describe: string
}

/**
 * A write refused because the stored document is no longer the one the writer's copy was read
 * from (another gateway wrote it meanwhile, or the store lost it). The writer's copy has been
 * read again: redo the edit on it. Without this check an edit made from a stale copy would
 * replace the other gateway's edit.
 */
export class ListDocumentChanged extends Error {
  readonly _tag = "ListDocumentChanged"
  constructor(readonly document: string) {
    super(`the list document ${document} changed meanwhile (another gateway wrote it); edit it again`)
    this.name = "ListDocumentChanged"
  }
}

/** True for a `ListDocumentChanged` (by tag: the check holds across copies of this package). */
export const isListDocumentChanged = (error: unknown): error is ListDocumentChanged =>
  typeof error === "object" && error !== null && (error as { _tag?: unknown })._tag === "ListDocumentChanged"

export class ListDocuments extends Context.Service<ListDocuments, ListDocumentsShape>()(
  "@mailmoat/core/ListDocuments"
) {}

export const makeMemory = (): ListDocumentsShape => {
  const docs = new Map<string, { text: string; version: number }>()
  let version = 0
  return {
    describe: "memory",
    stampIsLocal: true,
    stamp: (name) => {
      const d = docs.get(name)
      return d === undefined ? undefined : String(d.version)
    },
    read: (name) => docs.get(name)?.text,
    write: (name, text) => {
      docs.set(name, { text, version: ++version })
    }
  }
}

export const layerMemory: Layer.Layer<ListDocuments> = Layer.sync(ListDocuments, () => makeMemory())
