/**
 * The quarantine pages as HTML: the login form, the list (search, recipient and date filters,
 * bulk actions) and one message (envelope, verdict, header fields, text preview and the HTML
 * part in a sandboxed frame). The same pages serve an admin (`/quarantine`, every recipient) and
 * a digest link (`/q/{token}`, one recipient, release and delete only). A message held for a
 * virus is marked in the list and its page has no Release (or Not spam) button, only Delete.
 *
 * @category internal
 * @since 0.1.0
 */
import type { QuarantineDetail, QuarantineItem } from "../admin/QuarantineService.ts"
import { type Html, html, layout } from "./Html.ts"

/** Who is looking: the paths their forms post to and what they may do. */
export interface PageContext {
  /** `/quarantine` or `/q/{token}`. */
  readonly base: string
  readonly csrf: string
  /** The recipient a digest link is for; undefined for an admin. */
  readonly scope?: string | undefined
}

export interface ListView {
  readonly items: ReadonlyArray<QuarantineItem>
  readonly total: number
  readonly next: string | null
  readonly filter: {
    readonly q?: string | undefined
    readonly recipient?: string | undefined
    readonly since?: string | undefined
    readonly until?: string | undefined
  }
  readonly notice?: string | undefined
  readonly error?: string | undefined
}

const ACTIONS_ADMIN = [
  ["release", "Release", "primary"],
  ["not-spam", "Not spam", ""],
  ["delete", "Delete", "danger"]
] as const
const ACTIONS_RECIPIENT = [
  ["release", "Release", "primary"],
  ["delete", "Delete", "danger"]
] as const

/** A message held for a virus gets no Release or Not spam button: only an admin's explicit override releases it. */
const actionsOf = (ctx: PageContext, virus: string | null = null) =>
  (ctx.scope === undefined ? ACTIONS_ADMIN : ACTIONS_RECIPIENT).filter(
    ([value]) => virus === null || value === "delete"
  )

const virusNote = (ctx: PageContext, id: string, virus: string): Html =>
  html`<div class="error" role="alert">Held for a virus (${virus}). ${ctx.scope === undefined ? `It can be released only with the override: POST /api/quarantine/${id}/release?allowVirus=1, or mailmoat quarantine release ${id} --allow-virus.` : "Only the mail administrator can release it."}</div>`

const title = (ctx: PageContext) => (ctx.scope === undefined ? "Mailmoat quarantine" : `Quarantine of ${ctx.scope}`)

const headerFor = (ctx: PageContext): Html =>
  ctx.scope === undefined
    ? html`<form method="post" action="/quarantine/logout"><input type="hidden" name="csrf" value="${ctx.csrf}"><button type="submit">Log out</button></form>`
    : html`<span class="muted">link for ${ctx.scope}</span>`

const when = (iso: string) => iso.replace("T", " ").slice(0, 16)

const messages = (v: { notice?: string | undefined; error?: string | undefined }): Html =>
  html`${v.notice ? html`<div class="notice" role="status">${v.notice}</div>` : ""}${v.error ? html`<div class="error" role="alert">${v.error}</div>` : ""}`

export const loginPage = (error?: string): string =>
  layout(
    "Mailmoat quarantine",
    html`<div class="login"><h2>Log in</h2>${messages({ error })}<form method="post" action="/quarantine/login"><label>Admin token<input type="password" name="token" autocomplete="current-password" required autofocus></label><button class="primary" type="submit">Log in</button></form><p class="muted">The token is admin.token (or the first line of admin.tokenFile) in the gateway configuration.</p></div>`
  )

