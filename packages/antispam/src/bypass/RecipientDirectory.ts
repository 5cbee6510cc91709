/**
 * The recipient directory (`antispam.bypass.directory`): per recipient or per domain a
 * `bypassAntispam` flag, a `safeSenders` list and the recipient's own spam policy (`onSpam`,
 * `spamScore`, `subjectPrefix`). YAML (or JSON, which is YAML):
 *
 * ```yaml
 * recipients:
 *   "@example.org":                # every recipient of example.org (not its subdomains)
 *     onSpam: reject
 *     spamScore: 4
 *     safeSenders: [partner.example]
 *   ceo@example.org:
 *     onSpam: none                 # tagged only; spamScore 4 and partner.example from the domain
 *     subjectPrefix: "[SPAM]"
 *   alice@example.org:
 *     bypassAntispam: true
 *   bob@example.org:
 *     safeSenders: [friend@example.net]   # address or whole domain; merged with the domain's
 * ```
 *
 * How an address's entry and its domain's combine: `DirectoryLookup.ts`.
 *
 * Reloading: the file's modification time and size are checked at most once per
 * `checkIntervalMillis` (default 1000) when the directory is consulted (at the caller's time:
 * the stages pass the message's `Clock` time), so a change applies to
 * the next message without a restart, a watcher or a timer. A file that no longer parses
 * keeps the previous directory in force and logs the error (and retries on the next change);
 * so does a file caught mid-rewrite on a reload (empty, or changing while read).
 * A missing file at startup is an error; a file deleted later keeps the last directory.
 *
 * With shared state (Redis) the directory is a document of the list documents store instead
 * (`fromDocument`): an edit on any gateway reaches every gateway with the store's change message.
 * A document that disappears keeps the last directory, like a deleted file.
 *
 * @category services
 * @since 0.1.0
 */
import { readFileSync, statSync } from "node:fs"
import type { Engine, ListDocumentsShape } from "@mailmoat/core"
import { Clock, Effect } from "effect"
import { parse as parseYaml, stringify } from "yaml"
import * as DirectoryLookup from "./DirectoryLookup.ts"
import * as SubAddress from "./SubAddress.ts"
import type { DirectoryEntry, RecipientEntry } from "./DirectoryLookup.ts"

export type { DirectoryEntry, RecipientEntry } from "./DirectoryLookup.ts"

