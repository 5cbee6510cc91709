import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { judge, policyOf } from "../../src/attachments/AttachmentStage.ts"
import { DEFAULT_BLOCKED } from "../../src/attachments/options.ts"
import { makeServerAntispam } from "../../src/index.ts"
import { Dns, Envelope, MessageModel } from "@mailmoat/core"
import { makeZip, messageWith } from "./support.ts"

const policy = policyOf({ enabled: true, blockedExtensions: [...DEFAULT_BLOCKED], archives: true })
const names = (hits: ReadonlyArray<{ name: string }>) => hits.map((h) => h.name)
const pdf = Buffer.from("%PDF-1.4\n%fake\n")
/** A message of one part with these Content-Type and Content-Disposition lines. */
const onePart = (type: string, disposition: string) =>
  MessageModel.fromBytes(
    Buffer.from(
      [
        "From: a@example.net",
        "To: b@example.org",
        "MIME-Version: 1.0",
        'Content-Type: multipart/mixed; boundary="b1"',
        "",
        "--b1",
        type,
        disposition,
        "",
        "MZ",
        "--b1--",
        ""
      ].join("\r\n"),
      "latin1"
    ),
    { envelope: Envelope.make({ clientAddress: "192.0.2.1", rcptTo: ["b@example.org"] }) }
  )

describe("the attachment stage", () => {
  it("flags a blocked extension, whatever its case and trailing dots, and names the file", () => {
    const hits = judge(messageWith([{ filename: "Invoice.PDF.Exe.", bytes: pdf }]).mime, policy)
    expect(names(hits)).toEqual(["ATTACHMENT_BLOCKED"])
    expect(hits[0]!.detail).toContain("Invoice.PDF.Exe.")
  })

  it("passes documents, images and archives of documents", () => {
    const message = messageWith([
      { filename: "invoice.pdf", bytes: pdf },
      { filename: "scans.zip", type: "application/zip", bytes: makeZip(["a.pdf", "b.jpg"]) }
    ])
    expect(judge(message.mime, policy)).toEqual([])
  })

  it("reads the names inside a ZIP (also when the part's name does not say zip), and sees encryption", () => {
    const plain = messageWith([{ filename: "docs.zip", bytes: makeZip(["readme.txt", "tools/setup.exe"]) }])
    const hits = judge(plain.mime, policy)
    expect(names(hits)).toEqual(["ATTACHMENT_BLOCKED_IN_ARCHIVE"])
    expect(hits[0]!.detail).toContain("tools/setup.exe")
    const typed = messageWith([{ filename: "docs", type: "application/zip", bytes: makeZip(["x.js"]) }])
    expect(names(judge(typed.mime, policy))).toEqual(["ATTACHMENT_BLOCKED_IN_ARCHIVE"])
    const locked = messageWith([{ filename: "a.zip", bytes: makeZip(["a.pdf"], { password: "pw" }) }])
    expect(names(judge(locked.mime, policy))).toEqual(["ATTACHMENT_ARCHIVE_ENCRYPTED"])
    const off = policyOf({ enabled: true, blockedExtensions: ["exe"], archives: false })
    expect(judge(plain.mime, off)).toEqual([])
  })

  it("flags a name that hides its extension", () => {
    const hits = judge(messageWith([{ filename: "report\u202efdp.exe", bytes: pdf }]).mime, policy)
    expect(names(hits)).toEqual(["ATTACHMENT_BLOCKED", "ATTACHMENT_NAME_DISGUISED"])
  })

  it("reads both names a part may carry: Content-Type's name as well as Content-Disposition's filename", () => {
    // Clients differ in which one they save the file under.
    const message = onePart(
      'Content-Type: application/octet-stream; name="invoice.exe"',
      'Content-Disposition: attachment; filename="invoice.pdf"'
    )
    const hits = judge(message.mime, policy)
    expect(names(hits)).toEqual(["ATTACHMENT_BLOCKED"])
    expect(hits[0]!.detail).toContain("invoice.exe")
  })

  it("an empty filename does not hide Content-Type's name, nor an empty name the filename", () => {
    const hidden = judge(
      onePart(
        'Content-Type: application/octet-stream; name="setup.exe"',
        'Content-Disposition: attachment; filename=""'
      ).mime,
      policy
    )
    expect(names(hidden)).toEqual(["ATTACHMENT_BLOCKED"])
    expect(hidden[0]!.detail).toContain("setup.exe")
    const other = judge(
      onePart(
        'Content-Type: application/octet-stream; name=""',
        'Content-Disposition: attachment; filename="setup.exe"'
      ).mime,
      policy
    )
    expect(names(other)).toEqual(["ATTACHMENT_BLOCKED"])
  })

  it("ordinary names in Persian, Hebrew or with emoji are no disguise, attached or inside a ZIP", () => {
    const persian = "\u06af\u0632\u0627\u0631\u0634\u200c\u0647\u0627.pdf"
    const message = messageWith([
      { filename: persian, bytes: pdf },
      { filename: "\u05d3\u05d5\u05d7\u200f.docx", bytes: pdf },
      { filename: "photos.zip", bytes: makeZip([persian, "\u{1f468}\u200d\u{1f469}\u200d\u{1f467}.jpg"]) }
    ])
    expect(judge(message.mime, policy)).toEqual([])
  })

  it("the configured list replaces the default one (dots and case do not matter)", () => {
    const mine = policyOf({ enabled: true, blockedExtensions: [".PDF"], archives: true })
    const message = messageWith([
      { filename: "a.pdf", bytes: pdf },
      { filename: "b.exe", bytes: pdf }
    ])
    expect(names(judge(message.mime, mine))).toEqual(["ATTACHMENT_BLOCKED"])
    expect(judge(message.mime, mine)[0]!.detail).toBe('"a.pdf"')
  })

  it("in the server profile a blocked attachment makes the message spam (quarantined); off, it is not looked at", async () => {
    const dns = Dns.makeStatic({})
    const message = messageWith([{ filename: "run.scr", bytes: pdf }])
    const on = makeServerAntispam({}, { dns, healthIntervalMillis: 0 })
    const off = makeServerAntispam({ attachments: { enabled: false } }, { dns, healthIntervalMillis: 0 })
    try {
      const [judged] = await Effect.runPromise(on.evaluate(message))
      expect(judged!.verdict.class).toBe("spam")
      expect(judged!.verdict.symbols.map((s) => s.name)).toContain("ATTACHMENT_BLOCKED")
      expect(judged!.action._tag).toBe("Quarantine")
      const [passed] = await Effect.runPromise(off.evaluate(message))
      expect(passed!.verdict.symbols.map((s) => s.name)).not.toContain("ATTACHMENT_BLOCKED")
      expect(passed!.action._tag).toBe("Deliver")
    } finally {
      await on.close()
      await off.close()
    }
  })
})
