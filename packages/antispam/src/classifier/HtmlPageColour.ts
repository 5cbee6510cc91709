/**
 * `html_page_saturated`: an HTML page whose `<body bgcolor>` is a saturated colour (`#006699`,
 * `#99FFCC`, `#FFFF00`): one of its red, green and blue channels 128 or more above another. Mail
 * programs write white or no colour; ham newsletters of this corpus colour their tables and leave
 * the page white, grey or black, or a pale tint. A flyer painted edge to edge is a bulk sender's
 * page. It reads the page's colour only, no word.
 *
 * Counted on the training corpus (all subsets, 4,150 ham / 1,896 spam): 0 ham, 26 spam of both
 * eras, 9 of them missed by the shipped model on its features alone; a looser limit (a channel 48
 * above another) takes in 12 ham newsletters (`bench/classifier-body27-candidates.mjs`).
 *
 * @category constructors
 * @since 0.5.0
 */

/** The `<body>` tag, searched in a page's first characters only. */
const BODY_TAG = /<body\b[^>]{0,600}>/i
const BGCOLOR = /\bbgcolor\s*=\s*["']?#?([0-9a-f]{6})(?![0-9a-z])/i
const HEAD_CHARS = 50_000
/** Channels apart that make a colour saturated: half the range. */
const SPREAD = 128
const MAX_PAGES = 20

/** Whether `hex` (six hex digits) has a channel `SPREAD` or more above another. */
export const saturated = (hex: string): boolean => {
  const r = Number.parseInt(hex.slice(0, 2), 16)
  const g = Number.parseInt(hex.slice(2, 4), 16)
  const b = Number.parseInt(hex.slice(4, 6), 16)
  return Math.max(r, g, b) - Math.min(r, g, b) >= SPREAD
}

/** Whether a page of `htmls` (the message's raw HTML parts) sets a saturated `<body bgcolor>`. */
export const htmlPageSaturated = (htmls: ReadonlyArray<string>): boolean => {
  const n = Math.min(htmls.length, MAX_PAGES)
  for (let i = 0; i < n; i++) {
    const page = htmls[i]
    if (typeof page !== "string") continue
    const tag = BODY_TAG.exec(page.slice(0, HEAD_CHARS))?.[0]
    const colour = tag === undefined ? undefined : BGCOLOR.exec(tag)?.[1]
    if (colour !== undefined && saturated(colour)) return true
  }
  return false
}
