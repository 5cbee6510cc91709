/**
 * `testMessage`: builds an engine `Message` for tests from headers, body and envelope fields.
 *
 * **Gotchas**
 * Until the core message model (`MessageModel.fromBytes`) is public, this is a small local
 * builder: headers are unfolded, encoded-words (UTF-8 / Latin-1, B and Q) decoded, Received
 * hops read for `from HELO (RDNS [IP]) by HOST`, and URLs / hosts / IPv4 literals found with
 * regular expressions in the (undecoded, single-part) body. MIME trees are not parsed.
 *
 * @category testing
 * @since 0.1.0
 */
import type { BodyFacts, Header, Headers, Message, ReceivedHop } from "@mailmoat/core"
import { Envelope } from "@mailmoat/core"

export interface TestMessageSpec {
  /** Header fields in order; default From, To, Subject, Message-ID, Date. */
  readonly headers?: ReadonlyArray<readonly [string, string]> | Readonly<Record<string, string>> | undefined
  /** Body text (CRLF or LF line ends). */
  readonly body?: string | undefined
  /** The whole message as text (header block, blank line, body) instead of `headers` + `body`. */
  readonly raw?: string | undefined
  readonly envelope?: Partial<Envelope.Envelope> | undefined
}

const DEFAULT_HEADERS: ReadonlyArray<readonly [string, string]> = [
  ["From", "Sender <sender@example.net>"],
  ["To", "user@example.org"],
  ["Subject", "hello"],
  ["Message-ID", "<test@example.net>"],
  ["Date", "Mon, 1 Jan 2024 00:00:00 +0000"]
]

const decodeWord = (charset: string, enc: string, text: string): string | undefined => {
  try {
    const bytes =
      enc.toUpperCase() === "B"
        ? Uint8Array.from(atob(text), (c) => c.charCodeAt(0))
        : Uint8Array.from(text.replace(/_/g, " ").replace(/=([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16))), (c) => c.charCodeAt(0))
    return new TextDecoder(charset.toLowerCase() === "utf-8" ? "utf-8" : "latin1").decode(bytes)
  } catch {
    return undefined
  }
}

const decode2047 = (v: string) => v.replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (w, cs: string, enc: string, text: string) => decodeWord(cs, enc, text) ?? w)

const headersOf = (list: ReadonlyArray<Header>): Headers => {
  const all = (n: string) => list.filter((h) => h.name.toLowerCase() === n.toLowerCase()).map((h) => h.value)
  return { list, get: (n) => all(n)[0], getAll: all, decoded: (n) => (all(n)[0] === undefined ? undefined : decode2047(all(n)[0]!)) }
}

const parseFields = (block: string): Array<Header> => {
  const out: Array<Header> = []
  for (const line of block.split(/\r?\n/)) {
    const last = out[out.length - 1]
    if (/^[ \t]/.test(line) && last !== undefined) out[out.length - 1] = { name: last.name, value: `${last.value} ${line.trim()}` }
    else {
      const colon = line.indexOf(":")
      if (colon > 0) out.push({ name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() })
    }
  }
  return out
}

const IPV4 = /\b(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}\b/g

const hopOf = (raw: string, index: number): ReceivedHop => {
  const from = /\bfrom\s+(\S+)/i.exec(raw)?.[1]
  const paren = /\(([^()\s]*)\s*\[([^\]]+)\]\)/.exec(raw)
  const ip = paren?.[2]?.replace(/^ipv6:/i, "") ?? raw.match(IPV4)?.[0]
  return { index, raw, helo: from, rdns: paren?.[1] || undefined, ip: ip === undefined ? undefined : Envelope.normaliseIp(ip), by: /\bby\s+([^\s;]+)/i.exec(raw)?.[1], date: raw.split(";")[1]?.trim() }
}

const bodyFacts = (body: string): BodyFacts => {
  const urls = [...new Set(body.match(/\bhttps?:\/\/[^\s"'<>)]+/gi) ?? [])]
  const hosts = [
    ...new Set(
      urls.flatMap((u) => {
        try {
          return [new URL(u).hostname.toLowerCase().replace(/^\[|\]$/g, "")]
        } catch {
          return []
        }
      })
    )
  ]
  const literal = (h: string) => /^[\d.]+$/.test(h) || h.includes(":")
  const ips = [...new Set([...(body.match(IPV4) ?? []), ...hosts.filter(literal)])]
  return { texts: [body], htmls: [], urls, hosts: hosts.filter((h) => !literal(h)), ips, attachments: [], limitsHit: false }
}

/** Builds a `Message` for stage tests. */
export const testMessage = (spec: TestMessageSpec = {}): Message => {
  let text: string
  if (spec.raw !== undefined) text = spec.raw
  else {
    const fields = spec.headers === undefined ? DEFAULT_HEADERS : Array.isArray(spec.headers) ? spec.headers : Object.entries(spec.headers)
    text = `${(fields as ReadonlyArray<readonly [string, string]>).map(([n, v]) => `${n}: ${v}`).join("\r\n")}\r\n\r\n${spec.body ?? "hello\r\n"}`
  }
  const split = /\r?\n\r?\n/.exec(text)
  const headerBlock = split === null ? text : text.slice(0, split.index)
  const body = split === null ? "" : text.slice(split.index + split[0].length)
  const list = parseFields(headerBlock)
  const headers = headersOf(list)
  const bytes = new TextEncoder().encode(text)
  return {
    envelope: Envelope.make({ clientAddress: "192.0.2.10", helo: "mail.example.net", mailFrom: "sender@example.net", rcptTo: ["user@example.org"], ...spec.envelope }),
    size: bytes.length,
    headers,
    scanView: bytes,
    scanTruncated: false,
    received: headers.getAll("received").map(hopOf),
    mime: { contentType: "text/plain", headers, body: new TextEncoder().encode(body), children: [], start: 0, end: bytes.length },
    body: bodyFacts(body)
  }
}
