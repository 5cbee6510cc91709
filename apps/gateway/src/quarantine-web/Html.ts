/**
 * HTML building for the quarantine pages: every value is escaped where it is interpolated, and
 * the pages carry a Content-Security-Policy that allows no script at all (the pages use plain
 * forms), no remote content, and frames only from this server (the sandboxed message view).
 *
 * @category internal
 * @since 0.1.0
 */

const ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;"
}

/** Text safe inside element content and quoted attribute values. */
export const esc = (value: unknown): string => String(value ?? "").replace(/[&<>"']/g, (c) => ESCAPES[c]!)

/** A trusted HTML fragment (built from escaped parts). */
export interface Html {
  readonly html: string
}

export const raw = (html: string): Html => ({ html })

/** Tagged template: interpolated values are escaped unless they are `Html` (or arrays of it). */
export const html = (strings: TemplateStringsArray, ...values: ReadonlyArray<unknown>): Html => {
  let out = strings[0]!
  values.forEach((v, i) => {
    out += render(v) + strings[i + 1]!
  })
  return { html: out }
}

const render = (v: unknown): string => {
  if (Array.isArray(v)) return v.map(render).join("")
  if (typeof v === "object" && v !== null && "html" in v) return (v as Html).html
  if (v === undefined || v === null || v === false) return ""
  return esc(v)
}

/** No script anywhere; styles from our stylesheet; frames only from us (the sandboxed view). */
export const PAGE_CSP =
  "default-src 'none'; style-src 'self'; img-src 'self'; frame-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

/**
 * For a message's own HTML, shown in `<iframe sandbox>`: nothing runs, nothing is fetched
 * (inline styles and data: images only), and the document is sandboxed even if opened directly.
 */
export const MESSAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; frame-ancestors 'self'; sandbox"

export const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #1d2330; background: #f5f6f8; }
header { background: #1d3557; color: #fff; padding: 10px 20px; display: flex; justify-content: space-between; align-items: center; }
header h1 { font-size: 18px; margin: 0; }
header form { margin: 0; }
main { padding: 16px 20px; }
form.filters { display: flex; gap: 8px; flex-wrap: wrap; align-items: end; margin-bottom: 12px; }
label { display: flex; flex-direction: column; font-size: 12px; color: #555; }
input[type=text], input[type=date], input[type=password], input[type=search] { padding: 5px 7px; border: 1px solid #bbb; border-radius: 4px; font: inherit; }
button { padding: 5px 12px; border: 1px solid #1d3557; background: #fff; color: #1d3557; border-radius: 4px; cursor: pointer; font: inherit; }
button.primary { background: #1d3557; color: #fff; }
button.danger { border-color: #a4161a; color: #a4161a; }
.virus { color: #a4161a; font-weight: 600; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid #e3e5e8; vertical-align: top; }
th { background: #eef0f3; font-size: 12px; text-transform: uppercase; color: #555; }
td.score { font-variant-numeric: tabular-nums; }
.notice { background: #e9f5ec; border: 1px solid #7bb58a; padding: 8px 12px; margin-bottom: 12px; border-radius: 4px; }
.error { background: #fbeaea; border: 1px solid #c77; padding: 8px 12px; margin-bottom: 12px; border-radius: 4px; }
.actions { display: flex; gap: 8px; margin: 10px 0; }
pre.preview { background: #fff; border: 1px solid #ddd; padding: 10px; white-space: pre-wrap; word-break: break-word; max-height: 420px; overflow: auto; }
iframe.html-view { width: 100%; height: 420px; border: 1px solid #ddd; background: #fff; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 12px; background: #fff; padding: 10px; border: 1px solid #ddd; }
dt { color: #555; }
dd { margin: 0; word-break: break-word; }
.login { max-width: 360px; margin: 60px auto; background: #fff; padding: 20px; border: 1px solid #ddd; border-radius: 6px; }
.login form { display: flex; flex-direction: column; gap: 10px; }
.muted { color: #777; font-size: 12px; }
`

export const layout = (title: string, body: Html, header: Html = raw("")): string =>
  `<!doctype html>\n${
    html`<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title><link rel="stylesheet" href="/quarantine/style.css"></head><body><header><h1>${title}</h1>${header}</header><main>${body}</main></body></html>`
      .html
  }`
