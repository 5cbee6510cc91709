/**
 * A blocklist provider that asks an HTTP JSON reputation API, through undici.
 *
 * The API (what the example server in the tests speaks):
 * `GET {url}/{kind}/{value}` with `Accept: application/json` (and `Authorization: Bearer` when a
 * token is set) answers
 * - `200 {"listed": true, "score"?: number, "reason"?: string, "codes"?: string[], "ttl"?: seconds}`,
 * - `200 {"listed": false, "ttl"?: seconds}` or `404`: not listed,
 * - anything else: the service is unavailable (never a listing).
 * The cache time is the body's `ttl`, else `Cache-Control: max-age`, else `defaultTtlSeconds`.
 *
 * **Gotchas**
 * - The engine's `signal` is passed to undici, so a timeout closes the request; undici's own
 *   `headersTimeout` / `bodyTimeout` are set to the same budget as a second line of defence.
 * - Bodies are read up to 64 KiB; a larger answer is `Broken`, not parsed.
 *
 * @category constructors
 * @since 0.1.0
 */
import { type Answer, defineBlocklistProvider, type QueryKind } from "@mailmoat/sdk"
import { Agent, request } from "undici"

export interface HttpReputationOptions {
  /** Base URL of the API, e.g. `https://rep.example/v1`. */
  readonly url: string
  readonly name?: string | undefined
  readonly kinds?: ReadonlyArray<QueryKind> | undefined
  readonly token?: string | undefined
  readonly timeoutMillis?: number | undefined
  /** Most requests in flight at once (default 8): protects the API and our sockets. */
  readonly concurrency?: number | undefined
  readonly defaultTtlSeconds?: number | undefined
}

const MAX_BODY = 64 * 1024

const maxAge = (cacheControl: string | ReadonlyArray<string> | undefined): number | undefined => {
  const m = /(?:^|,)\s*max-age=(\d{1,9})\b/i.exec([cacheControl ?? ""].flat().join(","))
  return m ? Number(m[1]) : undefined
}

const readLimited = async (
  body: AsyncIterable<Uint8Array> & { destroy: () => unknown }
): Promise<string | undefined> => {
  const chunks: Array<Uint8Array> = []
  let size = 0
  for await (const chunk of body) {
    size += chunk.length
    if (size > MAX_BODY) {
      body.destroy()
      return undefined
    }
    chunks.push(chunk)
  }
  return Buffer.concat(chunks).toString("utf8")
}

/** Maps a parsed JSON body to an answer; anything unexpected is `Broken`. */
export const answerOf = (json: unknown, ttl: number | undefined): Answer => {
  if (typeof json !== "object" || json === null) return { unknown: "Broken", detail: "body is not a JSON object" }
  const b = json as Record<string, unknown>
  const ttlSeconds = typeof b.ttl === "number" && Number.isFinite(b.ttl) && b.ttl >= 0 ? b.ttl : ttl
  if (b.listed === false) return { listed: false, ttlSeconds }
  if (b.listed !== true) return { unknown: "Broken", detail: "listed is not a boolean" }
  if (b.score !== undefined && typeof b.score !== "number")
    return { unknown: "Broken", detail: "score is not a number" }
  if (b.reason !== undefined && typeof b.reason !== "string")
    return { unknown: "Broken", detail: "reason is not a string" }
  const codes = Array.isArray(b.codes) ? b.codes.filter((c): c is string => typeof c === "string").slice(0, 16) : []
  return {
    listed: true,
    score: b.score as number | undefined,
    reason: (b.reason as string | undefined)?.slice(0, 200),
    codes,
    ttlSeconds
  }
}

export const httpReputation = (options: HttpReputationOptions) => {
  const timeoutMillis = options.timeoutMillis ?? 2000
  const base = options.url.endsWith("/") ? options.url : `${options.url}/`
  // One pool per provider; idle sockets close on their own, so no teardown is needed.
  const dispatcher = new Agent({
    connections: options.concurrency ?? 8,
    keepAliveTimeout: 4000,
    headersTimeout: timeoutMillis,
    bodyTimeout: timeoutMillis
  })
  const headers: Record<string, string> = { accept: "application/json" }
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`

  return defineBlocklistProvider({
    name: options.name ?? "http-reputation",
    kinds: options.kinds ?? ["ip", "domain"],
    timeoutMillis,
    concurrency: options.concurrency ?? 8,
    defaultTtlSeconds: options.defaultTtlSeconds ?? 300,
    async check(query, { signal }) {
      const url = new URL(`${query.kind}/${encodeURIComponent(query.value)}`, base)
      const res = await request(url, { method: "GET", headers, signal, dispatcher })
      const ttl = maxAge(res.headers["cache-control"])
      if (res.statusCode === 404) {
        await res.body.dump()
        return { listed: false, ttlSeconds: ttl }
      }
      if (res.statusCode !== 200) {
        await res.body.dump()
        return { unknown: "Unavailable", detail: `HTTP ${res.statusCode}` }
      }
      const text = await readLimited(res.body)
      if (text === undefined) return { unknown: "Broken", detail: `body larger than ${MAX_BODY} bytes` }
      try {
        return answerOf(JSON.parse(text), ttl)
      } catch {
        return { unknown: "Broken", detail: "body is not JSON" }
      }
    }
  })
}
