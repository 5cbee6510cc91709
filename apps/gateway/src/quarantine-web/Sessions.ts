/**
 * Login sessions of the `/quarantine` page: a random session id in a cookie that is HttpOnly,
 * SameSite=Strict and scoped to `/quarantine`, plus a per-session CSRF token every form posts
 * back. Sessions live in memory (a restart logs everyone out), expire after 8 hours, and end
 * when the admin token changes (a reload with a new token logs everyone out).
 *
 * @category services
 * @since 0.1.0
 */
import { createHash, randomBytes } from "node:crypto"
import { sameSecret } from "../admin/AdminToken.ts"

export const COOKIE = "mailmoat_session"
const TTL_MS = 8 * 3600_000
const MAX_SESSIONS = 1000

interface Session {
  readonly csrf: string
  readonly tokenDigest: string
  readonly expires: number
}

const digest = (s: string) => createHash("sha256").update(s).digest("base64url")

export const makeSessions = (now: () => number = Date.now) => {
  const sessions = new Map<string, Session>()

  const prune = () => {
    const t = now()
    for (const [id, s] of sessions) if (s.expires <= t) sessions.delete(id)
    while (sessions.size >= MAX_SESSIONS) sessions.delete(sessions.keys().next().value!)
  }

  return {
    /** A new session for a holder of `token`; returns the cookie value. */
    open: (token: string): string => {
      prune()
      const id = randomBytes(32).toString("base64url")
      sessions.set(id, {
        csrf: randomBytes(24).toString("base64url"),
        tokenDigest: digest(token),
        expires: now() + TTL_MS
      })
      return id
    },
    /** The session's CSRF token, when the id names a live session of the current token. */
    check: (id: string | undefined, token: string | undefined): { readonly csrf: string } | undefined => {
      if (id === undefined || token === undefined) return undefined
      const s = sessions.get(id)
      if (s === undefined || s.expires <= now() || s.tokenDigest !== digest(token)) return undefined
      return { csrf: s.csrf }
    },
    close: (id: string | undefined): void => {
      if (id !== undefined) sessions.delete(id)
    }
  }
}

export type Sessions = ReturnType<typeof makeSessions>

export const sessionCookie = (id: string, secure: boolean): string =>
  `${COOKIE}=${id}; Path=/quarantine; HttpOnly; SameSite=Strict; Max-Age=${TTL_MS / 1000}${secure ? "; Secure" : ""}`

export const clearedCookie = (): string => `${COOKIE}=; Path=/quarantine; HttpOnly; SameSite=Strict; Max-Age=0`

/** Constant-time check of a posted CSRF token. */
export const csrfMatches = (posted: string | null, expected: string): boolean =>
  posted !== null && sameSecret(posted, expected)
