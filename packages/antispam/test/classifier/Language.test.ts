// languageOf: a tokenized message's language (Latin text, by its function words) or script
// (round 45 in docs/classifier.md), the tag OneSidedLanguages.ts counts training mail by.
import { readdirSync, readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { parseMessage } from "../../src/classifier/Corpus.ts"
import { FUNCTION_WORDS, languageOf, UNDETERMINED } from "../../src/classifier/Language.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { parse, rfc822 } from "./support.ts"

const SCRIPTS = ["Cyrl", "Grek", "Arab", "Hebr", "Thai", "Hani", "Jpan", "Kore"]
const TAGS = new Set([UNDETERMINED, ...SCRIPTS, ...Object.keys(FUNCTION_WORDS)])
const of = (subject: string, body: string) => languageOf(tokenize(parse(rfc822({ subject, body }))).tokens)

describe("languageOf", () => {
  it("names Latin text by its function words", () => {
    expect(of("Meeting", "Thanks for the notes, I will have them ready and send you all that we have.")).toBe("en")
    expect(of("Treffen", "Ich habe die Unterlagen und bitte dich, sie mit uns auf der Sitzung zu besprechen.")).toBe(
      "de"
    )
    expect(of("Rencontre", "Nous vous attendons pour une lecture avec les auteurs dans notre librairie.")).toBe("fr")
    expect(of("Oferta", "Você está recebendo este e-mail porque se cadastrou para não perder mais ofertas.")).toBe("pt")
    expect(
      of("Rezervasyon", "Sayın yolcumuz, yaz için erken rezervasyon fırsatı daha çok kısa bir süre sürecek.")
    ).toBe("tr")
  })

  it("names a script by its words, Japanese by its kana beside Han", () => {
    expect(of("Привет", "Добрый день, высылаю вам счёт за сентябрь, спасибо за работу")).toBe("Cyrl")
    expect(of("Καλημέρα", "Σας στέλνω τις φωτογραφίες από το ταξίδι μας στην Κρήτη")).toBe("Grek")
    expect(of("新书推荐", "亲爱的会员 您好 本月新书 围城 中国古代建筑史 查看更多新书")).toBe("Hani")
    expect(of("打ち合わせ", "鈴木様 来週の打ち合わせの件 よろしくお願いいたします 営業部")).toBe("Jpan")
    expect(of("11월 소식", "회원님 안녕하세요 11월 소식을 드립니다 신청은 홈페이지에서 받습니다")).toBe("Kore")
  })

  it("leaves little text, and text of no listed language, undetermined", () => {
    expect(of("Hi", "ok")).toBe(UNDETERMINED)
    expect(of("zyx", "qqqq rrrr ssss tttt")).toBe(UNDETERMINED)
    expect(languageOf([])).toBe(UNDETERMINED)
  })

  it("reads no header, link or feature token as a word", () => {
    const words = ["les", "des", "pour", "vous", "avec"]
    expect(languageOf(words)).toBe("fr")
    const noise = ["from:name:the", "url:dom:and.com", "feat:html_only", "charset:koi8-r", "rcvd:dom:für.de"]
    expect(languageOf(noise)).toBe(UNDETERMINED)
    expect(languageOf([...noise, ...words])).toBe("fr")
  })

  it("counts a word of the subject and the body once", () => {
    // `para` and `por` are Spanish and Portuguese: twice, they outweighed the Portuguese words.
    const pt = ["você", "está", "este", "para", "não", "mais", "são", "por"]
    expect(languageOf([...pt, "subj:por", "subj:para"])).toBe("pt")
  })

  it("tags the round 41 fixtures by the language their names give, or leaves them undetermined", () => {
    const script: Record<string, string> = { ru: "Cyrl", el: "Grek", zh: "Hani", ja: "Jpan", ko: "Kore" }
    let named = 0
    for (const label of ["ham", "spam"]) {
      const dir = fileURLToPath(new URL(`fixtures/languages/${label}/`, import.meta.url))
      for (const name of readdirSync(dir).filter((f) => f.endsWith(".eml"))) {
        const tag = languageOf(tokenize(parseMessage(readFileSync(dir + name))).tokens)
        const code = name.slice(0, 2)
        expect([script[code] ?? code, UNDETERMINED], name).toContain(tag)
        if (tag !== UNDETERMINED) named++
      }
    }
    // The undetermined ones are two short personal messages (Czech, Polish).
    expect(named).toBeGreaterThanOrEqual(42)
  })

  test.prop([fc.array(fc.string({ maxLength: 20, unit: "binary" }), { maxLength: 60 })])(
    "never throws on any token list, and gives one of its tags whatever the tokens' order",
    (tokens) => {
      const tag = languageOf(tokens)
      expect(TAGS.has(tag)).toBe(true)
      expect(languageOf([...tokens].reverse())).toBe(tag)
    }
  )

  test.prop([fc.array(fc.constantFrom(...Object.values(FUNCTION_WORDS).flat(), "доброе", "書店", "서점", "かな"))])(
    "never throws on words of the lists and scripts, and a prefixed copy of each changes nothing",
    (words) => {
      const tag = languageOf(words)
      expect(TAGS.has(tag)).toBe(true)
      expect(languageOf([...words, ...words.map((w) => `url:dom:${w}`)])).toBe(tag)
    }
  )
})
