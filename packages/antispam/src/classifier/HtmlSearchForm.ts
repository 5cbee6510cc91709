/**
 * A page whose every form is a search box: one free-text field, for a query (named `q`, `qt`,
 * `query`, `keywords`, `words`, `p`, `symbol`, `…search…`, `…_keyword`) or sent to an address whose
 * path says `search`, beside submit buttons, menus and hidden fields. `html_form` (Html.ts) is not
 * read on such a page.
 *
 * `html_form` marks a form in mail: the reader asked for their name, telephone, address or mail
 * address inside the message (issue 16's "forms"). The spam of 2002-05 carry lead forms
 * (`contactname`, `email`, `phone`, `city`, `state`) and remove-me forms; the ham that carried it
 * were newsletters with their site's search box in the page (CNET's `q` to search.com,
 * Lockergnome's `words`, a stock quote's `symbol`, Yahoo News' `p`): 72 of its 87 ham carriers and
 * 1 of its 170 spam carriers in train/ and eval/, that one called spam on its other evidence in
 * every run (docs/classifier.md, round 61). A search box asks the reader for nothing about
 * themselves.
 *
 * **Gotchas**
 * A form whose closing tag is not found within `FORM_WINDOW` characters is read up to there; a
 * page with more than `MAX_FORMS` forms, or a form tag the expression does not read, is not a
 * search page (the feature stays).
 *
 * @category constructors
 * @since 0.5.0
 */

/** How far after a form's opening tag its fields are read. */
const FORM_WINDOW = 6000
/** Pages with more forms than this are read as forms, not search boxes. */
const MAX_FORMS = 20
const FORM_OPEN = /<form\b([^<>]{0,1000})>/gi
const FORM_CLOSE = /<\/form\b/i
const FIELD = /<(input|select|textarea)\b([^<>]{0,500})>/gi
const TYPE = /\btype\s*=\s*["']?([a-z]+)/i
const NAME = /\bname\s*=\s*["']?([\w.:-]{1,80})/i
const ACTION = /\baction\s*=\s*["']?([^"'\s>]{0,500})/i
/** Input types the reader types into: a form that asks for something. */
const FREE_TEXT = new Set(["text", "search", "email", "password", "tel", "number", "url"])
/** The names sites give a search box's one field. */
const QUERY_NAME = /^(?:q|qt|query|keywords?|words|p|symbols?|[\w.-]*search[\w.-]*|[\w.-]*_keywords?)$/i
const SEARCH_ACTION = /^[^?#]*search/i

/** Whether the form whose opening tag's attributes are `attrs` and whose content is `inner` is a search box. */
const isSearchBox = (attrs: string, inner: string): boolean => {
  let free: { readonly type: string; readonly name: string } | undefined
  let count = 0
  FIELD.lastIndex = 0
  for (let m = FIELD.exec(inner); m !== null; m = FIELD.exec(inner)) {
    const tag = m[1]!.toLowerCase()
    const fieldAttrs = m[2] ?? ""
    const type =
      tag === "textarea"
        ? "textarea"
        : tag === "select"
          ? "select"
          : (TYPE.exec(fieldAttrs)?.[1] ?? "text").toLowerCase()
    if (type !== "textarea" && !FREE_TEXT.has(type)) continue
    if (++count > 1) return false
    free = { type, name: NAME.exec(fieldAttrs)?.[1] ?? "" }
  }
  if (free === undefined || (free.type !== "text" && free.type !== "search")) return false
  return QUERY_NAME.test(free.name) || SEARCH_ACTION.test(ACTION.exec(attrs)?.[1] ?? "")
}

/** Whether `html` has a form and every form of it is a search box. */
export const searchFormsOnly = (html: string): boolean => {
  let forms = 0
  FORM_OPEN.lastIndex = 0
  for (let m = FORM_OPEN.exec(html); m !== null; m = FORM_OPEN.exec(html)) {
    if (++forms > MAX_FORMS) return false
    const start = m.index + m[0].length
    const window = html.slice(start, start + FORM_WINDOW)
    const close = FORM_CLOSE.exec(window)
    if (!isSearchBox(m[1] ?? "", close === null ? window : window.slice(0, close.index))) return false
  }
  return forms > 0
}
