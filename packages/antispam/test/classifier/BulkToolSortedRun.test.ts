// to_sorted_run: three recipients in a row whose addresses follow each other in alphabetical order,
// with the same first character, on two or more registrable domains (a bulk tool walking its
// sorted list of collected addresses), on synthetic mail through the whole tokenizer and on the
// check itself; people's recipients (friends, colleagues on one domain, three in order by chance,
// a list address) never count; never throws.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { recipientsSortedRun } from "../../src/classifier/BulkToolSortedRun.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { parse, withHeaders } from "./support.ts"

/** The check on one To field and one Cc field (either absent). */
const sortedRun = (to: string | undefined, cc: string | undefined) =>
  recipientsSortedRun(to === undefined ? [] : [to], cc === undefined ? [] : [cc])

const features = (recipientLines: ReadonlyArray<string>) =>
  tokenize(
    parse(
      withHeaders([
        "From: Pamela@blinkese.example",
        ...recipientLines,
        "Subject: Hey wassup, Remember me ;)",
        "Date: Thu, 25 Jul 2002 01:23:45 -0400",
        "Message-Id: <200207250523.BAA06990@newweb.example.com>"
      ])
    )
  ).features

describe("to_sorted_run", () => {
  it("a sorted list's neighbours on unrelated domains, through the tokenizer", () => {
    expect(features(["To: cpuma@earthlink.example, cpumatt@trib.example, cpun@rocketmail.example"])).toContain(
      "to_sorted_run"
    )
    // The run may start anywhere, and continue from To into Cc.
    expect(
      features([
        "To: ann@example.org, webmaster@egarde.example.com",
        "Cc: webmaster@egay.example.net, webmaster@egert.example.de"
      ])
    ).toContain("to_sorted_run")
    // One field per recipient, folded lines, display names and angle brackets.
    expect(
      features([
        'To: "Foo FAQ" <foo-faq@foo-ag.example.de>,',
        " FOREGONE@MSN.example.com, forgione@starpower.example.net"
      ])
    ).toContain("to_sorted_run")
  })

  it("the same local part on domains in order counts too", () => {
    expect(sortedRun("jm@neteze.example, jm@netnote.example, jm@nstar.example", undefined)).toBe(true)
  })

  it("not for people's recipients", () => {
    // Friends and colleagues in no order.
    expect(features(["To: bob@example.com, alice@example.net, carol@example.org"])).not.toContain("to_sorted_run")
    // Three in alphabetical order, but not the same first character: one in six of any three is.
    expect(features(["To: alice@example.com, bob@example.net, carol@example.org"])).not.toContain("to_sorted_run")
    // Colleagues from a sorted directory, all on one organisation's domain (its hosts too).
    expect(features(["To: alice@corp.example.com, andy@corp.example.com, anne@mail.corp.example.com"])).not.toContain(
      "to_sorted_run"
    )
    // Two in order only, or a name repeated.
    expect(sortedRun("cpuma@a.example, cpumatt@b.example", undefined)).toBe(false)
    expect(sortedRun("cpuma@a.example, cpuma@a.example, cpuma@a.example", undefined)).toBe(false)
    // Descending order is a reply-all's or a person's, not a list walked forwards.
    expect(sortedRun("cpun@c.example, cpumatt@b.example, cpuma@a.example", undefined)).toBe(false)
    // No recipients at all.
    expect(sortedRun(undefined, undefined)).toBe(false)
    expect(sortedRun("undisclosed-recipients:;", "")).toBe(false)
  })

  test.prop([
    fc.array(fc.string({ maxLength: 5000 }), { maxLength: 4 }),
    fc.array(fc.string({ maxLength: 5000 }), { maxLength: 4 })
  ])("never throws on any fields", (to, cc) => {
    expect(typeof recipientsSortedRun(to, cc)).toBe("boolean")
  })

  it("a run across fields, one per recipient", () => {
    expect(recipientsSortedRun([], ["cpuma@a.example", "cpumatt@b.example", "cpun@c.example"])).toBe(true)
  })

  test.prop([
    fc.array(fc.stringMatching(/^[a-z]{1,12}$/), { minLength: 3, maxLength: 20 }),
    fc.stringMatching(/^[a-z]{2,10}$/)
  ])("recipients all on one domain never count, in any order", (locals, domain) => {
    const to = locals.map((l) => `${l}@${domain}.example.com`).join(", ")
    expect(sortedRun(to, undefined)).toBe(false)
  })

  test.prop([fc.uniqueArray(fc.stringMatching(/^[a-z]{2,12}$/), { minLength: 3, maxLength: 12 })])(
    "recipients sorted by address with the same first character on their own domains always count",
    (locals) => {
      const sorted = locals.map((l) => `q${l}`).sort()
      const to = sorted.map((l, i) => `${l}@site${i}.example`).join(", ")
      expect(sortedRun(to, undefined)).toBe(true)
    }
  )
})
