// The proxy computes sections of messages it rewrote (MimeParts, MessageSections): the same
// bytes Dovecot gives for the same sections of the same message, or nothing where Dovecot has no
// such part.
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { sectionOf } from "../../src/imap/MessageSections.ts"
import { binarySection, partSection } from "../../src/imap/MimeParts.ts"
import { type Dovecot, startDovecot } from "./support/dovecot.ts"
import { ImapClient } from "./support/imapClient.ts"

const multipart = (boundary: string, parts: ReadonlyArray<string>, header = "") =>
  `${header}MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="${boundary}"\r\n\r\nThis is a preamble.\r\n${parts.map((p) => `--${boundary}\r\n${p}\r\n`).join("")}--${boundary}--\r\nan epilogue\r\n`

const alternative = `Content-Type: multipart/alternative; boundary="alt"\r\n\r\n--alt\r\nContent-Type: text/plain\r\n\r\nplain text\r\n--alt\r\nContent-Type: text/html\r\n\r\n<p>html</p>\r\n--alt--\r\n`

const MESSAGES = [
  "From: a@example.test\r\nSubject: plain\r\n\r\nJust a body.\r\nTwo lines.\r\n",
  multipart(
    "b1",
    [
      "Content-Type: text/plain\r\n\r\nfirst part",
      "Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\naGVsbG8gd29ybGQ=",
      alternative,
      "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\ncaf=C3=A9 =\r\nsoft"
    ],
    "From: b@example.test\r\nSubject: parts\r\n"
  ),
  multipart(
    "b2",
    [
      "Content-Type: text/plain\r\n\r\nsee enclosed",
      `Content-Type: message/rfc822\r\n\r\nFrom: c@example.test\r\nSubject: enclosed\r\n${multipart("b3", ["Content-Type: text/plain\r\n\r\ninner one", "Content-Type: text/plain\r\n\r\ninner two"]).replace("MIME-Version: 1.0\r\n", "")}`
    ],
    "From: d@example.test\r\nSubject: forward\r\n"
  )
].map((m) => Buffer.from(m, "latin1"))

const SECTIONS = [
  "1",
  "2",
  "3",
  "4",
  "5",
  "1.MIME",
  "2.MIME",
  "3.1",
  "3.2",
  "3.1.MIME",
  "2.HEADER",
  "2.TEXT",
  "2.1",
  "2.2",
  "2.1.MIME",
  "2.HEADER.FIELDS (SUBJECT)"
]

let dovecot: Dovecot
beforeAll(async () => {
  dovecot = await startDovecot(MESSAGES)
})
afterAll(async () => {
  await dovecot?.stop()
})

/** Dovecot's answer for `item` of `uid`: the literal or quoted string, undefined for NIL. */
const answer = async (c: ImapClient, item: string): Promise<string | undefined> => {
  const r = await c.command(item)
  expect(r.status, item).toBe("OK")
  if (r.literals.length > 0) return r.literals[0]!.bytes.toString("latin1")
  const raw = r.raw.toString("latin1")
  if (/ NIL\)\r\n/.test(raw)) return undefined
  const quoted = /"((?:[^"\\]|\\.)*)"\)\r\n/.exec(raw)
  return quoted === null ? undefined : quoted[1]
}

describe("sections computed by the proxy match Dovecot's", () => {
  it("BODY[part], part.MIME, part.HEADER, part.TEXT, HEADER, TEXT, BINARY[part]", async () => {
    const c = await ImapClient.connect(dovecot.ports.imap)
    await c.login(dovecot.user, dovecot.password)
    expect((await c.command("EXAMINE INBOX")).status).toBe("OK")
    let compared = 0
    for (const [i, m] of MESSAGES.entries()) {
      const uid = i + 1
      for (const section of [...SECTIONS, "HEADER", "TEXT"]) {
        const theirs = await answer(c, `UID FETCH ${uid} BODY.PEEK[${section}]`)
        const computed = sectionOf(m, section) ?? partSection(m, section)
        const ours = computed === undefined ? undefined : Buffer.from(computed).toString("latin1")
        // A part Dovecot does not have: NIL or an empty string; ours: none.
        expect(ours ?? "", `uid ${uid} BODY[${section}]`).toBe(theirs ?? "")
        compared++
      }
      for (const section of ["1", "2", "3", "4", "3.1"]) {
        const theirs = await answer(c, `UID FETCH ${uid} BINARY.PEEK[${section}]`)
        const computed = binarySection(m, section)
        expect(
          computed === undefined ? "" : Buffer.from(computed).toString("latin1"),
          `uid ${uid} BINARY[${section}]`
        ).toBe(theirs ?? "")
        compared++
      }
    }
    expect(compared).toBe(MESSAGES.length * (SECTIONS.length + 7))
    c.close()
  })
})
