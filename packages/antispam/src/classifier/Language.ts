/**
 * A tokenized message's language or script, for training (OneSidedLanguages.ts): which of the
 * training mail's languages a message is written in, so that the model can tell a language the
 * corpus holds in both classes from one it holds only as spam.
 *
 * Read from the tokens the model counts, not the text: the body's and the subject's words
 * (tokens without a `name:` prefix, and `subj:` ones), and the first character that a long run's
 * `skip:` token keeps (a Chinese or Japanese sentence without spaces is one such run). A script
 * other than Latin names the message when its words are at least `SCRIPT_WORDS` and a third of
 * the Latin ones (a CJK token is a phrase, worth several Latin words); Japanese is Han with kana.
 * Latin text is named by its function words (`FUNCTION_WORDS`, words of three letters or more,
 * as the tokenizer keeps no shorter word): the language with the most distinct ones, at least
 * `LATIN_WORDS` and half again as many as the runner-up. Anything else is `und` (undetermined:
 * little text, or a mix).
 *
 * **Gotchas**
 * The tags are ISO 639-1 codes for Latin languages and ISO 15924 codes for scripts (`Cyrl` is
 * Russian, Ukrainian or Bulgarian alike; `Hani` is Chinese). A tag is a training statistic, not a
 * verdict on any one message: a wrong tag moves one message's tokens between two counts.
 *
 * @category models
 * @since 0.1.0
 */

/** The tag of a message in no language this module tells (little text, or a mix). */
export const UNDETERMINED = "und"

/** Non-Latin words needed to name a script. */
export const SCRIPT_WORDS = 3

/** Distinct function words needed to name a Latin language. */
export const LATIN_WORDS = 3

/**
 * Frequent words of three letters or more that are each language's own (few of them are words of
 * another listed language; those that are count for both, and the most hits decide).
 */
export const FUNCTION_WORDS: Readonly<Record<string, ReadonlyArray<string>>> = {
  en: "the and you for that with this are have from not your will our can all was but has would".split(" "),
  de: "und der die das ist nicht mit sich auf für dem den ein eine auch wir ich sie uns bitte oder".split(" "),
  fr: "les des est une pour dans que qui sur avec vous nous pas par sont plus votre cette aux".split(" "),
  es: "los las del que por para con una como más pero sus este esta usted está nuestro".split(" "),
  pt: "não para por com uma você seu sua mais dos das pelo pela está são também nosso este".split(" "),
  it: "che per una del della sono non con gli anche questo alla dei delle più come".split(" "),
  nl: "het een van voor niet met zijn ook wij deze dat aan naar bij maar".split(" "),
  sv: "och att det som för med inte har till den jag var kan ett vår våra eller".split(" "),
  pl: "nie jest się dla jak lub oraz przez tak ale czy już jego który która może".split(" "),
  cs: "jsou není jako pro ale nebo které který jsme také bude jste již však".split(" "),
  tr: "bir için ile olan daha çok gibi veya sonra kadar değil sayın olarak tüm".split(" ")
}

/** Function word -> the languages it belongs to. */
const LANGUAGES_OF: ReadonlyMap<string, ReadonlyArray<string>> = (() => {
  const m = new Map<string, Array<string>>()
  for (const [language, words] of Object.entries(FUNCTION_WORDS))
    for (const w of words) m.set(w, [...(m.get(w) ?? []), language])
  return m
})()

type Script = "Latn" | "Cyrl" | "Grek" | "Arab" | "Hebr" | "Thai" | "Hani" | "Kana" | "Hang"

/** The script of one code point, or undefined for digits, marks and anything unlisted. */
const scriptOf = (c: number): Script | undefined => {
  if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0xc0 && c <= 0x24f && c !== 0xd7 && c !== 0xf7))
    return "Latn"
  if (c >= 0x370 && c <= 0x3ff) return "Grek"
  if (c >= 0x400 && c <= 0x4ff) return "Cyrl"
  if (c >= 0x590 && c <= 0x5ff) return "Hebr"
  if (c >= 0x600 && c <= 0x6ff) return "Arab"
  if (c >= 0xe00 && c <= 0xe7f) return "Thai"
  // Kana without the middle dot and the length mark (U+30FB, U+30FC), which Chinese text borrows.
  if ((c >= 0x3041 && c <= 0x30fa) || (c >= 0xff66 && c <= 0xff9d)) return "Kana"
  if ((c >= 0xac00 && c <= 0xd7af) || (c >= 0x1100 && c <= 0x11ff) || (c >= 0x3130 && c <= 0x318f)) return "Hang"
  if ((c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf) || (c >= 0xf900 && c <= 0xfaff)) return "Hani"
  return undefined
}

/** A word's script: kana anywhere makes it Japanese; else its first letter's. */
const wordScript = (word: string): Script | undefined => {
  let first: Script | undefined
  for (let i = 0; i < word.length; i++) {
    const s = scriptOf(word.charCodeAt(i))
    if (s === "Kana") return s
    first ??= s
  }
  return first
}

const SUBJECT = "subj:"
const SKIP = "skip:"

/**
 * The text a token stands for: a body word itself, a subject word without its prefix, a skipped
 * run's first character; undefined for every other token (headers, links, statistics, features).
 */
const wordOf = (token: string): string | undefined => {
  const t = token.startsWith(SUBJECT) ? token.slice(SUBJECT.length) : token
  if (t.startsWith(SKIP)) return t.slice(SKIP.length, SKIP.length + 1)
  return /^[a-z0-9-]+:/.test(t) ? undefined : t
}

/** The message's language or script tag (see the module header). Never throws. */
export const languageOf = (tokens: ReadonlyArray<string>): string => {
  const scripts = new Map<Script, number>()
  const hits = new Map<string, number>()
  // A word of the subject and the body is one word.
  const seen = new Set<string>()
  for (const token of tokens) {
    if (typeof token !== "string") continue
    const word = wordOf(token)
    if (word === undefined || seen.has(word)) continue
    seen.add(word)
    const s = wordScript(word)
    if (s === undefined) continue
    scripts.set(s, (scripts.get(s) ?? 0) + 1)
    if (s === "Latn") for (const l of LANGUAGES_OF.get(word) ?? []) hits.set(l, (hits.get(l) ?? 0) + 1)
  }
  const latin = scripts.get("Latn") ?? 0
  const kana = scripts.get("Kana") ?? 0
  const han = scripts.get("Hani") ?? 0
  // Japanese writes Han and kana together; Chinese has no kana.
  const cjk: Array<[string, number]> = kana >= 2 ? [["Jpan", kana + han]] : [["Hani", han + kana]]
  const others: Array<[string, number]> = [
    ...cjk,
    ...(["Hang", "Cyrl", "Grek", "Arab", "Hebr", "Thai"] as const).map((s): [string, number] => [
      s === "Hang" ? "Kore" : s,
      scripts.get(s) ?? 0
    ])
  ]
  const [script, words] = others.reduce((a, b) => (b[1] > a[1] ? b : a))
  if (words >= SCRIPT_WORDS && words * 3 >= latin) return script
  const ranked = [...hits].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
  const [best, n] = ranked[0] ?? [UNDETERMINED, 0]
  const second = ranked[1]?.[1] ?? 0
  return n >= LATIN_WORDS && n * 2 >= second * 3 ? best : UNDETERMINED
}
