// to_stand_in: the To field is a bulk tool's stand-in for its list (a random run of letters on
// From's own domain, or a Windows path where the address goes), on synthetic mail through the
// whole tokenizer and on the check itself; people's addresses (names, initials and a name, mail
// to oneself, other domains, Cc'd mail) never count; never throws.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { randomLocalPart, toStandIn } from "../../src/classifier/BulkToolToStandIn.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { parse, withHeaders } from "./support.ts"

const features = (from: string, to: string, cc?: string) =>
  tokenize(
    parse(
      withHeaders([
        `From: ${from}`,
        `To: ${to}`,
        ...(cc === undefined ? [] : [`Cc: ${cc}`]),
        "Subject: ADV: Extended Auto Warranties Here",
        "Date: Wed, 18 Sep 2002 23:32:28 -0400",
        "Message-Id: <200209190332.g8J3WST10360@44yes.onlineisbest.com>"
      ])
    )
  ).features

describe("to_stand_in", () => {
  it("a random run of letters on From's own domain, through the tokenizer", () => {
    expect(features("firstever001@44yes.onlineisbest.com", "qpwzztnclt@onlineisbest.com")).toContain("to_stand_in")
    expect(features("mort239o@pac21.westernbarge.com", "qrgpgprrcd@pac21.westernbarge.com")).toContain("to_stand_in")
    expect(features("freequote@2x12.2xthemoney.com", "<xtnmzfdhxg@2xthemoney.com>")).toContain("to_stand_in")
  })

  it("a Windows path where the address goes", () => {
    expect(features('"mary" <rye5@iafrica.com>', "<C:`Bulk.AdzMTGhugebreast0010.txt@relay.example.org>")).toContain(
      "to_stand_in"
    )
    expect(toStandIn("C:\\lists\\all.txt", undefined, "a@example.net")).toBe(true)
    expect(toStandIn('"List" <D:`mail.txt@example.org>', undefined, undefined)).toBe(true)
  })

  it("not for people's addresses", () => {
    // A colleague on the sender's domain: a name, initials and a name, a German surname.
    for (const to of [
      "jschmidtke@example.com",
      "kschwarzkopf@example.com",
      "margaret.thatcher@example.com",
      "bob@example.com",
      "strzeleckie@example.com"
    ])
      expect(features("ann@mail.example.com", to)).not.toContain("to_stand_in")
    // Mail to oneself, and a random-looking address on another domain (free mail users' names are not read).
    expect(features("qpwzztnclt@example.com", "qpwzztnclt@example.com")).not.toContain("to_stand_in")
    expect(features("ann@example.com", "qpwzztnclt@hotmail.com")).not.toContain("to_stand_in")
    // More than one recipient, or a Cc: mail to people.
    expect(features("ann@example.com", "qpwzztnclt@example.com, bob@example.com")).not.toContain("to_stand_in")
    expect(features("ann@example.com", "qpwzztnclt@example.com", "bob@example.org")).not.toContain("to_stand_in")
    // No From to compare with, no To at all, a colon in a display name.
    expect(toStandIn("qpwzztnclt@example.com", undefined, undefined)).toBe(false)
    expect(toStandIn(undefined, undefined, "ann@example.com")).toBe(false)
    expect(toStandIn('"Re: a:b" <bob@example.com>', undefined, "ann@example.com")).toBe(false)
  })

  it("reads a run of letters as random only when no language spells it", () => {
    expect(randomLocalPart("qpwzztnclt")).toBe(true) // no vowel
    expect(randomLocalPart("budmvxtvxf")).toBe(true) // one vowel in ten
    expect(randomLocalPart("shjtqsfemu")).toBe(true) // seven consonants in a row
    expect(randomLocalPart("jschmidtke")).toBe(false) // five in a row, two vowels
    expect(randomLocalPart("qpwzztncl")).toBe(false) // nine letters: too short to tell
    expect(randomLocalPart("qpwzz.tnclt")).toBe(false) // not letters only
    expect(randomLocalPart("QPWZZTNCLT")).toBe(false) // lower-case only
  })

  test.prop([fc.option(fc.string({ maxLength: 3000 })), fc.option(fc.string()), fc.option(fc.string())])(
    "never throws on any fields",
    (to, cc, from) => {
      expect(typeof toStandIn(to ?? undefined, cc ?? undefined, from ?? undefined)).toBe("boolean")
    }
  )

  // Its rules for a To of one address, read in any order: a random local part, no Cc, a From that is
  // another address on the same site (`mail.example.com` and `example.com` are one).
  const site = { "example.com": "example.com", "mail.example.com": "example.com", "example.org": "example.org" }
  test.prop([
    fc.constantFrom("qpwzztnclt", "Qpwzztnclt", "budmvxtvxf", "anna", "jschmidtke", "firstever001"),
    fc.constantFrom(...Object.keys(site)),
    fc.option(fc.constantFrom("carl@example.com", "", "nobody")),
    fc.option(fc.constantFrom("qpwzztnclt", "QPWZZTNCLT", "sales", "firstever001")),
    fc.constantFrom(...Object.keys(site))
  ])("a To of one address counts by its rules alone", (toLocal, toHost, cc, fromLocal, fromHost) => {
    const to = `${toLocal}@${toHost}`
    const from = fromLocal === null ? "Sales Team" : `Sales <${fromLocal}@${fromHost}>`
    const expected =
      randomLocalPart(toLocal) &&
      (cc === null || !cc.includes("@")) &&
      fromLocal !== null &&
      `${fromLocal}@${fromHost}`.toLowerCase() !== to.toLowerCase() &&
      site[toHost as keyof typeof site] === site[fromHost as keyof typeof site]
    expect(toStandIn(to, cc ?? undefined, from)).toBe(expected)
  })

  test.prop([fc.stringMatching(/^[a-z]{1,8}[aeiou][a-z]{0,3}[aeiou][a-z]{0,8}$/), fc.stringMatching(/^[a-z]{2,10}$/)])(
    "a name with two vowels and no six consonants in a row never counts",
    (local, domain) => {
      fc.pre(!/[b-df-hj-np-tv-xz]{6}/.test(local))
      expect(toStandIn(`${local}@${domain}.com`, undefined, `ann@mail.${domain}.com`)).toBe(false)
    }
  )
})
