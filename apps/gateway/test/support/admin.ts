// Helpers for the admin API and quarantine page tests: a gateway with an admin token and the real
// antispam module (GTUBE is spam, quarantined), authenticated fetches, Maildir reads.
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import type { RunningGateway } from "../../src/index.ts"
import { sendRaw } from "./peers.ts"

export const TOKEN = "test-admin-token-0123456789abcdef"
export const GTUBE = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X"
/** Antispam with nothing that queries DNS: GTUBE decides. */
export const quietAntispam = { endUserBlocklist: { enabled: false } }

export const adminUrl = (gw: RunningGateway, path: string) => `http://127.0.0.1:${gw.admin!.port}${path}`

/** `token` null sends no Authorization header. */
export const api = async (
  gw: RunningGateway,
  method: string,
  path: string,
  body?: unknown,
  token: string | null = TOKEN
) => {
  const res = await fetch(adminUrl(gw, path), {
    method,
    headers: {
      ...(token !== null ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { "content-type": "application/json" } : {})
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {})
  })
  const text = await res.text()
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  return {
    status: res.status,
    json: json as Record<string, unknown> & { items?: Array<Record<string, unknown>> },
    text,
    headers: res.headers
  }
}

/** A counter's sample for one `result` label from `/metrics`; 0 when the series is absent. */
export const resultCount = async (gw: RunningGateway, family: string, result: string): Promise<number> => {
  const text = (await api(gw, "GET", "/metrics")).text
  const m = new RegExp(`^${family}\\{result="${result}"\\} (\\d+)$`, "m").exec(text)
  return m ? Number(m[1]) : 0
}

/** Sends a GTUBE message; resolves with the quarantine id the API lists for it. */
export const quarantineGtube = async (
  gw: RunningGateway,
  to: string,
  subject: string,
  extraBody = ""
): Promise<string> => {
  const r = await sendRaw(
    gw.smtp.port,
    { from: "sender@spam.test", to: [to] },
    `From: Spammer <sender@spam.test>\r\nTo: ${to}\r\nSubject: ${subject}\r\n\r\n${GTUBE}\r\n${extraBody}`
  )
  if (!r.data.startsWith("250")) throw new Error(`GTUBE not accepted: ${r.data}`)
  const list = await api(gw, "GET", `/api/quarantine?q=${encodeURIComponent(subject)}`)
  const item = list.json.items?.find((i) => i.subject === subject)
  if (!item) throw new Error(`${subject} not in the quarantine: ${list.text}`)
  return item.id as string
}

/** The messages delivered to a recipient's Maildir (text of each file in new/). */
export const maildirMessages = (gw: RunningGateway, rcpt: string): Array<string> => {
  const dir = join(gw.settings.dataDir, "maildir", rcpt, "new")
  return existsSync(dir) ? readdirSync(dir).map((f) => readFileSync(join(dir, f), "latin1")) : []
}
