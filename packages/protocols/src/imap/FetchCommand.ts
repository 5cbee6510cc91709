/**
 * Reads a client's `FETCH` / `UID FETCH` command line far enough to tell which message parts it
 * asks for: the items a whole-message scan does not cover (partial fetches, sections) and, for
 * each, the name the server will answer it under (RFC 9051 §7.5.2: `BODY.PEEK[...]` is answered
 * as `BODY[...]`, a partial `<o.n>` as `<o>`).
 *
 * - `content`: items that carry message content: a partial of the whole message
 *   (`BODY[]<o.n>`, `BINARY[]<o.n>`), `TEXT`, a numbered part (`1`, `2.1.TEXT`, `BINARY[1]`) and
 *   `RFC822.TEXT`. A client (or a message built to be read in pieces) gets content through these
 *   without the whole-message scan seeing it.
 * - `header`: the top-level header alone (`HEADER`, `HEADER.FIELDS (...)`, `.NOT`,
 *   `RFC822.HEADER`): what a client's message list shows.
 *
 * **Gotchas**
 * - A line that is not a FETCH, or whose item list does not parse, is `undefined`: the proxy
 *   passes it on as it is.
 * - Section names are upper-cased and their spaces collapsed, as Dovecot echoes them; a server
 *   that names a section differently has its answer passed through.
 *
 * @category models
 * @since 0.1.0
 */

export interface FetchItem {
  /** The name the server answers under, upper-case (`BODY[1]<0>`, `RFC822.TEXT`). */
  readonly name: string
  readonly kind: "whole" | "content" | "header" | "other"
  /** The section between the brackets (`BODY[...]`, `BINARY[...]`), upper-case. */
  readonly section: string | undefined
  /** `<o.n>`: the octets asked for. */
  readonly partial: { readonly origin: number; readonly length: number } | undefined
}

export interface FetchCommand {
  readonly tag: string
  readonly uid: boolean
  /** The sequence set as the client wrote it. */
  readonly set: string
  readonly items: ReadonlyArray<FetchItem>
}

const HEAD = /^([^ \r\n]+) (UID )?FETCH ([0-9:*,$]+) (.*)$/i
const SECTIONED = /^(BODY|BODY\.PEEK|BINARY|BINARY\.PEEK)\[([^\]]*)\](?:<(\d{1,15})\.(\d{1,15})>)?$/
const HEADER_ONLY = /^HEADER(?:\.FIELDS(?:\.NOT)? \(.*\))?$/

/** The item tokens of `text`: one item, or a parenthesised list (a section may hold spaces). */
const itemTokens = (text: string): Array<string> | undefined => {
  const listed = text.startsWith("(")
  const tokens: Array<string> = []
  let token = ""
  let bracket = 0
  for (let i = listed ? 1 : 0; i < text.length; i++) {
    const c = text[i]!
    if (bracket > 0) {
      if (c === "[") bracket++
      else if (c === "]") bracket--
      token += c
      continue
    }
    if (c === "[") {
      bracket = 1
      token += c
    } else if (c === " " || (c === ")" && listed)) {
      if (token !== "") tokens.push(token)
      token = ""
      // What follows the list is FETCH modifiers (RFC 7162 CHANGEDSINCE): not items.
      if (c === ")") return tokens
      if (!listed) return tokens
    } else token += c
  }
  if (listed || bracket > 0) return undefined
  if (token !== "") tokens.push(token)
  return tokens
}

const classify = (token: string): FetchItem => {
  const upper = token.toUpperCase().replace(/\s+/g, " ")
  if (upper === "RFC822.TEXT") return { name: upper, kind: "content", section: undefined, partial: undefined }
  if (upper === "RFC822.HEADER") return { name: upper, kind: "header", section: undefined, partial: undefined }
  if (upper === "RFC822") return { name: upper, kind: "whole", section: undefined, partial: undefined }
  const m = SECTIONED.exec(upper)
  if (m === null) return { name: upper, kind: "other", section: undefined, partial: undefined }
  const base = m[1]!.replace(".PEEK", "")
  const section = m[2]!
  const partial = m[3] === undefined ? undefined : { origin: Number(m[3]), length: Number(m[4]) }
  const name = `${base}[${section}]${partial === undefined ? "" : `<${partial.origin}>`}`
  const kind =
    section === "" ? (partial === undefined ? "whole" : "content") : HEADER_ONLY.test(section) ? "header" : "content"
  return { name, kind, section, partial }
}

/** The FETCH command in `line` (CRLF included or not), or undefined. */
export const parseFetchCommand = (line: string): FetchCommand | undefined => {
  const m = HEAD.exec(line.replace(/\r?\n$/, ""))
  if (m === null) return undefined
  const tokens = itemTokens(m[4]!)
  if (tokens === undefined || tokens.length === 0) return undefined
  return { tag: m[1]!, uid: m[2] !== undefined, set: m[3]!, items: tokens.map(classify) }
}

/** Whether the command reads content the whole-message scan would not see. */
export const readsContent = (command: FetchCommand): boolean => command.items.some((i) => i.kind === "content")

/** Whether the answer may carry items the proxy serves from a rewritten message. */
export const readsSections = (command: FetchCommand): boolean =>
  command.items.some((i) => i.kind === "content" || i.kind === "header")
