/**
 * The list file format of `mailmoat lists import|export KIND`: one entry per line, `#` starts a
 * comment (whole line or after the entry), blank lines are ignored. Entries are validated and
 * normalised per kind; duplicates are dropped (first one kept).
 *
 * Kinds: `rbl` and `dnsbl` (zones, `zone` or `zone:127.0.0.x`), `enduser` (IP / CIDR, address
 * or domain), `allowedIps` (IP / CIDR).
 *
 * All or nothing: if any line is bad, `parseListFile` returns every bad line with its number
 * and no entries, so an import never half-applies.
 *
 * @category models
 * @since 0.1.0
 */
import * as EndUserList from "../enduser/EndUserList.ts"
import * as CidrSet from "../net/CidrSet.ts"
import * as DnsZoneProvider from "../rbl/DnsZoneProvider.ts"

export const listKinds = ["rbl", "dnsbl", "enduser", "allowedIps"] as const
export type ListKind = (typeof listKinds)[number]

export const isListKind = (s: string): s is ListKind => (listKinds as ReadonlyArray<string>).includes(s)

export interface LineError {
  readonly line: number
  readonly text: string
  readonly message: string
}

export type ParseResult =
  | { readonly ok: true; readonly entries: ReadonlyArray<string> }
  | { readonly ok: false; readonly errors: ReadonlyArray<LineError> }

/** Validates and normalises one entry of a kind; throws with the reason. */
export const normaliseEntry = (kind: ListKind, entry: string): string => {
  // `#` starts a comment and whitespace separates entries: neither can be part of an entry.
  if (/[#\s]/.test(entry.trim())) throw new Error(`"${entry}": an entry cannot contain "#" or spaces`)
  switch (kind) {
    case "rbl":
    case "dnsbl":
      return DnsZoneProvider.parseZoneSpec(entry).text
    case "enduser":
      return EndUserList.parseEntry(entry).value
    case "allowedIps":
      return CidrSet.parseNetwork(entry).text
  }
}

export const parseListFile = (kind: ListKind, text: string): ParseResult => {
  const entries: Array<string> = []
  const seen = new Set<string>()
  const errors: Array<LineError> = []
  const lines = text.split(/\r?\n/)
  lines.forEach((raw, i) => {
    const hash = raw.indexOf("#")
    const body = (hash < 0 ? raw : raw.slice(0, hash)).trim()
    if (body.length === 0) return
    if (/\s/.test(body)) {
      errors.push({ line: i + 1, text: raw, message: "one entry per line (found spaces inside the entry)" })
      return
    }
    try {
      const v = normaliseEntry(kind, body)
      if (!seen.has(v)) {
        seen.add(v)
        entries.push(v)
      }
    } catch (e) {
      errors.push({ line: i + 1, text: raw, message: (e as Error).message })
    }
  })
  return errors.length > 0 ? { ok: false, errors } : { ok: true, entries }
}

/** Writes entries one per line under a comment header. */
export const formatListFile = (kind: ListKind, entries: ReadonlyArray<string>): string =>
  [`# mailmoat ${kind} list: one entry per line, # starts a comment`, ...entries].join("\n") + "\n"

/** Renders parse errors the way the CLI prints them (`line 3: "x" ...`). */
export const formatErrors = (errors: ReadonlyArray<LineError>): string =>
  errors.map((e) => `line ${e.line}: ${JSON.stringify(e.text.trim())}: ${e.message}`).join("\n")
