// text_padding_tail: one of a text's last twelve non-blank lines is random padding (a run of
// letters and digits, letters no language spells, a tagged run), on synthetic mail through the
// whole tokenizer and on the check itself; the ends of ordinary mail (names, signatures, list
// footers, order numbers, words, PGP armour) never count; never throws.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { paddingLine, textPaddingTail } from "../../src/classifier/TextPaddingTail.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { parse, rfc822 } from "./support.ts"

const features = (body: string, html = false) => tokenize(parse(rfc822({ subject: "Hello", body, html }))).features
const letter =
  "If anyone has called you names, you can do something now!\r\nClick here to find out how\r\nhttp://example.com/a.cfm\r\n"
const footer = [
  "",
  "--DeathToSpamDeathToSpamDeathToSpam--",
  "",
  "-------------------------------------------------------",
  "This sf.net email is sponsored by: ThinkGeek",
  "http://thinkgeek.com/sf",
  "_______________________________________________",
  "Sightings mailing list",
  "Sightings@lists.example.net",
  "https://lists.example.net/lists/listinfo/sightings",
  ""
].join("\r\n")

describe("text_padding_tail", () => {
  it("padding of each form in a text's tail, with a list's footer after it", () => {
    for (const pad of [
      "mvuyrbjoefexbxbqnxqafujbgnn",
      "rcbvlirnuibhhejdtjdpjyogjdeyrklxvrjwo",
      "(I3-ss1)9302YsCL8-129qkjk2635Okca5-604qkYb2284cVMm7-023uoOI4889tl53",
      "4139vOLW7-758DoDY1425FRhM1-764SMFc8513fCsLl40",
      "xay1992351yq"
    ]) {
      expect(features(`${letter}\r\n${pad}\r\n${footer}`), pad).toContain("text_padding_tail")
      expect(features(`${letter}\r\n  ${pad}  \r\n`), pad).toContain("text_padding_tail")
    }
  })

  it("read from the text an HTML part reduces to as well", () => {
    expect(
      features("<html><body><p>Great offer.</p><p>qxzvbnmlkjhgfdsapoiu</p><p>Bye.</p></body></html>", true)
    ).toContain("text_padding_tail")
  })

  it("not for the ends of ordinary mail", () => {
    for (const end of [
      "Best regards,\r\nJohn",
      "--\r\nJohn Smith\r\njohn@example.net",
      footer,
      "jobfair24-Team",
      "john1978",
      "release-2",
      "Order number: ord2026abc12",
      "ORD-2026-ABC123",
      "1Z999AA10123456784",
      "3f9a2b8c1d7e4f60a9b8c7d6e5f4a3b2c1d0e9f8",
      "internationalization",
      "characterization",
      "Donaudampfschifffahrt",
      "(c)2002-2026 Example Corporation",
      "http://example.com/a1b2c3d4e5f6g7"
    ])
      expect(features(`${letter}${end}\r\n`), end).not.toContain("text_padding_tail")
    expect(features("")).not.toContain("text_padding_tail")
  })

  it("PGP armour is left out, and only the last twelve non-blank lines count", () => {
    const signed = [
      "Thanks, see you.",
      "-----BEGIN PGP SIGNATURE-----",
      "Version: GnuPG v1.0.7 (GNU/Linux)",
      "",
      "iD8DBQE9bEcKD5jX03fqNxQRAmTfAKDM6BDsePbg8fb9Ore0XuS5jB4t1wCfbTcw",
      "mvuyrbjoefexbxbqnxqafujbgnn",
      "=vQ/A",
      "-----END PGP SIGNATURE-----",
      ""
    ].join("\n")
    expect(textPaddingTail([signed])).toBe(false)
    const body = (above: number) =>
      ["mvuyrbjoefexbxbqnxqafujbgnn", ...Array(above).fill("A line of prose."), ""].join("\n")
    expect(textPaddingTail([body(11)])).toBe(true)
    expect(textPaddingTail([body(12)])).toBe(false)
    expect(textPaddingTail(["Hello.", body(3)])).toBe(true)
    expect(textPaddingTail([])).toBe(false)
    expect(textPaddingTail(["\n", "\n\n \n", "\r\n\r\n"])).toBe(false)
  })

  it("the line's forms", () => {
    expect(paddingLine("thereisnothinghere")).toBe(false)
    expect(paddingLine("xay1992351y")).toBe(true)
    expect(paddingLine("bcdfghjklmnpqrstv")).toBe(true)
    expect(paddingLine("aeiouaeiouaeiouae")).toBe(true)
    expect(paddingLine("x1y2z3")).toBe(false)
    expect(paddingLine("ab12xy34zq")).toBe(true)
    expect(paddingLine("ab12-cd34")).toBe(false)
    expect(paddingLine("(tag)short")).toBe(false)
  })

  test.prop([fc.array(fc.string({ maxLength: 3000 }), { maxLength: 5 })])("never throws on any texts", (texts) => {
    expect(typeof textPaddingTail(texts)).toBe("boolean")
  })

  test.prop([fc.array(fc.stringMatching(/^[A-Za-z][a-z]{0,8}( [A-Za-z][a-z]{0,8}){0,9}[.,!]?$/), { maxLength: 30 })])(
    "lines of words and blanks never count",
    (lines) => {
      // A word alone on a line is at most 9 letters here: padding needs 15, or digits.
      expect(textPaddingTail([lines.join("\n")])).toBe(false)
    }
  )

  // The tail read as it was before lines were trimmed in place and tested for a padding line's
  // shape first: each line sliced and trimmed, the armour expressions and `paddingLine` on all.
  const tailBefore = (text: string): boolean => {
    const floor = Math.max(0, text.length - 6_000)
    let end = text.length
    let seen = 0
    let armoured = false
    while (end > floor && seen < 12) {
      const start = Math.max(floor, text.lastIndexOf("\n", end - 1) + 1)
      const line = text.slice(start, end).trim()
      if (/^-----END PGP /.test(line)) armoured = true
      else if (/^-----BEGIN PGP /.test(line)) armoured = false
      else if (!armoured && line.length > 0) {
        if (paddingLine(line)) return true
        seen++
      }
      end = start - 1
    }
    return false
  }
  // Lines of every kind the tail tells apart, with the blanks `trim` removes (Unicode ones too).
  const blank = fc.constantFrom("", " ", "\t", "\r", "\u00a0", "\u2028", "\ufeff", "\u3000", "\u200b")
  const body = fc.oneof(
    fc.constantFrom(
      "mvuyrbjoefexbxbqnxqafujbgnn",
      "(I3-ss1)9302YsCL8-129qkjk2635Okca5-604qkYb2284cVMm7-023uoOI4889tl53",
      "4139vOLW7-758DoDY1425FRhM1-764SMFc8513fCsLl40",
      "xay1992351yq",
      "jobfair24-Team",
      "-----BEGIN PGP SIGNATURE-----",
      "-----END PGP SIGNATURE-----",
      "-- ",
      "Regards, Ann",
      "ORD-2026-ABC123"
    ),
    fc.stringMatching(/^[A-Za-z0-9()-]{0,40}$/),
    fc.string({ maxLength: 30 })
  )
  const line = fc.tuple(blank, body, blank).map(([a, b, c]) => `${a}${b}${c}`)
  test.prop([fc.array(line, { maxLength: 20 }), fc.constantFrom("\n", "\r\n")], { numRuns: 500 })(
    "finds what the tail read line by line as strings found",
    (lines, eol) => {
      const text = lines.join(eol)
      expect(textPaddingTail([text])).toBe(tailBefore(text))
    }
  )
})
