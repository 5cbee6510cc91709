/**
 * The recipient directory (`antispam.bypass.directory`): per recipient, a `bypassAntispam`
 * flag and a `safeSenders` list. YAML (or JSON, which is YAML):
 *
 * ```yaml
 * recipients:
 *   alice@example.org:
 *     bypassAntispam: true
 *   bob@example.org:
 *     safeSenders: [friend@example.net, partner.example]   # address or whole domain
 * ```
 *
 * Reloading: the file's modification time and size are checked at most once per
 * `checkIntervalMillis` (default 1000) when the directory is consulted (at the caller's time:
 * the stages pass the message's `Clock` time), so a change applies to
 * the next message without a restart, a watcher or a timer. A file that no longer parses
 * keeps the previous directory in force and logs the error (and retries on the next change).
 * A missing file at startup is an error; a file deleted later keeps the last directory.
 *
 * With shared state (Redis) the directory is a document of the list documents store instead
 * (`fromDocument`): an edit on any gateway reaches every gateway with the store's change message.
 *
 * @category services
 * @since 0.1.0
 */
import { readFileSync, statSync } from "node:fs"
import type { ListDocumentsShape } from "@mailmoat/core"
import { Clock, Effect } from "effect"
import { parse as parseYaml } from "yaml"

export interface RecipientEntry {
  readonly bypassAntispam: boolean
  /** Lower-case addresses and domains. */
  readonly safeSenders: ReadonlyArray<string>
}

export interface Directory {
  /** The recipient's entry, as of the last `refresh`. */
  readonly get: (recipient: string) => RecipientEntry | undefined
  /**
   * Looks at the source at most once per check interval (the fiber's `Clock`) and reloads it
   * when it changed; a reload is logged (info), a problem too (warning, the previous directory
   * is kept). The stages run it before they look recipients up.
   */
  readonly refresh: Effect.Effect<void>
  /** Number of successful loads, for tests and status. */
  readonly generation: () => number
  readonly lastError: () => string | undefined
}

/** Parses directory text; throws an Error naming the bad path. */
export const parseDirectory = (text: string): ReadonlyMap<string, RecipientEntry> => {
  const doc = parseYaml(text) as unknown
  const root =
    doc !== null && typeof doc === "object" && "recipients" in doc ? (doc as { recipients: unknown }).recipients : doc
  if (root === null || root === undefined) return new Map()
  if (typeof root !== "object" || Array.isArray(root)) throw new Error("directory: expected a map of recipients")
  const out = new Map<string, RecipientEntry>()
  for (const [addr, raw] of Object.entries(root as Record<string, unknown>)) {
    const where = `directory.recipients["${addr}"]`
    if (!addr.includes("@")) throw new Error(`${where}: not a mail address`)
    const v = (raw ?? {}) as Record<string, unknown>
    if (typeof v !== "object" || Array.isArray(v)) throw new Error(`${where}: expected a map`)
    for (const k of Object.keys(v))
      if (k !== "bypassAntispam" && k !== "safeSenders") throw new Error(`${where}: unknown key "${k}"`)
    if (v.bypassAntispam !== undefined && typeof v.bypassAntispam !== "boolean")
      throw new Error(`${where}.bypassAntispam: expected true or false`)
    const ss = v.safeSenders ?? []
    if (!Array.isArray(ss) || !ss.every((s) => typeof s === "string" && s.trim().length > 0))
      throw new Error(`${where}.safeSenders: expected a list of addresses or domains`)
    out.set(addr.trim().toLowerCase(), {
      bypassAntispam: v.bypassAntispam === true,
      safeSenders: ss.map((s: string) => s.trim().toLowerCase().replace(/^@/, ""))
    })
  }
  return out
}

/** True when `sender` (an address) matches an entry: the address itself, or its domain or a parent domain. */
export const isSafeSender = (entry: RecipientEntry, sender: string): string | undefined => {
  const s = sender.trim().toLowerCase()
  if (s.length === 0) return undefined
  if (entry.safeSenders.includes(s)) return s
  const domain = s.slice(s.lastIndexOf("@") + 1)
  const labels = domain.split(".")
  for (let i = 0; i < labels.length - 1; i++) {
    const d = labels.slice(i).join(".")
    if (entry.safeSenders.includes(d)) return d
  }
  return undefined
}

export interface FileDirectoryOptions {
  readonly checkIntervalMillis?: number | undefined
}

/** Loads `path` now (throws if it cannot) and reloads it on change. */
export const fromFile = (path: string, options: FileDirectoryOptions = {}): Directory => {
  const interval = options.checkIntervalMillis ?? 1000
  const stamp = () => {
    const st = statSync(path)
    return `${st.mtimeMs}:${st.size}:${st.ino}`
  }
  let current = parseDirectory(readFileSync(path, "utf8"))
  let seen = stamp()
  let checkedAt: number | undefined
  let generation = 1
  let lastError: string | undefined

  const problem = (e: unknown): Effect.Effect<void> => {
    lastError = `directory ${path}: ${(e as Error).message}; keeping the previous directory`
    return Effect.logWarning(lastError)
  }

  const check = (at: number): Effect.Effect<void> => {
    if (checkedAt !== undefined && at - checkedAt < interval) return Effect.void
    checkedAt = at
    let s: string
    try {
      s = stamp()
    } catch (e) {
      return problem(e)
    }
    if (s === seen) return Effect.void
    seen = s
    try {
      current = parseDirectory(readFileSync(path, "utf8"))
      generation++
      lastError = undefined
      return Effect.logInfo(`recipient directory ${path} reloaded (${current.size} recipients)`)
    } catch (e) {
      return problem(e)
    }
  }

  return {
    get: (recipient) => current.get(recipient.trim().toLowerCase()),
    refresh: Effect.flatMap(Clock.currentTimeMillis, check),
    generation: () => generation,
    lastError: () => lastError
  }
}

/**
 * The directory held as the document `name` of a list documents store (Redis, shared by a
 * fleet): re-parsed when the document's stamp changes; a text that no longer parses keeps the
 * previous directory in force, like the file. No document yet: an empty directory.
 */
export const fromDocument = (documents: ListDocumentsShape, name: string): Directory => {
  let seen: string | undefined
  let current: ReadonlyMap<string, RecipientEntry> = new Map()
  let generation = 0
  let lastError: string | undefined
  // The store's stamp is a memory read (its copy is kept current by change messages): no throttle.
  const check = Effect.suspend((): Effect.Effect<void> => {
    const stamp = documents.stamp(name)
    if (stamp === seen) return Effect.void
    seen = stamp
    try {
      current = parseDirectory(documents.read(name) ?? "recipients: {}\n")
      generation++
      lastError = undefined
      return Effect.logInfo(`recipient directory (${documents.describe}) reloaded (${current.size} recipients)`)
    } catch (e) {
      lastError = `directory (${documents.describe}): ${(e as Error).message}; keeping the previous directory`
      return Effect.logWarning(lastError)
    }
  })
  return {
    get: (recipient) => current.get(recipient.trim().toLowerCase()),
    refresh: check,
    generation: () => generation,
    lastError: () => lastError
  }
}

/** A fixed directory (tests, CLI). */
export const fromMap = (entries: ReadonlyMap<string, RecipientEntry>): Directory => ({
  get: (r) => entries.get(r.trim().toLowerCase()),
  refresh: Effect.void,
  generation: () => 1,
  lastError: () => undefined
})
