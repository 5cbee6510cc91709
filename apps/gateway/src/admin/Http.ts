/**
 * Small helpers for the admin HTTP server (node:http): replies with the security headers every
 * admin response carries, bounded request bodies (JSON or form), cookies.
 *
 * @category internal
 * @since 0.1.0
 */
import type * as http from "node:http"

/** Headers on every admin response: nothing is cached, framed by other sites or sniffed. */
const BASE_HEADERS = {
  "cache-control": "no-store",
  "x-content-type-options": "nosniff",
  // same-origin, not no-referrer: with no-referrer browsers send `Origin: null` on our own form posts.
  "referrer-policy": "same-origin",
  "x-frame-options": "DENY"
} as const

export const send = (
  res: http.ServerResponse,
  code: number,
  type: string,
  body: string | Uint8Array,
  headers: Readonly<Record<string, string | ReadonlyArray<string>>> = {}
): void => {
  res.writeHead(code, { ...BASE_HEADERS, "content-type": type, ...headers })
  res.end(body)
}

export const sendJson = (
  res: http.ServerResponse,
  code: number,
  value: unknown,
  headers: Readonly<Record<string, string>> = {}
): void => send(res, code, "application/json; charset=utf-8", `${JSON.stringify(value, null, 2)}\n`, headers)

export const sendError = (
  res: http.ServerResponse,
  code: number,
  message: string,
  extra: Readonly<Record<string, unknown>> = {}
): void => sendJson(res, code, { error: message, ...extra })

/** A request body that is too large or not what the route reads. */
export class BadRequest extends Error {
  constructor(
    message: string,
    readonly status = 400
  ) {
    super(message)
  }
}

const MAX_BODY = 64 * 1024

export const readBody = async (req: http.IncomingMessage, max = MAX_BODY): Promise<string> => {
  const parts: Array<Buffer> = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > max) throw new BadRequest(`request body larger than ${max} bytes`, 413)
    parts.push(chunk as Buffer)
  }
  return Buffer.concat(parts).toString("utf8")
}

/** A JSON object body (an empty body is `{}`). */
export const readJson = async (req: http.IncomingMessage): Promise<Record<string, unknown>> => {
  const text = await readBody(req)
  if (text.trim() === "") return {}
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new BadRequest("the body is not valid JSON")
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new BadRequest("the body must be a JSON object")
  return value as Record<string, unknown>
}

/** An `application/x-www-form-urlencoded` body; repeated keys keep every value. */
export const readForm = async (req: http.IncomingMessage): Promise<URLSearchParams> =>
  new URLSearchParams(await readBody(req))

export const cookies = (req: http.IncomingMessage): ReadonlyMap<string, string> => {
  const out = new Map<string, string>()
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const eq = part.indexOf("=")
    if (eq > 0) out.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim())
  }
  return out
}

/** True when the TCP peer is this machine. */
export const fromLoopback = (req: http.IncomingMessage): boolean => {
  const a = req.socket.remoteAddress ?? ""
  return a === "::1" || a.startsWith("127.") || a.startsWith("::ffff:127.")
}
