// Test messages: MIME trees rendered to bytes, parsed with the core message model.
import { Envelope, type Message, MessageModel } from "@mailmoat/core"
import { eicar } from "./clamd.ts"

export type Node =
  | { readonly kind: "leaf"; readonly headers: ReadonlyArray<string>; readonly body: string }
  | {
      readonly kind: "multi"
      readonly subtype: string
      readonly boundary: string
      readonly children: ReadonlyArray<Node>
    }

export const render = (node: Node, eol = "\r\n", top: ReadonlyArray<string> = []): string => {
  if (node.kind === "leaf") return [...top, ...node.headers, "", node.body].join(eol)
  const head = [...top, `Content-Type: multipart/${node.subtype}; boundary="${node.boundary}"`, ""].join(eol)
  const parts = node.children.map((c) => `--${node.boundary}${eol}${render(c, eol)}${eol}`).join("")
  return `${head}${eol}This is a multi-part message.${eol}${parts}--${node.boundary}--${eol}`
}

export const parse = (bytes: Uint8Array): Message =>
  MessageModel.fromBytes(bytes, { envelope: Envelope.make({ clientAddress: "192.0.2.1" }) })

export const bytesOf = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff)

const base64 = (bytes: Uint8Array): string =>
  Buffer.from(bytes)
    .toString("base64")
    .replace(/.{1,76}/g, "$&\r\n")
    .trimEnd()

export const topHeaders = [
  "From: Alice <alice@example.test>",
  "To: bob@example.test",
  "Subject: Quarterly report",
  "Date: Tue, 1 Dec 2026 10:00:00 +0000",
  "Message-ID: <r1@example.test>",
  "MIME-Version: 1.0"
]

/** text part (0:root multipart, 1:text, 2:eicar attachment, 3:clean attachment) */
export const eicarAttachmentMessage = (): Uint8Array =>
  bytesOf(
    render(
      {
        kind: "multi",
        subtype: "mixed",
        boundary: "=_outer_42",
        children: [
          {
            kind: "leaf",
            headers: ["Content-Type: text/plain; charset=utf-8"],
            body: "Please find the report attached.\r\n"
          },
          {
            kind: "leaf",
            headers: [
              'Content-Type: application/octet-stream; name="report.com"',
              "Content-Transfer-Encoding: base64",
              'Content-Disposition: attachment; filename="report.com"'
            ],
            body: base64(eicar())
          },
          {
            kind: "leaf",
            headers: [
              'Content-Type: application/pdf; name="clean.pdf"',
              "Content-Transfer-Encoding: base64",
              'Content-Disposition: attachment; filename="clean.pdf"'
            ],
            body: base64(new TextEncoder().encode("%PDF-1.4 not really a pdf, but clean\n"))
          }
        ]
      },
      "\r\n",
      topHeaders
    )
  )

export const cleanMessage = (): Uint8Array =>
  bytesOf(
    [...topHeaders, "Content-Type: text/plain; charset=utf-8", "", "Hello Bob, nothing to see here.", ""].join("\r\n")
  )
