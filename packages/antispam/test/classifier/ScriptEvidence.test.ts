// Round 57's header traits against the script the body declares: header_unencoded_script (a
// Subject or From of raw 8-bit bytes over a Korean, Chinese, Japanese or Cyrillic body),
// from_name_address_script (the From's name is its address again, over such a body) and
// subject_ad_marker (the label a rule asks of unsolicited advertising at the subject's head). On
// hand-written mail through the whole tokenizer and on the checks themselves; a Latin or UTF-8
// body, encoded words, a person's From and a label inside a reply never count; never throws.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { declaredScripts } from "../../src/classifier/BodyScript.ts"
import { FEATURE_SIGNS, LATE_STAGES } from "../../src/classifier/FeatureSigns.ts"
import { fromNameAddressScript, nameIsAddress } from "../../src/classifier/FromNameAddressScript.ts"
import { hasRawEightBit, headerUnencodedScript } from "../../src/classifier/HeaderUnencodedScript.ts"
import { scriptFeatures } from "../../src/classifier/ScriptEvidence.ts"
import { hasAdMarker, subjectAdMarker } from "../../src/classifier/SubjectAdMarker.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { parse } from "./support.ts"

/** Bytes of a string of code points below 256, one byte each (EUC-KR, GB2312, Latin-1 text alike). */
const bytes = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0))
// "광고" (advertisement) and "안녕" (hello) in EUC-KR; "你好" in GB2312: the bytes a program wrote.
const KO_AD = "\xb1\xa4\xb0\xed"
const KO_HELLO = "\xbe\xc8\xb3\xe7"
const GB_HELLO = "\xc4\xe3\xba\xc3"
/** An RFC 2047 word of `text` in UTF-8, base64. */
const utf8Word = (text: string): string => `=?utf-8?B?${Buffer.from(text, "utf8").toString("base64")}?=`

const message = (o: { subject: string; from?: string; charset: string; body: string; extra?: string }) =>
  parse(
    bytes(
      [
        `From: ${o.from ?? "Shop <news@shop.example>"}`,
        "To: bob@example.org",
        `Subject: ${o.subject}`,
        "Date: Mon, 1 Jun 2026 10:00:00 +0900",
        "Message-ID: <abc123@shop.example>",
        "MIME-Version: 1.0",
        `Content-Type: text/html; charset=${o.charset}`,
        ...(o.extra ? [o.extra] : []),
        "",
        `<html><body><p>${o.body}</p></body></html>`,
        ""
      ].join("\r\n")
    )
  )
const features = (m: ReturnType<typeof parse>) => tokenize(m).features

describe("the body's declared scripts", () => {
  it("reads the text parts' charsets, Latin and UTF-8 left out", () => {
    expect(declaredScripts(message({ subject: "x", charset: "euc-kr", body: KO_HELLO }).mime)).toEqual(["ko"])
    expect(declaredScripts(message({ subject: "x", charset: '"GB2312"', body: GB_HELLO }).mime)).toEqual(["zh-hans"])
    expect(declaredScripts(message({ subject: "x", charset: "koi8-r", body: "\xf0\xf2" }).mime)).toEqual(["cyrillic"])
    expect(declaredScripts(message({ subject: "x", charset: "utf-8", body: "hi" }).mime)).toEqual([])
    expect(declaredScripts(message({ subject: "x", charset: "iso-8859-1", body: "caf\xe9" }).mime)).toEqual([])
    expect(declaredScripts(undefined)).toEqual([])
  })

  it("not a file attached as text", () => {
    const m = parse(
      bytes(
        [
          "From: a@example.net",
          "Subject: report",
          "MIME-Version: 1.0",
          'Content-Type: multipart/mixed; boundary="b"',
          "",
          "--b",
          "Content-Type: text/plain; charset=us-ascii",
          "",
          "See the file.",
          "--b",
          "Content-Type: text/plain; charset=gb2312",
          'Content-Disposition: attachment; filename="list.txt"',
          "",
          GB_HELLO,
          "--b--",
          ""
        ].join("\r\n")
      )
    )
    expect(declaredScripts(m.mime)).toEqual([])
  })
})

describe("header_unencoded_script", () => {
  it("a Korean subject written as bytes over a Korean body", () => {
    const m = message({ subject: `[${KO_AD}] ${KO_HELLO}`, charset: "ks_c_5601-1987", body: KO_HELLO })
    expect(headerUnencodedScript(m)).toBe(true)
    expect(features(m)).toContain("header_unencoded_script")
    expect(tokenize(m).tokens).toContain("feat:header_unencoded_script")
  })

  it("a From whose name is raw bytes over a Chinese body", () => {
    const m = message({ subject: "hello", from: `${GB_HELLO} <a@shop.example>`, charset: "gb2312", body: GB_HELLO })
    expect(headerUnencodedScript(m)).toBe(true)
  })

  it("not for encoded words, nor over a Latin or UTF-8 body", () => {
    expect(headerUnencodedScript(message({ subject: utf8Word("안녕"), charset: "euc-kr", body: KO_HELLO }))).toBe(false)
    expect(headerUnencodedScript(message({ subject: "caf\xe9 menu", charset: "iso-8859-1", body: "caf\xe9" }))).toBe(
      false
    )
    // RFC 6532: UTF-8 in a header of a message whose body is UTF-8 too.
    const utf8 = parse(
      new TextEncoder().encode("Subject: 안녕하세요\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n안녕\r\n")
    )
    expect(headerUnencodedScript(utf8)).toBe(false)
  })

  it("reads a header's characters, not its length", () => {
    expect(hasRawEightBit("plain ascii")).toBe(false)
    expect(hasRawEightBit("\xb1\xa4")).toBe(true)
    expect(hasRawEightBit(undefined)).toBe(false)
  })
})

