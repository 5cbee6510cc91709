/**
 * Which recipients the local Maildir takes: those whose domain is one of
 * `delivery.maildir.domains` (exact, case-insensitive; a subdomain is another domain), and the
 * bare `postmaster` that RFC 5321 §4.5.1 requires every receiver to accept.
 *
 * @since 0.1.0
 */
import type { Smtp } from "@mailmoat/protocols"

/** `domains` are lower case without a trailing dot. */
export const isLocal = (recipient: string, domains: ReadonlyArray<string>): boolean => {
  const at = recipient.lastIndexOf("@")
  if (at < 0) return recipient.toLowerCase() === "postmaster"
  const domain = recipient
    .slice(at + 1)
    .toLowerCase()
    .replace(/\.$/, "")
  return domains.includes(domain)
}

export const notLocal = (recipient: string): Smtp.SmtpReply => ({
  code: 550,
  enhanced: "5.1.1",
  text: `<${recipient}>: recipient address rejected: not a local domain here`
})
