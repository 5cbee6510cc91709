// Obfuscation, text statistics, HTML and URL features, each shown on synthetic messages with and
// without the trick, through the whole tokenizer (so the wiring is tested too).
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { plainTextMarkup } from "../../src/classifier/Html.ts"
import { analyseObfuscation, hasSpacedWord, substitutedWords } from "../../src/classifier/Obfuscation.ts"
import { analyseText, overlap, textStats } from "../../src/classifier/TextStats.ts"
import { bodyText, tokenize } from "../../src/classifier/Tokenizer.ts"
import { alternativeParts, parse, rfc822 } from "./support.ts"

const plain = (body: string, subject = "hello") => tokenize(parse(rfc822({ subject, body }))).features
const html = (body: string) => tokenize(parse(rfc822({ subject: "news", body, html: true }))).features
const prose = "The committee met on Tuesday to review the draft budget and agreed to publish the minutes next week."

describe("obfuscation", () => {
  it("word_substitution: digits or symbols standing in for letters", () => {
    expect(plain(prose, "Cheap v1agra today")).toContain("word_substitution")
    expect(plain(`${prose} Get m0rtgage quotes and c1alis here.`)).toContain("word_substitution")
    expect(plain(`${prose} Ports: win32, mp3, x86, b2b, i18n, l10n, deadbeef00cafe, user@localhost.`)).not.toContain(
      "word_substitution"
    )
    expect(substitutedWords("pa$$word v!agra")).toBe(2)
    expect(substitutedWords("perl5lib", 10)).toBe(1)
  })

  it("word_substitution: a look-alike keeps one case; a case change at the symbol joins two words", () => {
    expect(substitutedWords("V1AGRA V1agra v1agra")).toBe(3)
    // Sentences glued by an exclamation mark, and a name in camel case repeated by a newsletter.
    expect(substitutedWords("Sign up now!PEAK hours. Tell a FRIEND!To see the Internet!SEND")).toBe(0)
    expect(substitutedWords("Shop at Buy4Now. Buy4Now delivers. Computers4Sure too.")).toBe(0)
    expect(plain(`${prose} Back to school with Buy4Now! Buy4Now has it all.`)).not.toContain("word_substitution")
    expect(plain(`${prose} Get M0RTGAGE quotes and C1alis here.`)).toContain("word_substitution")
  })

  test.prop([fc.stringMatching(/^[a-z0-9$! .\n]{0,200}$/)])(
    "the case of a word written in one case does not matter",
    (text) => {
      expect(substitutedWords(text.toUpperCase())).toBe(substitutedWords(text))
    }
  )

  it("word_spacing: a word spelled out letter by letter", () => {
    expect(plain(`${prose} Order V I A G R A now.`)).toContain("word_spacing")
    expect(plain(prose, "f.r.e.e.e offer")).toContain("word_spacing")
    expect(plain(`${prose} Plan A or B, born in the U.S.A. and a b c.`)).not.toContain("word_spacing")
    expect(hasSpacedWord("m-o-n-e-y")).toBe(true)
    expect(hasSpacedWord("m-o n.e-y")).toBe(false)
  })

  it("zero-width characters and mixed scripts are features of the body and subject", () => {
    expect(plain(`${prose} fr\u200Bee m\u200Boney`)).toContain("body_invisible")
    expect(plain(`${prose} p\u0430ypal account`)).toContain("body_mixed_scripts")
    expect(plain(prose)).not.toContain("body_invisible")
  })

  test.prop([fc.string({ maxLength: 2000 }), fc.string({ maxLength: 200 })])(
    "never throws; features are known names",
    (body, subject) => {
      for (const f of analyseObfuscation(subject, body)) expect(["word_substitution", "word_spacing"]).toContain(f)
    }
  )
})

