// from_name_caps: a display name in capitals, on synthetic mail through the whole tokenizer and
// on the check itself; never throws on any field.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { displayName, fromNameCaps } from "../../src/classifier/SenderName.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { parse, rfc822 } from "./support.ts"

const features = (from: string) => tokenize(parse(rfc822({ subject: "hello", from, body: "See you." }))).features

describe("from_name_caps", () => {
  it("a name in capitals, quoted or not, with the address in any case", () => {
    expect(features(`"DR SAMUEL EBOKA" <samueleboka11@example.com>`)).toContain("from_name_caps")
    expect(features("UK PRANK CALLS <ebdhfg45@example.com>")).toContain("from_name_caps")
    expect(features(`"CAPT. JOHN OKELE" <JOHNOKELE@EXAMPLE.COM>`)).toContain("from_name_caps")
    // The old comment form names the sender too.
    expect(features("offers@example.com (BEST OFFERS)")).toContain("from_name_caps")
  })

  it("not for a name in mixed case, an acronym, no name, or a name in a script without case", () => {
    expect(features(`"Samuel Eboka" <samuel@example.com>`)).not.toContain("from_name_caps")
    expect(features(`"CNET" <news@example.com>`)).not.toContain("from_name_caps")
    expect(features(`"IBM UK" <news@example.com>`)).not.toContain("from_name_caps")
    expect(features("ALICE.SMITH@EXAMPLE.COM")).not.toContain("from_name_caps")
    expect(features("<ALICE.SMITH@EXAMPLE.COM>")).not.toContain("from_name_caps")
    expect(features("=?utf-8?b?5byg5LiJ5p2O5Zub?= <zhang@example.cn>")).not.toContain("from_name_caps")
  })

  it("reads the name without its addresses", () => {
    expect(displayName(`"JOHN SMITH" <john@example.com>`).trim()).toBe(`"JOHN SMITH"`)
    expect(fromNameCaps(undefined)).toBe(false)
    // Capitals in any script with case: Greek and Cyrillic names count.
    expect(fromNameCaps("ΓΙΑΝΝΗΣ ΠΑΠΑΣ <g@example.gr>")).toBe(true)
    expect(fromNameCaps("Иван Петров <ivan@example.ru>")).toBe(false)
  })

  test.prop([fc.string({ maxLength: 2000 })])("never throws on any field", (from) => {
    expect(typeof fromNameCaps(from)).toBe("boolean")
    // A name in mixed case stays mixed whatever else the field holds.
    expect(fromNameCaps(`Mixed Case Name ${from.replace(/[<>@]/g, " ")}`)).toBe(false)
  })
})
