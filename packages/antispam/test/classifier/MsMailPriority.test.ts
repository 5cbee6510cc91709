// msmail_priority_foreign: Outlook's X-MSMail-Priority under another maker's program name, through
// the tokenizer and on the check itself; Microsoft's own programs, web mail, libraries and the
// named programs without the header never count; never throws.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { msmailPriorityForeign } from "../../src/classifier/MsMailPriority.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { parse, rfc822 } from "./support.ts"

const features = (extra: string) =>
  tokenize(parse(rfc822({ subject: "hello", body: "See you tomorrow.", extra }))).features

describe("msmail_priority_foreign", () => {
  it("Outlook's priority header under another maker's program", () => {
    const priority = "X-Priority: 3\r\nX-MSMail-Priority: Normal\r\n"
    for (const mailer of [
      "X-Mailer: AOL 7.0 for Windows US sub 118",
      "X-Mailer: Mail for AOL V. 2.3",
      "X-Mailer: QUALCOMM Windows Eudora Version 5.1",
      "X-Mailer: The Bat! (v1.52f) Business",
      "X-Mailer: Mozilla 4.75 [en] (Win98; U)",
      "X-Mailer: Juno 4.0.5",
      "X-Mailer: eGroups Message Poster",
      "X-Mailer: AT&T Message Center Version 1 (Feb 25 2002)",
      "X-Mailer: dtmail 1.3.0 @(#)CDE Version 1.3.2 SunOS",
      "User-Agent: Mutt/1.4i",
      "User-Agent: KMail/1.4.3",
      "X-Mailer: Sylpheed version 0.8.2 (GTK+ 1.2.10; i686-pc-linux-gnu)",
      "X-Mailer: Ximian Evolution 1.0.8",
      "X-Mailer: Apple Mail (2.552)",
      "User-Agent: Mozilla Thunderbird 1.0 (Windows/20041206)"
    ])
      expect(features(`${priority}${mailer}`)).toContain("msmail_priority_foreign")
  })

  it("not for Microsoft's programs, web mail, libraries, no program name, or the programs without it", () => {
    const priority = "X-MSMail-Priority: Normal\r\n"
    for (const mailer of [
      "X-Mailer: Microsoft Outlook Express 6.00.2600.0000",
      "X-Mailer: Microsoft Outlook IMO, Build 9.0.2416 (9.0.2910.0)",
      "X-Mailer: Internet Mail Service (5.5.2653.19)",
      "X-Mailer: SquirrelMail (version 1.2.6)",
      "User-Agent: Mozilla/4.0 (compatible; MSIE 6.0; Windows NT 5.1)",
      "X-Mailer: MIME-tools 5.503 (Entity 5.501)",
      "X-Mailer: AspMail 3.53 (SMTP2D571B)",
      "X-Mailer: Evolutionary Mailer",
      ""
    ])
      expect(features(`${priority}${mailer}`)).not.toContain("msmail_priority_foreign")
    expect(features("X-Mailer: The Bat! (v1.52f) Business")).not.toContain("msmail_priority_foreign")
    expect(features("User-Agent: Mutt/1.4i")).not.toContain("msmail_priority_foreign")
  })

  test.prop([
    fc.option(fc.string({ maxLength: 60 }), { nil: undefined }),
    fc.option(fc.string({ maxLength: 300 }), { nil: undefined }),
    fc.option(fc.string({ maxLength: 300 }), { nil: undefined })
  ])("never throws; never without the header", (priority, mailer, agent) => {
    const r = msmailPriorityForeign(priority, mailer, agent)
    expect(typeof r).toBe("boolean")
    if (priority === undefined) expect(r).toBe(false)
  })

  test.prop([fc.constantFrom("Outlook Express 6", "Microsoft Outlook 11", "PHPMailer 5.2", "")])(
    "a program name that is Microsoft's or a library's never counts",
    (name) => {
      expect(msmailPriorityForeign("Normal", name, undefined)).toBe(false)
      expect(msmailPriorityForeign("Normal", `Microsoft ${name}`, `Mozilla/5.0 ${name}`)).toBe(false)
    }
  )
})
