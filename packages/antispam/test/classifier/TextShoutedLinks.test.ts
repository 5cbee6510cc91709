// text_shouted_links: a short text with three or more lines ending in `!` and two or more lines
// that are a link alone, on synthetic mail through the whole tokenizer and on the check itself;
// a friend's links, an announcement's two exclamations, links inside sentences, long texts never
// count; never throws.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { textShoutedLinks } from "../../src/classifier/TextShoutedLinks.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { parse, rfc822 } from "./support.ts"

const features = (body: string) => tokenize(parse(rfc822({ subject: "Hello", body }))).features
const offer = (lines: ReadonlyArray<string>) => lines.join("\r\n")
const ad = [
  "Are you ready to hear the cold hard facts?",
  "",
  "http://offer.example.com/a",
  "",
  "Now you can RETIRE in 6 months!",
  "Want to make MORE while you do LESS!",
  "Click here when you're ready for some real money!",
  "",
  "  http://offer.example.com/a  ",
  "",
  "Don't be left behind... ACT NOW!"
]

describe("text_shouted_links", () => {
  it("a short offer: shouted lines and links alone on their lines", () => {
    expect(features(offer(ad))).toContain("text_shouted_links")
    expect(textShoutedLinks([ad.join("\n")])).toBe(true)
    const www = ad.map((l) => l.replace("http://offer.example.com/a", "<www.example.com>"))
    expect(textShoutedLinks([www.join("\n")])).toBe(true)
  })

  it("not with two exclamations, one link alone, or links inside sentences", () => {
    const twoShouts = ad.filter((l) => !l.startsWith("Don't") && !l.startsWith("Want"))
    expect(features(offer(twoShouts))).not.toContain("text_shouted_links")
    const oneLink = ad.filter((l) => !l.includes("  http"))
    expect(features(offer(oneLink))).not.toContain("text_shouted_links")
    const inline = ad.map((l) => (l.includes("http") ? `See ${l.trim()} for more` : l))
    expect(features(offer(inline))).not.toContain("text_shouted_links")
  })

  it("not for a friend's note or a long text", () => {
    const note = [
      "Hi Bob,",
      "Great to see you yesterday!",
      "Here are the photos:",
      "http://photos.example.net/album/1",
      "http://photos.example.net/album/2",
      "Cheers, Ann"
    ]
    expect(features(offer(note))).not.toContain("text_shouted_links")
    const sentence = "The release notes list every change made since the last version of the package. "
    expect(features(offer([...ad, sentence.repeat(12)]))).not.toContain("text_shouted_links")
  })

  it("reads every text and skips what is not one", () => {
    expect(textShoutedLinks(["Hello.", ad.join("\n")])).toBe(true)
    expect(textShoutedLinks([])).toBe(false)
    expect(textShoutedLinks([undefined, 7])).toBe(false)
  })

  test.prop([fc.array(fc.oneof(fc.string({ maxLength: 3000 }), fc.anything()), { maxLength: 5 })])(
    "never throws on any texts",
    (texts) => {
      expect(typeof textShoutedLinks(texts)).toBe("boolean")
    }
  )

  test.prop([fc.array(fc.stringMatching(/^[A-Za-z][a-z]{0,8}( [A-Za-z][a-z]{0,8}){0,9}[.,!]?$/), { maxLength: 40 })])(
    "lines of words without links never count",
    (lines) => {
      expect(textShoutedLinks([lines.join("\n")])).toBe(false)
    }
  )
})
