/**
 * Login sessions of the `/quarantine` page: a random session id in a cookie that is HttpOnly,
 * SameSite=Strict and scoped to `/quarantine`, plus a per-session CSRF token every form posts
 * back. Sessions expire after 8 hours and end when the admin token changes (a reload with a new
 * token logs everyone out).
 *
 * Where they are kept: the data directory (`FileSessionValues.ts`: a restart keeps them), or,
 * with `state.backend: redis`, the fleet's Redis (`SessionValues` over `RedisExpiringValues`), so
 * a login through one node holds on every node and across restarts, and a logout on one ends it
 * everywhere; this process's memory when neither is given (tests). Only a digest of the session
 * id is stored: the id itself is a credential.
 *
 * @category services
 * @since 0.1.0
 */
import { createHash, randomBytes } from "node:crypto"
import { sameSecret } from "../admin/AdminToken.ts"
import { expireAndCap } from "./ExpireAndCap.ts"

export const COOKIE = "mailmoat_session"
const TTL_MS = 8 * 3600_000
const MAX_SESSIONS = 1000

interface Session {
  readonly csrf: string
  readonly tokenDigest: string
}

/** Where sessions live: text values by name, each with a lifetime. */
export interface SessionValues {
  readonly set: (name: string, value: string, ttlMillis: number) => Promise<void>
  readonly get: (name: string) => Promise<string | undefined>
  readonly remove: (name: string) => Promise<void>
}

const digest = (s: string) => createHash("sha256").update(s).digest("base64url")

/** This process's memory: at most 1,000 sessions (the oldest go first), expired ones pruned. */
export const memorySessionValues = (now: () => number = Date.now): SessionValues => {
  const values = new Map<string, { readonly value: string; readonly expires: number }>()
  const prune = () => {
    const t = now()
    for (const [name] of expireAndCap(values, { expired: ([, v]) => v.expires <= t, room: MAX_SESSIONS - 1 }))
      values.delete(name)
  }
  return {
    set: async (name, value, ttlMillis) => {
      prune()
      values.set(name, { value, expires: now() + ttlMillis })
    },
    get: async (name) => {
      const v = values.get(name)
      return v === undefined || v.expires <= now() ? undefined : v.value
    },
    remove: async (name) => {
      values.delete(name)
    }
  }
}

const decode = (text: string | undefined): Session | undefined => {
  if (text === undefined) return undefined
  try {
    const v = JSON.parse(text) as Partial<Session>
    return typeof v.csrf === "string" && typeof v.tokenDigest === "string"
      ? { csrf: v.csrf, tokenDigest: v.tokenDigest }
      : undefined
  } catch {
    return undefined
  }
}

export const makeSessions = (values: SessionValues = memorySessionValues()) => ({
  /** A new session for a holder of `token`; returns the cookie value. */
  open: async (token: string): Promise<string> => {
    const id = randomBytes(32).toString("base64url")
    const session: Session = { csrf: randomBytes(24).toString("base64url"), tokenDigest: digest(token) }
    await values.set(digest(id), JSON.stringify(session), TTL_MS)
    return id
  },
  /** The session's CSRF token, when the id names a live session of the current token. */
  check: async (id: string | undefined, token: string | undefined): Promise<{ readonly csrf: string } | undefined> => {
    if (id === undefined || token === undefined) return undefined
    const s = decode(await values.get(digest(id)))
    if (s === undefined || s.tokenDigest !== digest(token)) return undefined
    return { csrf: s.csrf }
  },
  close: async (id: string | undefined): Promise<void> => {
    if (id !== undefined) await values.remove(digest(id))
  }
})

export type Sessions = ReturnType<typeof makeSessions>

export const sessionCookie = (id: string, secure: boolean): string =>
  `${COOKIE}=${id}; Path=/quarantine; HttpOnly; SameSite=Strict; Max-Age=${TTL_MS / 1000}${secure ? "; Secure" : ""}`

export const clearedCookie = (): string => `${COOKIE}=; Path=/quarantine; HttpOnly; SameSite=Strict; Max-Age=0`

/** Constant-time check of a posted CSRF token. */
export const csrfMatches = (posted: string | null, expected: string): boolean =>
  posted !== null && sameSecret(posted, expected)