describe("text statistics", () => {
  it("body_currency_dense: many amounts for the length", () => {
    expect(plain("Was $99, now $19! Save $80. Bonus $500 and € 20 credit.")).toContain("body_currency_dense")
    expect(plain(`${prose} ${prose} The train ticket cost $40.`)).not.toContain("body_currency_dense")
    expect(textStats("$5 $ 6 €7 x$8 12").currency).toBe(4)
  })

  it("body_exclaim_dense: exclamation marks as sentence ends", () => {
    expect(plain("Act now! Limited offer! Call today! Best price! Do not wait! Amazing!")).toContain(
      "body_exclaim_dense"
    )
    expect(plain(`${prose} ${prose} Great work! Thanks!`)).not.toContain("body_exclaim_dense")
  })

  it("body_exclaim: three separate runs of three or more exclamation marks", () => {
    expect(plain(`${prose} Wow!!! Buy now!!! Free!!!!!!`)).toContain("body_exclaim")
    // One long run counts once, however long.
    expect(plain(`${prose} Wow!!!!!!!!! Really!!!`)).not.toContain("body_exclaim")
    expect(plain(`${prose} Great!! Thanks!!`)).not.toContain("body_exclaim")
    // Past the 50,000 characters whose marks the text statistics count, the runs still count.
    expect(plain(`${prose.repeat(520)} Wow!!! Buy now!!! Free!!!!!!`)).toContain("body_exclaim")
  })

  test.prop([fc.array(fc.constantFrom("!", "!", ">", "\n", " ", "a", "Wow"), { maxLength: 80, size: "max" })], {
    numRuns: 300
  })("body_exclaim and quoted_reply as their expressions find them in the text", (pieces) => {
    const body = `${prose}\n${pieces.join("")}`
    const text = bodyText(parse(rfc822({ subject: "hello", body })).body.texts)
    const features = plain(body)
    expect(features.includes("body_exclaim")).toBe((text.match(/!{3,}/g) ?? []).length >= 3)
    expect(features.includes("quoted_reply")).toBe((text.match(/^>/gm) ?? []).length >= 2)
  })

  it("quoted_reply (ham side): two or more lines quoted with >", () => {
    expect(plain(`> Did the build pass?\n> And the tests?\n\nYes, both. ${prose}`)).toContain("quoted_reply")
    expect(plain(`${prose}\n> first quoted line\n> second quoted line\n`)).toContain("quoted_reply")
    expect(plain(`> only one quoted line\n${prose}`)).not.toContain("quoted_reply")
    expect(plain(`${prose} a > b and c > d`)).not.toContain("quoted_reply")
  })

  it("text_html_mismatch: plain and HTML versions of one message that say different things", () => {
    const alternative = (text: string, htmlText: string) =>
      [
        "From: a@example.net",
        "To: b@example.org",
        "Subject: offer",
        "MIME-Version: 1.0",
        'Content-Type: multipart/alternative; boundary="b1"',
        "",
        ...alternativeParts(text, htmlText),
        ""
      ].join("\r\n")
    const other =
      "Lowest prices on replica watches shipped worldwide discreetly, order today using the secure link below and claim your bonus gift certificate instantly without waiting"
    expect(tokenize(parse(alternative(prose + prose.replace("Tuesday", "Friday morning"), other))).features).toContain(
      "text_html_mismatch"
    )
    expect(tokenize(parse(alternative(other, other))).features).not.toContain("text_html_mismatch")
    expect(overlap("alpha beta gamma", "gamma beta alpha delta")).toBe(1)
  })

  test.prop([
    fc.string({ unit: "grapheme", maxLength: 3000 }),
    fc.option(fc.tuple(fc.string({ maxLength: 500 }), fc.string({ maxLength: 500 })), { nil: undefined })
  ])("never throws; counts are bounded by the text", (text, alternative) => {
    const s = textStats(text)
    expect(s.upper).toBeLessThanOrEqual(s.letters)
    expect(s.currency).toBeLessThanOrEqual(s.digits)
    expect(s.letters + s.digits + s.punctuation).toBeLessThanOrEqual(text.length)
    const r = analyseText(text, alternative)
    for (const f of r.features) expect(["body_currency_dense", "body_exclaim_dense", "text_html_mismatch"]).toContain(f)
  })

  it("stat tokens bucket capitals, digits and punctuation", () => {
    const r = analyseText("ALL CAPS SHOUTING HERE AND MORE OF IT EVERYWHERE YOU LOOK TODAY 12345 !!!")
    expect(r.tokens).toContain("stat:caps:40+")
    expect(analyseText("short").tokens).toEqual([])
  })
})

