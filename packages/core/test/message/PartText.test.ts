// A leaf's text is a slice of the walked message text when its body is ASCII in an identity
// encoding; it must always be what decoding the body bytes in the part's charset gives.
import { fc, test } from "@fast-check/vitest"
import { describe, expect } from "vitest"
import type { MimePart } from "../../src/index.ts"
import { decode as decodeCharset } from "../../src/message/Charset.ts"
import { fromBytes } from "../../src/message/index.ts"
import type { Part } from "../../src/message/Mime.ts"
import { envelope, latin1 } from "./support.ts"

const leaves = (p: MimePart): Array<MimePart> => (p.children.length === 0 ? [p] : p.children.flatMap(leaves))

const sameText = (bytes: Uint8Array): void => {
  const m = fromBytes(bytes, { envelope, limits: { maxPartBytes: 700 } })
  for (const leaf of leaves(m.mime)) expect((leaf as Part).bodyText()).toBe(decodeCharset(leaf.body, leaf.charset))
}

const charset = fc.constantFrom(
  undefined,
  "us-ascii",
  "UTF-8",
  " utf-8 ",
  "iso-8859-1",
  "windows-1252",
  "utf-16le",
  "UTF-16",
  "utf32",
  "ucs-2",
  "iso-2022-jp",
  "shift_jis",
  "koi8-r",
  "x-unknown",
  ""
)
const encoding = fc.constantFrom(undefined, "7bit", "8bit", "binary", "base64", "quoted-printable", "x-uuencode")
const body = fc.oneof(
  fc.string({ unit: fc.constantFrom(..."ab =\r\n\t.\u001b"), maxLength: 200 }),
  fc.string({ unit: "binary-ascii", maxLength: 200 }),
  fc.string({ unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)), maxLength: 200 })
)
const part = fc.record({ type: fc.constantFrom("text/plain", "text/html", "application/x-y"), charset, encoding, body })
const headerLines = (p: { type: string; charset: string | undefined; encoding: string | undefined }) => [
  `Content-Type: ${p.type}${p.charset === undefined ? "" : `; charset="${p.charset}"`}`,
  ...(p.encoding === undefined ? [] : [`Content-Transfer-Encoding: ${p.encoding}`])
]

describe("a leaf's text", () => {
  test.prop([part, fc.constantFrom("\r\n", "\n")], { numRuns: 1500 })("single part: the body decoded", (p, eol) => {
    sameText(latin1([...headerLines(p), "", p.body].join(eol)))
  })
  test.prop([fc.array(part, { minLength: 1, maxLength: 4 })], { numRuns: 800 })("multipart: every leaf", (parts) => {
    const lines = ['Content-Type: multipart/mixed; boundary="b"', ""]
    for (const p of parts) lines.push("--b", ...headerLines(p), "", p.body)
    lines.push("--b--", "")
    sameText(latin1(lines.join("\r\n")))
  })
  test.prop([fc.uint8Array({ maxLength: 2000 })])("arbitrary bytes", (bytes) => {
    sameText(bytes)
  })
})
