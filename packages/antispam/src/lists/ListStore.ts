/**
 * Store-backed lists for `mailmoat lists import|export`: one document per kind in the list file
 * format, kept by a `ListDocuments` store (files under `dataDir/lists` from
 * `@mailmoat/platform-node`, or memory). The antispam module adds these entries to the
 * ones in the configuration (RBL/DNSBL zones, end-user entries, allowed IPs) and picks up a new
 * import on the next message.
 *
 * A store whose stamp is a memory read (memory, Redis with its local copy) is asked on every
 * call; files at most once a second.
 *
 * `importList` replaces the stored list atomically (the store's `write`) only if every line is
 * valid; otherwise it throws `ListImportError` carrying each bad line's number and nothing is
 * written.
 *
 * @category services
 * @since 0.1.0
 */
import type { ListDocumentsShape } from "@mailmoat/core"
import { formatErrors, formatListFile, type LineError, type ListKind, parseListFile } from "./ListFile.ts"

export class ListImportError extends Error {
  constructor(
    readonly kind: ListKind,
    readonly errors: ReadonlyArray<LineError>
  ) {
    super(`lists import ${kind}: nothing imported\n${formatErrors(errors)}`)
    this.name = "ListImportError"
  }
}

export interface ListStore {
  /** Validates `text` and replaces the stored list; returns the number of entries. */
  readonly importList: (kind: ListKind, text: string) => number
  /** The stored list in the list file format (empty list when nothing was imported). */
  readonly exportList: (kind: ListKind) => string
  /**
   * The stored entries (re-read when the document changed); the same array while it has not.
   * `at` (epoch ms, from the caller's `Clock`): the per-message path passes it and the store
   * looks at the files at most once a second; without it (status, admin) it looks now.
   */
  readonly entries: (kind: ListKind, at?: number) => ReadonlyArray<string>
  /** Resolves when every import so far is stored where every gateway reads it (Redis); rejects if one was refused. */
  readonly settled: () => Promise<void>
}

/** One empty list, so "nothing stored" is the same array every time (callers compare by identity). */
const EMPTY: ReadonlyArray<string> = []

export const make = (documents: ListDocumentsShape): ListStore => {
  const cache = new Map<ListKind, { stamp: string; entries: ReadonlyArray<string> }>()
  // The lists are read on every message: look at the files at most once a second (an import
  // through this store applies at once, an edit by hand within a second).
  const checked = new Map<ListKind, { at: number; entries: ReadonlyArray<string> }>()
  const entries = (kind: ListKind, at?: number): ReadonlyArray<string> => {
    if (at === undefined || documents.stampIsLocal === true) return read(kind)
    const recent = checked.get(kind)
    if (recent !== undefined && at - recent.at < 1000) return recent.entries
    const current = read(kind)
    checked.set(kind, { at, entries: current })
    return current
  }
  const read = (kind: ListKind): ReadonlyArray<string> => {
    const stamp = documents.stamp(kind)
    if (stamp === undefined) return EMPTY
    const hit = cache.get(kind)
    if (hit?.stamp === stamp) return hit.entries
    const text = documents.read(kind)
    if (text === undefined) return EMPTY
    const parsed = parseListFile(kind, text)
    // A stored file is written only after validation; if someone broke it by hand, say so.
    if (!parsed.ok) throw new ListImportError(kind, parsed.errors)
    cache.set(kind, { stamp, entries: parsed.entries })
    return parsed.entries
  }
  return {
    importList: (kind, text) => {
      const parsed = parseListFile(kind, text)
      if (!parsed.ok) throw new ListImportError(kind, parsed.errors)
      documents.write(kind, formatListFile(kind, parsed.entries))
      checked.delete(kind)
      return parsed.entries.length
    },
    exportList: (kind) => formatListFile(kind, entries(kind)),
    entries,
    settled: async () => {
      await documents.settled?.()
    }
  }
}
