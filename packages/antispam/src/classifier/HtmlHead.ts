/**
 * What an HTML page declares about itself, read from its source for round 55's traits
 * (docs/classifier.md): its `<title>` and the program a `<meta name="generator">` names, and a
 * bounded walk over a message's HTML parts. Reads markup only, no word of the text.
 *
 * @category constructors
 * @since 0.5.0
 */

/** Characters of a part read: a page's head is at its start. */
const MAX_CHARS = 200_000
/** HTML parts read per message. */
const MAX_PAGES = 20
/** The first `<title>` and what it holds, bounded: a title longer than 300 characters is a title. */
const TITLE = /<title\b[^>]{0,200}>([\s\S]{0,300}?)<\/title\s*>/i
/** A generator meta tag, the name before the content or after it (both orders are written). */
const GENERATOR = /<meta\s[^>]{0,300}?\bname\s*=\s*["']?generator\b[^>]{0,300}?\bcontent\s*=\s*["']?([^"'>]{1,120})/i
const GENERATOR_AFTER =
  /<meta\s[^>]{0,300}?\bcontent\s*=\s*["']?([^"'>]{1,120})["']?[^>]{0,300}?\bname\s*=\s*["']?generator\b/i

/** Whether `test` holds for one of `htmls` (raw HTML parts), each cut to its first characters. */
export const somePage = (htmls: ReadonlyArray<string>, test: (html: string) => boolean): boolean => {
  const n = Math.min(htmls.length, MAX_PAGES)
  for (let i = 0; i < n; i++) {
    const page = htmls[i]
    if (typeof page === "string" && test(page.length > MAX_CHARS ? page.slice(0, MAX_CHARS) : page)) return true
  }
  return false
}

/** The text of `html`'s first `<title>` as written (entities left), or undefined when it has none. */
export const titleOf = (html: string): string | undefined => TITLE.exec(html)?.[1]

/** The program `html`'s generator meta tag names, or undefined when it has none. */
export const generatorOf = (html: string): string | undefined =>
  GENERATOR.exec(html)?.[1] ?? GENERATOR_AFTER.exec(html)?.[1]
