// Builds `Message` values for tests without the message-model parser: headers, Received hops
// and body facts are given directly; the scan view is the raw text.
import type { BodyFacts, Header, Headers, Message, ReceivedHop } from "@mailmoat/core"
import { Envelope } from "@mailmoat/core"

export interface MessageSpec {
  readonly envelope: Partial<Envelope.Envelope> & { clientAddress: string }
  readonly headers?: ReadonlyArray<readonly [string, string]>
  readonly received?: ReadonlyArray<{ ip?: string; helo?: string; rdns?: string }>
  readonly body?: string
  readonly hosts?: ReadonlyArray<string>
  readonly ips?: ReadonlyArray<string>
  readonly size?: number
}

const headersOf = (list: ReadonlyArray<Header>): Headers => ({
  list,
  get: (n) => list.find((h) => h.name.toLowerCase() === n.toLowerCase())?.value,
  getAll: (n) => list.filter((h) => h.name.toLowerCase() === n.toLowerCase()).map((h) => h.value),
  decoded: (n) => list.find((h) => h.name.toLowerCase() === n.toLowerCase())?.value
})

export const makeMessage = (spec: MessageSpec): Message => {
  const received: Array<ReceivedHop> = (spec.received ?? []).map((h, index) => ({
    index,
    raw: `from ${h.helo ?? "unknown"} (${h.rdns ?? "unknown"} [${h.ip ?? "unknown"}]) by mx.test`,
    helo: h.helo,
    rdns: h.rdns,
    ip: h.ip,
    by: "mx.test"
  }))
  const hdrs: Array<Header> = [
    ...received.map((h) => ({ name: "Received", value: h.raw })),
    ...(
      spec.headers ?? [
        ["From", "sender@example.net"],
        ["Subject", "hello"],
        ["Message-ID", "<1@example.net>"]
      ]
    ).map(([name, value]) => ({ name, value }))
  ]
  const text = `${hdrs.map((h) => `${h.name}: ${h.value}`).join("\r\n")}\r\n\r\n${spec.body ?? "hello\r\n"}`
  const bytes = new TextEncoder().encode(text)
  const headers = headersOf(hdrs)
  const body: BodyFacts = {
    texts: [spec.body ?? ""],
    htmls: [],
    urls: [],
    hosts: spec.hosts ?? [],
    ips: spec.ips ?? [],
    attachments: [],
    limitsHit: false
  }
  return {
    envelope: Envelope.make({
      helo: "mail.example.net",
      mailFrom: "sender@example.net",
      rcptTo: ["user@example.org"],
      ...spec.envelope
    }),
    size: spec.size ?? bytes.length,
    headers,
    scanView: bytes,
    scanTruncated: false,
    received,
    mime: { contentType: "text/plain", headers, body: bytes, children: [], start: 0, end: bytes.length },
    body
  }
}