export interface Directory {
  /** What applies to the recipient (its entry merged with its domain's), as of the last `refresh`. */
  readonly get: (recipient: string) => RecipientEntry | undefined
  /** The recipient's own spam policy, as of the last `refresh`; undefined at once when no entry has one. */
  readonly policyOf: Engine.RecipientPolicies
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

const KEYS = new Set(["bypassAntispam", "safeSenders", "onSpam", "spamScore", "subjectPrefix"])
const ON_SPAM = new Set(["none", "quarantine", "reject", "drop"])
/** A subject prefix goes into a header: one line of printable text. */
const PREFIX_MAX = 100

/** The entry key: an address, or `@domain` for every recipient of that domain (`DirectoryLookup.canonical`). */
const keyOf = (raw: string, where: string): string => {
  const key = DirectoryLookup.canonical(raw)
  if (key.startsWith("@")) {
    if (!/^@[^\s@]+$/.test(key)) throw new Error(`${where}: expected @domain`)
  } else if (!key.includes("@")) throw new Error(`${where}: not a mail address or @domain`)
  return key
}

const entryOf = (raw: unknown, where: string): DirectoryEntry => {
  const v = (raw ?? {}) as Record<string, unknown>
  if (typeof v !== "object" || Array.isArray(v)) throw new Error(`${where}: expected a map`)
  for (const k of Object.keys(v)) if (!KEYS.has(k)) throw new Error(`${where}: unknown key "${k}"`)
  if (v.bypassAntispam !== undefined && typeof v.bypassAntispam !== "boolean")
    throw new Error(`${where}.bypassAntispam: expected true or false`)
  const ss = v.safeSenders ?? []
  const safeSenders = Array.isArray(ss)
    ? ss.map((s: unknown) => (typeof s === "string" ? s.trim().toLowerCase().replace(/^@+/, "") : ""))
    : []
  if (!Array.isArray(ss) || safeSenders.some((s) => s.length === 0))
    throw new Error(`${where}.safeSenders: expected a list of addresses or domains`)
  if (v.onSpam !== undefined && !ON_SPAM.has(v.onSpam as string))
    throw new Error(`${where}.onSpam: expected none, quarantine, reject or drop`)
  // The bounds of `antispam.spamScore`: a negative cut-off makes every message spam, ham
  // included, which with `onSpam: reject` refuses all of the recipient's mail.
  if (
    v.spamScore !== undefined &&
    !(typeof v.spamScore === "number" && Number.isFinite(v.spamScore) && v.spamScore >= 0)
  )
    throw new Error(`${where}.spamScore: expected a number >= 0`)
  const prefix = v.subjectPrefix
  if (
    prefix !== undefined &&
    !(typeof prefix === "string" && prefix.length > 0 && prefix.length <= PREFIX_MAX && !/[\x00-\x1f\x7f]/.test(prefix))
  )
    throw new Error(`${where}.subjectPrefix: expected one line of text (at most ${PREFIX_MAX} characters)`)
  return {
    bypassAntispam: v.bypassAntispam as boolean | undefined,
    safeSenders,
    onSpam: v.onSpam as DirectoryEntry["onSpam"],
    spamScore: v.spamScore as number | undefined,
    subjectPrefix: prefix as string | undefined
  }
}

const yamlOf = (text: string): unknown => {
  try {
    // "error": warnings are not printed; every error throws.
    return parseYaml(text, { logLevel: "error" })
  } catch (e) {
    throw new Error(`directory: not YAML: ${(e as Error).message}`)
  }
}

/** Parses directory text into its entries as written (keys lower-case); throws an Error naming the bad path. */
export const parseDirectory = (text: string): ReadonlyMap<string, DirectoryEntry> => {
  const doc = yamlOf(text)
  const root =
    doc !== null && typeof doc === "object" && "recipients" in doc ? (doc as { recipients: unknown }).recipients : doc
  if (root === null || root === undefined) return new Map()
  if (typeof root !== "object" || Array.isArray(root)) throw new Error("directory: expected a map of recipients")
  const out = new Map<string, DirectoryEntry>()
  const written = new Map<string, string>()
  for (const [addr, raw] of Object.entries(root as Record<string, unknown>)) {
    const where = `directory.recipients["${addr}"]`
    const key = keyOf(addr, where)
    // Two spellings of one mailbox (`CEO@`, `ceo@`): the later would silently replace the
    // earlier, policy and all.
    const first = written.get(key)
    if (first !== undefined) throw new Error(`${where}: the same recipient as "${first}"`)
    written.set(key, addr)
    out.set(key, entryOf(raw, where))
  }
  return out
}

/** Directory text for `entries` (what `parseDirectory` reads back as the same entries). */
export const formatDirectory = (entries: ReadonlyMap<string, DirectoryEntry>): string => {
  const recipients: Record<string, Record<string, unknown>> = {}
  for (const [key, e] of entries) {
    const written: Record<string, unknown> = {}
    if (e.bypassAntispam !== undefined) written.bypassAntispam = e.bypassAntispam
    if (e.safeSenders.length > 0) written.safeSenders = [...e.safeSenders]
    if (e.onSpam !== undefined) written.onSpam = e.onSpam
    if (e.spamScore !== undefined) written.spamScore = e.spamScore
    if (e.subjectPrefix !== undefined) written.subjectPrefix = e.subjectPrefix
    Object.defineProperty(recipients, key, { value: written, enumerable: true, writable: true, configurable: true })
  }
  return stringify({ recipients })
}

/**
 * True when `sender` (an address) matches an entry: the address itself, the address it is a
 * sub-address of under `delimiters` (`antispam.recipientDelimiter`), or its domain or a parent
 * domain.
 */
export const isSafeSender = (
  entry: RecipientEntry,
  sender: string,
  delimiters: string = SubAddress.DEFAULT_DELIMITER
): string | undefined => {
  const s = sender.trim().toLowerCase()
  if (s.length === 0) return undefined
  if (entry.safeSenders.includes(s)) return s
  const folded = SubAddress.base(s, delimiters)
  if (folded !== undefined && entry.safeSenders.includes(folded)) return folded
  const domain = s.slice(s.lastIndexOf("@") + 1)
  const labels = domain.split(".")
  for (let i = 0; i < labels.length - 1; i++) {
    const d = labels.slice(i).join(".")
    if (entry.safeSenders.includes(d)) return d
  }
  return undefined
}

/** A directory held as a document of a list documents store (`fromDocument`). */
export interface DirectoryDocument {
  readonly documents: ListDocumentsShape
  readonly name: string
}

export interface DirectoryOptions {
  /** Sub-address delimiters (`antispam.recipientDelimiter`, `SubAddress.ts`); default `+`, empty: none. */
  readonly recipientDelimiter?: string | undefined
}

export interface FileDirectoryOptions extends DirectoryOptions {
  readonly checkIntervalMillis?: number | undefined
}

const lookupOf = (entries: ReadonlyMap<string, DirectoryEntry>, options: DirectoryOptions): DirectoryLookup.Lookup =>
  DirectoryLookup.make(entries, options.recipientDelimiter ?? SubAddress.DEFAULT_DELIMITER)

/** Loads `path` now (throws if it cannot) and reloads it on change. */
export const fromFile = (path: string, options: FileDirectoryOptions = {}): Directory => {
  const interval = options.checkIntervalMillis ?? 1000
  const stamp = () => {
    const st = statSync(path)
    return `${st.mtimeMs}:${st.size}:${st.ino}`
  }
  let current = lookupOf(parseDirectory(readFileSync(path, "utf8")), options)
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
      const text = readFileSync(path, "utf8")
      // A file rewritten in place (truncated, then written) can be read in between: empty, or
      // still growing. Either would drop entries (a domain's reject policy, a bypass) until the
      // next change; the next check reads the finished file.
      if (stamp() !== s) throw new Error("changed while being read")
      if (text.trim() === "")
        throw new Error('empty (being rewritten?); an empty directory is written "recipients: {}"')
      current = lookupOf(parseDirectory(text), options)
      generation++
      lastError = undefined
      return Effect.logInfo(`recipient directory ${path} reloaded (${current.size} recipients)`)
    } catch (e) {
      return problem(e)
    }
  }

  return {
    get: (recipient) => current.get(recipient),
    policyOf: (recipient) => current.policyOf(recipient),
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
export const fromDocument = (
  documents: ListDocumentsShape,
  name: string,
  options: DirectoryOptions = {}
): Directory => {
  let seen: string | undefined
  let current = lookupOf(new Map(), options)
  let generation = 0
  let lastError: string | undefined
  // The store's stamp is a memory read (its copy is kept current by change messages): no throttle.
  const check = Effect.suspend((): Effect.Effect<void> => {
    const stamp = documents.stamp(name)
    if (stamp === seen) return Effect.void
    const previous = seen
    seen = stamp
    // A document that disappears (Redis restarted empty, the key evicted) is not an edit: every
    // edit writes a whole text. Like a deleted file, it keeps the directory in force.
    if (stamp === undefined && previous !== undefined) {
      lastError = `directory (${documents.describe}): the document is gone; keeping the previous directory`
      return Effect.logWarning(lastError)
    }
    try {
      current = lookupOf(parseDirectory(documents.read(name) ?? "recipients: {}\n"), options)
      generation++
      lastError = undefined
      return Effect.logInfo(`recipient directory (${documents.describe}) reloaded (${current.size} recipients)`)
    } catch (e) {
      lastError = `directory (${documents.describe}): ${(e as Error).message}; keeping the previous directory`
      return Effect.logWarning(lastError)
    }
  })
  return {
    get: (recipient) => current.get(recipient),
    policyOf: (recipient) => current.policyOf(recipient),
    refresh: check,
    generation: () => generation,
    lastError: () => lastError
  }
}

/** A fixed directory (tests, CLI): entries as `parseDirectory` gives them. */
export const fromMap = (entries: ReadonlyMap<string, DirectoryEntry>, options: DirectoryOptions = {}): Directory => {
  const lookup = lookupOf(entries, options)
  return {
    get: lookup.get,
    policyOf: lookup.policyOf,
    refresh: Effect.void,
    generation: () => 1,
    lastError: () => undefined
  }
}
