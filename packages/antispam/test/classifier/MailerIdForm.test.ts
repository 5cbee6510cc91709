// message_id_not_program_form: the X-Mailer names Eudora for Windows, The Bat!, Netscape 4,
// Exchange's Internet Mail Service or Outlook 97-2002 while the Message-ID is not in the form that
// program writes; through the tokenizer, on synthetic mail parsed by core, and on arbitrary header
// blocks.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { headerMailerFormFeatures } from "../../src/classifier/HeaderMailerForms.ts"
import { messageIdNotProgramForm } from "../../src/classifier/MailerIdForm.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { parse, withHeaders } from "./support.ts"

const EUDORA = "QUALCOMM Windows Eudora Version 5.1"
const BAT = "The Bat! (v1.52f) Business"
const NETSCAPE = "Mozilla 4.79 [en] (Windows NT 5.0; U)"
const EXCHANGE = "Internet Mail Service (5.5.2653.19)"
const OUTLOOK = "Microsoft Outlook IMO, Build 9.0.2416 (9.0.2911.0)"
const RELAY_ID = "<200205260315.g4Q3FM714973@relay.example.net>"

const message = (id: string | undefined, mailer: string | undefined, extra: ReadonlyArray<string> = []) =>
  parse(
    withHeaders([
      ...(id === undefined ? [] : [`Message-ID: ${id}`]),
      "From: Ann <ann@example.net>",
      "To: bob@example.org",
      "Subject: Hello",
      "Date: Mon, 26 Aug 2002 10:00:00 +0100",
      "MIME-Version: 1.0",
      "Content-Type: text/plain; charset=us-ascii",
      ...(mailer === undefined ? [] : [`X-Mailer: ${mailer}`]),
      ...extra
    ])
  )
const foreign = (id: string | undefined, mailer: string | undefined, extra: ReadonlyArray<string> = []) =>
  headerMailerFormFeatures(message(id, mailer, extra)).includes("message_id_not_program_form")