describe("from_name_address_script", () => {
  it("the address as the name, quoted or not, over a Chinese body", () => {
    expect(nameIsAddress('"gu@mail.example" <gu@mail.example>')).toBe(true)
    expect(nameIsAddress("Gu@Mail.example <gu@mail.example>")).toBe(true)
    const m = message({ subject: "hi", from: '"gu@mail.example" <gu@mail.example>', charset: "gb2312", body: GB_HELLO })
    expect(fromNameAddressScript(m)).toBe(true)
    expect(features(m)).toContain("from_name_address_script")
  })

  it("not for a person's name, an address alone, another address or a Latin body", () => {
    expect(nameIsAddress("Wang Wei <gu@mail.example>")).toBe(false)
    expect(nameIsAddress("gu@mail.example")).toBe(false)
    expect(nameIsAddress("<gu@mail.example>")).toBe(false)
    expect(nameIsAddress('"sales@mail.example" <gu@mail.example>')).toBe(false)
    expect(nameIsAddress(undefined)).toBe(false)
    const latin = message({ subject: "hi", from: '"gu@mail.example" <gu@mail.example>', charset: "utf-8", body: "hi" })
    expect(fromNameAddressScript(latin)).toBe(false)
  })
})

describe("subject_ad_marker", () => {
  it("the Korean label, in an encoded word or as raw bytes read in the body's charset", () => {
    expect(subjectAdMarker(message({ subject: utf8Word("(광고) 여름 세일"), charset: "utf-8", body: "hi" }))).toBe(true)
    const raw = message({ subject: `[${KO_AD}] ${KO_HELLO}`, charset: "euc-kr", body: KO_HELLO })
    expect(subjectAdMarker(raw)).toBe(true)
    expect(scriptFeatures(raw)).toEqual(["header_unencoded_script", "subject_ad_marker"])
  })

  it("the label's written forms: spaced or dashed Korean, Japanese, bracketed Chinese", () => {
    expect(hasAdMarker("(광---고) 신상품")).toBe(true)
    expect(hasAdMarker("  [광 고]신상품")).toBe(true)
    expect(hasAdMarker("未承諾広告※ お知らせ")).toBe(true)
    expect(hasAdMarker("【广告】 新品")).toBe(true)
    expect(hasAdMarker("（廣告）新品")).toBe(true)
  })

  it("not inside a reply, without brackets, nor the English ADV", () => {
    expect(hasAdMarker("Re: (광고) 신상품")).toBe(false)
    expect(hasAdMarker("광고 문의드립니다")).toBe(false)
    expect(hasAdMarker("广告合作")).toBe(false)
    expect(hasAdMarker("ADV: low rates")).toBe(false)
    expect(hasAdMarker("(AD) meeting")).toBe(false)
    expect(hasAdMarker(undefined)).toBe(false)
    expect(subjectAdMarker(message({ subject: "hello", charset: "euc-kr", body: KO_HELLO }))).toBe(false)
  })
})

describe("round 57's stage", () => {
  it("weighed towards spam only, fitted late in a stage of their own", () => {
    expect(FEATURE_SIGNS.header_unencoded_script).toBe(1)
    expect(FEATURE_SIGNS.from_name_address_script).toBe(1)
    expect(FEATURE_SIGNS.subject_ad_marker).toBe(1)
    expect(LATE_STAGES).toContainEqual(["header_unencoded_script", "from_name_address_script", "subject_ad_marker"])
  })

  it("a Korean person's mail carries none", () => {
    const m = message({
      subject: `=?euc-kr?B?${Buffer.from(bytes(KO_HELLO)).toString("base64")}?=`,
      from: `=?euc-kr?B?${Buffer.from(bytes(KO_HELLO)).toString("base64")}?= <kim@mail.example>`,
      charset: "euc-kr",
      body: KO_HELLO
    })
    expect(scriptFeatures(m)).toEqual([])
  })

  test.prop([fc.uint8Array({ maxLength: 4000 })])("never throws on any bytes", (b) => {
    const m = parse(b)
    expect(Array.isArray(scriptFeatures(m))).toBe(true)
  })

  test.prop([fc.string({ maxLength: 300 }), fc.string({ maxLength: 300 })])(
    "never throws on any subject or From, and ASCII headers never count as raw bytes",
    (subject, from) => {
      const clean = (s: string) => s.replace(/[\r\n]/g, " ")
      const m = message({ subject: clean(subject), from: clean(from), charset: "euc-kr", body: KO_HELLO })
      expect(Array.isArray(scriptFeatures(m))).toBe(true)
      if (/^[\x20-\x7e]*$/.test(subject) && /^[\x20-\x7e]*$/.test(from)) expect(headerUnencodedScript(m)).toBe(false)
    }
  )

  test.prop([fc.string({ minLength: 1, maxLength: 40 }).filter((s) => /^[A-Za-z0-9]/.test(s))])(
    "a label after other text at the subject's head never counts",
    (head) => {
      expect(hasAdMarker(`${head} (광고) 신상품`)).toBe(false)
      expect(hasAdMarker(`${head}未承諾広告※`)).toBe(false)
    }
  )
})
