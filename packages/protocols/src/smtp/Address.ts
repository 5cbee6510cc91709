/**
 * RFC 5321 §4.1.2 path syntax for MAIL FROM / RCPT TO, with RFC 6531 (SMTPUTF8) UTF-8 in the
 * local part and domain.
 *
 * **Gotchas**
 * - Input is the text between the angle brackets, already decoded as strict UTF-8 and free of
 *   control characters (CommandParser checks both first).
 * - A source route (`@a,@b:user@c`) must be accepted and ignored (RFC 5321 §4.1.1.3, C.).
 * - Lengths are in octets: local part 64, domain 255, path 256 (§4.5.3.1).
 * - Whether non-ASCII is allowed (SMTPUTF8 negotiated) is the session's decision: `isAscii`.
 *
 * @category models
 * @since 0.1.0
 */

export type PathResult =
  | { readonly ok: true; readonly address: string }
  | { readonly ok: false; readonly reason: string }

/**
 * The length of `s` in UTF-8, counted without encoding it (a lone surrogate counts as the 3 bytes
 * of U+FFFD, as `TextEncoder` writes it).
 */
export const utf8Length = (s: string): number => {
  let n = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 0x80) n += 1
    else if (c < 0x800) n += 2
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4
      i++
    } else n += 3
  }
  return n
}
const octets = utf8Length

const ATEXT = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~\u0080-\u{10ffff}]+$/u
const QCONTENT = /^(?:[\u0020\u0021\u0023-\u005b\u005d-\u007e\u0080-\u{10ffff}]|\\[\u0020-\u007e])*$/u
const LABEL = /^[A-Za-z0-9\u0080-\u{10ffff}](?:[A-Za-z0-9\-\u0080-\u{10ffff}]*[A-Za-z0-9\u0080-\u{10ffff}])?$/u
const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/
const IPV6 = /^[0-9A-Fa-f:.]{2,45}$/
const GENERAL_LITERAL = /^[A-Za-z0-9-]*[A-Za-z0-9]:[\u0021-\u005a\u005e-\u007e]+$/

export const isAscii = (s: string): boolean => /^[\u0000-\u007f]*$/.test(s)

const isDotString = (s: string): boolean => s.split(".").every((atom) => ATEXT.test(atom))

export const isValidDomain = (domain: string): boolean => {
  if (domain.length === 0 || octets(domain) > 255) return false
  if (domain.startsWith("[") && domain.endsWith("]")) {
    const lit = domain.slice(1, -1)
    if (IPV4.test(lit)) return true
    if (/^ipv6:/i.test(lit)) return IPV6.test(lit.slice(5)) && lit.includes(":", 5)
    return GENERAL_LITERAL.test(lit)
  }
  return domain.split(".").every((label) => label.length > 0 && octets(label) <= 63 && LABEL.test(label))
}

const splitMailbox = (mailbox: string): { local: string; domain: string } | undefined => {
  if (mailbox.startsWith('"')) {
    let i = 1
    while (i < mailbox.length && mailbox[i] !== '"') i += mailbox[i] === "\\" ? 2 : 1
    if (i >= mailbox.length || mailbox[i + 1] !== "@") return undefined
    return { local: mailbox.slice(0, i + 1), domain: mailbox.slice(i + 2) }
  }
  const at = mailbox.indexOf("@")
  if (at === -1) return undefined
  return { local: mailbox.slice(0, at), domain: mailbox.slice(at + 1) }
}

const isValidLocal = (local: string): boolean => {
  if (local.length === 0 || octets(local) > 64) return false
  if (local.startsWith('"')) return local.length >= 2 && local.endsWith('"') && QCONTENT.test(local.slice(1, -1))
  return isDotString(local)
}

/** Validates a mailbox `local@domain`. */
export const isValidMailbox = (mailbox: string): boolean => {
  const parts = splitMailbox(mailbox)
  return parts !== undefined && isValidLocal(parts.local) && isValidDomain(parts.domain)
}

/**
 * Parses the text between `<` and `>`. `""` is the null path (valid for MAIL only, `allowNull`);
 * `Postmaster` without a domain is valid for RCPT only (`allowPostmaster`).
 */
export const parsePath = (inner: string, options: { allowNull: boolean; allowPostmaster: boolean }): PathResult => {
  if (inner === "")
    return options.allowNull ? { ok: true, address: "" } : { ok: false, reason: "Null path not allowed here" }
  if (octets(inner) > 256) return { ok: false, reason: "Path too long" }
  let mailbox = inner
  if (mailbox.startsWith("@")) {
    const colon = mailbox.indexOf(":")
    if (colon === -1) return { ok: false, reason: "Bad source route" }
    const route = mailbox.slice(0, colon).split(",")
    if (!route.every((hop) => hop.startsWith("@") && isValidDomain(hop.slice(1))))
      return { ok: false, reason: "Bad source route" }
    mailbox = mailbox.slice(colon + 1)
  }
  if (options.allowPostmaster && mailbox.toLowerCase() === "postmaster") return { ok: true, address: mailbox }
  return isValidMailbox(mailbox) ? { ok: true, address: mailbox } : { ok: false, reason: "Bad address syntax" }
}