describe("message_id_not_program_form", () => {
  it("each program named, the ID a relay's or a tool's", () => {
    for (const mailer of [EUDORA, BAT, NETSCAPE, EXCHANGE, OUTLOOK]) expect(foreign(RELAY_ID, mailer)).toBe(true)
    expect(foreign("<003a50e80cbd$5537c5b5$5ee52ad7@fdpcqw>", EUDORA)).toBe(true)
    expect(foreign("<004a18b14a6d$2847a8b3$7dc28dd8@vvaknd>", BAT)).toBe(true)
    expect(foreign("<00007dc93dd5$000072da$000064b4@www.example.co.il>", NETSCAPE)).toBe(true)
    expect(foreign("<010e05d48e1e$4357c8e7$3db10ed5@qclywl>", EXCHANGE)).toBe(true)
    // Eudora's form with letters where its hex digits go.
    expect(foreign("<5.1.0.14.0.20020605070202.YDFHrwNt@proxy.example.com>", EUDORA)).toBe(true)
  })

  it("not for each program's own IDs", () => {
    expect(foreign("<5.1.0.14.2.20020905150722.054fb3c8@rescomp.example.edu>", EUDORA)).toBe(false)
    expect(foreign("<3.0.32.20020723231125.03bc2cf0@example.com>", "Windows Eudora Pro Version 3.0 (32)")).toBe(false)
    expect(foreign("<16279722375.20020830193957@example.ru>", "The Bat! (v1.60q)")).toBe(false)
    expect(foreign("<3D6CA2D5.B4EFBBC7@example.com>", NETSCAPE)).toBe(false)
    // Netscape drops a leading zero of a group.
    expect(foreign("<3D7CCC7F.F8EBCAE@example.com>", NETSCAPE)).toBe(false)
    expect(foreign("<253B1BDA4E68D411AC3700D0B77FC5F807C0F3EF@server.example.com>", EXCHANGE)).toBe(false)
    expect(foreign("<000801c2551d$2b6e2f40$0201a8c0@home>", OUTLOOK)).toBe(false)
    expect(foreign("<BCEFLMCEIJHPCPLGADJIGEEFCAAA.ann@example.net>", OUTLOOK)).toBe(false)
  })

  it("the near copies of the names bulk tools typed are read", () => {
    expect(foreign(RELAY_ID, "Microsoft Outlook Build 10.0.2616")).toBe(true)
    expect(foreign(RELAY_ID, "Internet Mail Service")).toBe(true)
    expect(foreign(RELAY_ID, "X-Mailer: QUALCOMM Windows Eudora Pro Version 4.1")).toBe(true)
  })

  it("not when a list server sent the message out (it may replace the ID)", () => {
    const lyris = "<LYRIS-2424157-1370323-2002.08.14-16.20.02--ann#example.net@lists.example.com>"
    expect(foreign(lyris, EUDORA, ["List-Unsubscribe: <mailto:leave@lists.example.com>"])).toBe(false)
    expect(foreign(RELAY_ID, BAT, ["List-Id: <talk.lists.example.com>"])).toBe(false)
    expect(foreign(RELAY_ID, BAT, ["Mailing-List: contact talk-help@example.com"])).toBe(false)
    expect(foreign(lyris, EUDORA)).toBe(true)
  })

  it("not for other programs, Eudora for the Macintosh, no program named, or no ID", () => {
    expect(foreign(RELAY_ID, "Microsoft Outlook Express 6.00.2600.0000")).toBe(false)
    expect(foreign(RELAY_ID, "Mozilla/5.0 (Windows; U; Windows NT 5.1)")).toBe(false)
    expect(foreign("<p05111a00b9a1c3d2e4f5@[10.0.1.2]>", "QUALCOMM Macintosh Classic Eudora Version 4.3")).toBe(false)
    expect(foreign(RELAY_ID, "KMail [version 1.3.2]")).toBe(false)
    expect(foreign(RELAY_ID, undefined)).toBe(false)
    expect(foreign(undefined, BAT)).toBe(false)
    expect(messageIdNotProgramForm(parse(withHeaders(["From: ann@example.net"])).headers)).toBe(false)
  })

  it("is named by the tokenizer", () => {
    expect(tokenize(message(RELAY_ID, BAT)).features).toContain("message_id_not_program_form")
    expect(tokenize(message("<16279722375.20020830193957@example.ru>", BAT)).features).not.toContain(
      "message_id_not_program_form"
    )
  })

  const digits = (n: number) => fc.stringMatching(new RegExp(`^\\d{${n}}$`))
  const hex = (lo: number, hi: number) => fc.stringMatching(new RegExp(`^[0-9A-F]{${lo},${hi}}$`))
  const host = fc.stringMatching(/^[a-z0-9-]{1,20}(?:\.[a-z]{2,6}){0,2}$/)
  test.prop([digits(5), digits(14), hex(7, 8), hex(7, 8), hex(32, 40), host])(
    "each program's own form at any host never counts; a relay's ID under its name always does",
    (n, time, a, b, guid, at) => {
      expect(foreign(`<5.1.0.14.2.${time}.${a.toLowerCase().padStart(8, "0")}@${at}>`, EUDORA)).toBe(false)
      expect(foreign(`<${n}.${time}@${at}>`, BAT)).toBe(false)
      expect(foreign(`<${a}.${b}@${at}>`, NETSCAPE)).toBe(false)
      expect(foreign(`<${guid}@${at}>`, EXCHANGE)).toBe(false)
      for (const mailer of [EUDORA, BAT, NETSCAPE, EXCHANGE, OUTLOOK])
        expect(foreign(`<${time.slice(0, 12)}.g4Q3FM${n}@${at}>`, mailer)).toBe(true)
    }
  )

  test.prop([
    fc.option(fc.string({ maxLength: 200 }), { nil: undefined }),
    fc.option(fc.oneof(fc.constantFrom(EUDORA, BAT, NETSCAPE, EXCHANGE, OUTLOOK), fc.string({ maxLength: 80 })), {
      nil: undefined
    }),
    fc.array(fc.string({ maxLength: 60 }), { maxLength: 4 })
  ])("never throws on arbitrary values", (id, mailer, extra) => {
    const clean = (s: string) => s.replace(/[\r\n]/g, " ")
    const fields = [
      ...(id === undefined ? [] : [`Message-ID: ${clean(id)}`]),
      ...(mailer === undefined ? [] : [`X-Mailer: ${clean(mailer)}`]),
      ...extra.map((v, i) => `X-Extra-${i}: ${clean(v)}`),
      "From: ann@example.net"
    ]
    expect(typeof messageIdNotProgramForm(parse(withHeaders(fields)).headers)).toBe("boolean")
  })
})