export const listPage = (ctx: PageContext, v: ListView): string => {
  const f = v.filter
  const rows = v.items.map(
    (i) =>
      html`<tr><td><input type="checkbox" name="id" value="${i.id}" aria-label="select ${i.subject}"></td><td>${when(i.receivedAt)}</td><td>${i.sender || "<>"}</td><td>${i.recipients.join(", ")}</td><td><a href="${ctx.base}/m/${encodeURIComponent(i.id)}">${i.subject || "(no subject)"}</a>${i.virus === null ? "" : html` <span class="virus">virus</span>`}</td><td class="score">${i.score === null ? "-" : i.score.toFixed(1)}</td><td>${i.size}</td></tr>`
  )
  const nextQuery = new URLSearchParams(
    Object.entries({ ...f, cursor: v.next ?? "" }).filter(([, x]) => x) as Array<[string, string]>
  )
  return layout(
    title(ctx),
    html`${messages(v)}
<form class="filters" method="get" action="${ctx.base}">
<label>Search<input type="search" name="q" value="${f.q ?? ""}" placeholder="sender, subject, id"></label>
${ctx.scope === undefined ? html`<label>Recipient<input type="text" name="recipient" value="${f.recipient ?? ""}" placeholder="user@example.org"></label>` : ""}
<label>From date<input type="date" name="since" value="${f.since ?? ""}"></label>
<label>To date (excl.)<input type="date" name="until" value="${f.until ?? ""}"></label>
<button type="submit">Filter</button></form>
<form method="post" action="${ctx.base}/action"><input type="hidden" name="csrf" value="${ctx.csrf}">
<div class="actions">${actionsOf(ctx).map(([value, label, cls]) => html`<button type="submit" name="action" value="${value}" class="${cls}">${label} selected</button>`)}<span class="muted">${v.total} ${v.total === 1 ? "message" : "messages"}</span></div>
<table><thead><tr><th></th><th>Received (UTC)</th><th>Sender</th><th>Recipients</th><th>Subject</th><th>Score</th><th>Bytes</th></tr></thead><tbody>${rows.length > 0 ? rows : html`<tr><td colspan="7">Nothing quarantined${f.q || f.recipient || f.since || f.until ? " matches" : ""}.</td></tr>`}</tbody></table>
</form>
${v.next ? html`<p><a href="${ctx.base}?${nextQuery.toString()}">Older messages</a></p>` : ""}`,
    headerFor(ctx)
  )
}

export const messagePage = (ctx: PageContext, d: QuarantineDetail, error?: string): string => {
  const frame = d.preview.html !== undefined
  return layout(
    title(ctx),
    html`${messages({ error })}<p><a href="${ctx.base}">Back to the list</a></p>
<h2>${d.subject || "(no subject)"}</h2>
<form method="post" action="${ctx.base}/action"><input type="hidden" name="csrf" value="${ctx.csrf}"><input type="hidden" name="id" value="${d.id}">
<div class="actions">${actionsOf(ctx, d.virus).map(([value, label, cls]) => html`<button type="submit" name="action" value="${value}" class="${cls}">${label}</button>`)}</div></form>
${d.virus === null ? "" : virusNote(ctx, d.id, d.virus)}
<dl><dt>Id</dt><dd>${d.id}</dd><dt>Received</dt><dd>${when(d.receivedAt)} UTC</dd><dt>Sender</dt><dd>${d.sender || "<>"}</dd><dt>From</dt><dd>${d.from}</dd>
<dt>Recipients</dt><dd>${d.recipients.join(", ")}</dd><dt>Client</dt><dd>${d.client}</dd><dt>Reason</dt><dd>${d.reason}</dd>
<dt>Score</dt><dd>${d.score === null ? "-" : d.score.toFixed(2)} ${d.verdict ? html`(${d.verdict.class})` : ""}</dd>
<dt>Symbols</dt><dd>${(d.verdict?.symbols ?? []).map((s) => html`${s.name} ${s.score.toFixed(2)}<br>`)}</dd><dt>Size</dt><dd>${d.size} bytes${d.preview.truncated ? " (preview shows the start)" : ""}</dd></dl>
<h3>Text</h3><pre class="preview" id="text-preview">${d.preview.text || "(no text part)"}</pre>
${frame ? html`<h3>HTML (scripts and remote content blocked)</h3><iframe class="html-view" sandbox="" referrerpolicy="no-referrer" title="HTML part" src="${ctx.base}/m/${encodeURIComponent(d.id)}/html"></iframe>` : ""}
<h3>Header fields</h3><table><tbody>${d.preview.headers.map((h) => html`<tr><th>${h.name}</th><td>${h.value}</td></tr>`)}</tbody></table>`,
    headerFor(ctx)
  )
}
