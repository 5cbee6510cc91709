/**
 * The `Authentication-Results` header (RFC 8601) we add to a scanned message, and the test for
 * an incoming one that claims our authserv-id (RFC 8601 §5: such a header was forged, or is
 * ours from an earlier pass, and must not reach the recipient's reader).
 *
 * The value is folded after every result (`;` CRLF TAB), so each line stays well under the
 * RFC 5322 line limit: comments are cut to 100 characters and at most 8 DKIM signatures are
 * listed.
 *
 * @category models
 * @since 0.1.0
 */
import type { AuthFacts, DkimFact, SpfFact } from "./AuthFacts.ts"

const MAX_SIGNATURES = 8

const COMMENT_MAX = 100

/**
 * RFC 8601 §2.2 comment text: control characters turned into spaces, cut to 100 characters,
 * parentheses and backslashes escaped. Most comments (mailauth's SPF and DKIM reasons) need
 * none of that: one char-code scan returns them as they are, instead of two regular-expression
 * passes and a slice for every result of every message.
 */
const commentText = (text: string): string => {
  const end = Math.min(text.length, COMMENT_MAX)
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i)
    if (c < 0x20 || c === 0x7f || c === 0x28 || c === 0x29 || c === 0x5c)
      return text
        .replace(/[\x00-\x1f\x7f]/g, " ")
        .slice(0, COMMENT_MAX)
        .replace(/[()\\]/g, "\\$&")
  }
  return end === text.length ? text : text.slice(0, COMMENT_MAX)
}

const comment = (text: string | undefined): string => (text ? ` (${commentText(text)})` : "")

/** A property value: a token as is, anything else as an RFC 2045 quoted-string. */
const pvalue = (v: string): string =>
  /^[A-Za-z0-9!#$%&'*+\-.^_`{|}~@]+$/.test(v) ? v : `"${v.replace(/[\x00-\x1f\x7f]/g, "").replace(/["\\]/g, "\\$&")}"`

const spfEntry = (s: SpfFact): string =>
  `spf=${s.result}${comment(s.comment)} smtp.${s.scope}=${pvalue(s.identity || s.domain)}`

const dkimEntry = (d: DkimFact): string =>
  `dkim=${d.result}${comment(d.comment)} header.d=${pvalue(d.domain)} header.s=${pvalue(d.selector)}${d.algorithm ? ` header.a=${pvalue(d.algorithm)}` : ""}${d.signature ? ` header.b=${pvalue(d.signature)}` : ""}`

/**
 * The header's value (without `Authentication-Results:`). `separator` goes between results:
 * the default folds after each; "; " gives one line for a writer that folds itself.
 */
export const format = (authservId: string, facts: AuthFacts, separator = ";\r\n\t"): string => {
  const parts = [spfEntry(facts.spf.mailFrom), ...(facts.spf.helo ? [spfEntry(facts.spf.helo)] : [])]
  if (facts.dkim.length === 0) parts.push("dkim=none (message not signed)")
  for (const d of facts.dkim.slice(0, MAX_SIGNATURES)) parts.push(dkimEntry(d))
  const dm = facts.dmarc
  if (dm === undefined) parts.push("dmarc=none (no single From domain)")
  else {
    const policy =
      (dm.result === "pass" || dm.result === "fail") && dm.policy
        ? `p=${dm.p} sp=${dm.sp} pct=${dm.pct}${dm.result === "fail" ? ` applied=${dm.applied}` : ""}`
        : dm.comment
    parts.push(`dmarc=${dm.result}${comment(policy)} header.from=${pvalue(dm.fromDomain)}`)
  }
  const arc = facts.arc
  // A passing chain's comment repeats what the sealer claimed; only a failure's reason is ours.
  const why = arc.result === "pass" ? "" : arc.comment ? ` ${arc.comment}` : ""
  parts.push(
    `arc=${arc.result}${arc.result === "none" ? "" : comment(`i=${arc.instance}${arc.sealer ? ` sealed by ${arc.sealer}` : ""}${why}`)}`
  )
  return [authservId, ...parts].join(separator)
}

/** Skips CFWS (spaces, tabs, line ends and nested comments) from `i`. */
const skipCfws = (s: string, start: number): number => {
  let i = start
  let depth = 0
  while (i < s.length) {
    const c = s[i]!
    if (depth > 0 && c === "\\") i += 2
    else if (c === "(") {
      depth++
      i++
    } else if (c === ")" && depth > 0) {
      depth--
      i++
    } else if (depth > 0 || c === " " || c === "\t" || c === "\r" || c === "\n") i++
    else break
  }
  return i
}

/** The authserv-id of an `Authentication-Results` value, lower-cased; undefined when there is none. */
export const authservIdOf = (value: string): string | undefined => {
  let i = skipCfws(value, 0)
  let id = ""
  if (value[i] === '"') {
    i++
    while (i < value.length && value[i] !== '"') {
      if (value[i] === "\\") i++
      id += value[i] ?? ""
      i++
    }
  } else {
    while (i < value.length && !/[\s;()"]/.test(value[i]!)) id += value[i++]
  }
  const clean = id.trim().toLowerCase().replace(/\.$/, "")
  return clean === "" ? undefined : clean
}

/** True for an incoming `Authentication-Results` value that names `authservId` (case-insensitive). */
export const claims = (value: string, authservId: string): boolean =>
  authservIdOf(value) === authservId.trim().toLowerCase().replace(/\.$/, "")