describe("HTML features", () => {
  it("html_tiny_font: font size 1 or a 2-5 px CSS font", () => {
    expect(html(`<p>${prose}</p><font size="1">random words to fool filters</font>`)).toContain("html_tiny_font")
    expect(html(`<p>${prose}</p><span style="font-size: 3px">random words</span>`)).toContain("html_tiny_font")
    expect(html(`<p style="font-size: 12px">${prose}</p>`)).not.toContain("html_tiny_font")
  })

  it("html_white_text: white text with no background colour", () => {
    expect(html(`<p>${prose}</p><font color="#ffffff">hidden words</font>`)).toContain("html_white_text")
    expect(html(`<p>${prose}</p><span style="color: white">hidden</span>`)).toContain("html_white_text")
    expect(
      html(`<table><tr><td bgcolor="#003366"><font color="#ffffff">${prose}</font></td></tr></table>`)
    ).not.toContain("html_white_text")
  })

  it("image_only, html_form, url_text_mismatch and html_hidden_text", () => {
    expect(html(`<img src="http://img.example.com/a.gif"> Buy`)).toContain("image_only")
    expect(html(`<p>${prose}</p><form action="http://example.com/x"><input name="card"></form>`)).toContain("html_form")
    expect(html(`<p>${prose}</p><a href="http://evil.example.com/login">https://www.mybank.com/login</a>`)).toContain(
      "url_text_mismatch"
    )
    expect(
      html(`<p>${prose}</p><a href="https://www.mybank.com/login">https://www.mybank.com/login</a>`)
    ).not.toContain("url_text_mismatch")
    expect(html(`<p>${prose}</p><div style="display:none">hidden words</div>`)).toContain("html_hidden_text")
    expect(html(`<p>${prose}</p>`)).not.toContain("html_hidden_text")
  })

  it("text_plain_markup: HTML layout tags in a message with no HTML part", () => {
    const sent = `${prose}<br>\n<br><a href="http://offers.example.com">Click Here</a>\n<br><font size=4>Act now</font><p>`
    expect(plain(sent)).toContain("text_plain_markup")
    // Four tags, code in angle brackets, or addresses: someone discussing a page or a header.
    expect(
      plain(`${prose} Use <br> or <p> and <b>, not <div>. See <alice@example.net>, #include <stdio.h>, <T extends X>.`)
    ).not.toContain("text_plain_markup")
    // The same tags in a real HTML part are HTML, not a trick.
    expect(html(`<p>${prose}</p><br><br><a href="http://example.com/">more</a><br><p>`)).not.toContain(
      "text_plain_markup"
    )
    expect(plainTextMarkup("<br><br><br><br><br>")).toBe(true)
    expect(plainTextMarkup("<br><br><br><br>")).toBe(false)
  })
})

describe("URL features", () => {
  const link = (url: string) => plain(`${prose} See ${url} for details.`)
  it("url_shortener", () => {
    expect(link("https://bit.ly/3xYz")).toContain("url_shortener")
    expect(link("https://www.example.com/page")).not.toContain("url_shortener")
  })
  it("url_many_subdomains", () => {
    expect(link("http://www.paypal.com.secure.login.example.net/verify")).toContain("url_many_subdomains")
    expect(link("http://www.mail.example.com/inbox")).not.toContain("url_many_subdomains")
  })
  it("url_punycode and url_confusable_host", () => {
    expect(link("http://xn--pypal-4ve.com/login")).toContain("url_punycode")
    expect(
      tokenize(
        parse(rfc822({ subject: "x", body: `${prose} <a href="http://p\u0430ypal.com/login">login</a>`, html: true }))
      ).features.some((f) => f === "url_punycode" || f === "url_confusable_host")
    ).toBe(true)
    expect(link("http://paypal.com/login")).not.toContain("url_punycode")
  })
  it("url_redirect: a URL inside a query or path", () => {
    expect(link("http://www.example.com/out?url=http://evil.example.net/x")).toContain("url_redirect")
    expect(link("http://www.example.com/r/http://evil.example.net/x")).toContain("url_redirect")
    expect(link("http://www.example.com/page?id=42&lang=en")).not.toContain("url_redirect")
  })
  it("url_ip_literal and url_odd_port", () => {
    expect(link("http://203.0.113.9/win")).toContain("url_ip_literal")
    expect(link("http://www.example.com:8081/win")).toContain("url_odd_port")
    expect(link("http://www.example.com/win")).not.toContain("url_odd_port")
  })
})
