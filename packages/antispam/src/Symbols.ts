/**
 * Every symbol the server antispam stages can emit, with default weights (P6: weights belong to
 * policy; `config.scores` may override them). Zero-weight symbols are observations only:
 * an unknown list answer is never spam by itself (P7, P17).
 *
 * @category models
 * @since 0.1.0
 */
import type { SymbolHit, SymbolTable } from "@mailmoat/core"

export const BypassSymbols = {
  BYPASS_ALLOWED_IP: { weight: 0, group: "bypass", description: "Client IP is in antispam.bypass.allowedIps" },
  BYPASS_SESSION: { weight: 0, group: "bypass", description: "Authenticated trusted relay set the bypass flag" },
  BYPASS_SESSION_IGNORED: { weight: 0, group: "bypass", description: "Session bypass flag present but acceptSessionBypass is off" },
  BYPASS_RECIPIENT: { weight: 0, group: "bypass", description: "Recipient has bypassAntispam in the directory" },
  BYPASS_SAFE_SENDER: { weight: 0, group: "bypass", description: "Sender is in the recipient's safeSenders (From domain authenticated)" },
  SAFE_SENDER_UNAUTHENTICATED: { weight: 0, group: "bypass", description: "Sender is a safe sender but the From domain is not authenticated; not applied" }
} as const satisfies SymbolTable

export const SizeSymbols = {
  SIZE_NOT_SCANNED: { weight: 0, group: "size", description: "Message larger than maxScanSizeKB; not scanned for spam" }
} as const satisfies SymbolTable

export const ReceivedSymbols = {
  RCVD_NO_SENDER: { weight: 0, group: "received", description: "No hop outside trusted networks had an IP" }
} as const satisfies SymbolTable

export const RblSymbols = {
  RBL_LISTED: { weight: 6, group: "rbl", description: "A sender IP is listed on an RBL zone" },
  RBL_UNKNOWN: { weight: 0, undecided: true, group: "rbl", description: "An RBL zone did not answer in time or failed (SERVFAIL/REFUSED); result unknown" },
  RBL_ERROR_ANSWER: { weight: 0, group: "rbl", description: "An RBL zone answered an error code (127.255.255.x) or outside 127/8; not a listing" },
  RBL_ZONE_DOWN: { weight: 0, group: "rbl", description: "An RBL zone is suspended by the health check; skipped" }
} as const satisfies SymbolTable

export const DnsblSymbols = {
  DNSBL_LISTED: { weight: 6, group: "dnsbl", description: "A domain or IP found in the body is listed on a DNSBL zone" },
  DNSBL_UNKNOWN: { weight: 0, undecided: true, group: "dnsbl", description: "A DNSBL zone did not answer in time or failed; result unknown" },
  DNSBL_ERROR_ANSWER: { weight: 0, group: "dnsbl", description: "A DNSBL zone answered an error code or outside 127/8; not a listing" },
  DNSBL_ZONE_DOWN: { weight: 0, group: "dnsbl", description: "A DNSBL zone is suspended by the health check; skipped" }
} as const satisfies SymbolTable

export const EndUserSymbols = {
  ENDUSER_LISTED: { weight: 6, group: "enduser", description: "Message not from a mail server and the sender is on the end-user blocklist" },
  ENDUSER_NOT_MAILSERVER: { weight: 0, group: "enduser", description: "The sending host does not look like a mail server (evidence in detail)" },
  ENDUSER_UNKNOWN: { weight: 0, undecided: true, group: "enduser", description: "The end-user blocklist zone did not answer; result unknown" }
} as const satisfies SymbolTable

export const TempRejectSymbols = {
  TEMPREJECT_DEFERRED: { weight: 0, group: "tempreject", description: "Unsure message temporarily rejected (451 4.7.1)" },
  TEMPREJECT_RETRY: { weight: 0, group: "tempreject", description: "Retry of a temporarily rejected message after the period" },
  TEMPREJECT_STORE_DOWN: { weight: 0, group: "tempreject", description: "State store unreachable; temporary rejection skipped (fail open)" }
} as const satisfies SymbolTable

/** Builds a hit for a declared symbol; the score is the declared default weight. */
export const hit = <T extends SymbolTable>(table: T, name: keyof T & string, source: string, detail?: string): SymbolHit => ({
  name,
  score: table[name]!.weight,
  source,
  detail
})
