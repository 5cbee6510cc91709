/**
 * The admin token (`admin.token`, or the first line of `admin.tokenFile`) and the checks that use
 * it: `Authorization: Bearer <token>` on `/api/*`, and the login of the `/quarantine` page.
 * Comparison is constant-time over SHA-256 digests, so neither the token's length nor its prefix
 * leaks through timing.
 *
 * @category services
 * @since 0.1.0
 */
import { createHash, timingSafeEqual } from "node:crypto"
import { readFileSync } from "node:fs"
import { resolve } from "node:path"

export interface AdminTokenSettings {
  readonly token?: string | undefined
  readonly tokenFile?: string | undefined
}

/** The configured token, or undefined; an unreadable or empty token file throws (names the key). */
export const resolveAdminToken = (admin: AdminTokenSettings, base: string): string | undefined => {
  if (admin.token !== undefined) return admin.token.trim()
  if (admin.tokenFile === undefined) return undefined
  let text: string
  try {
    text = readFileSync(resolve(base, admin.tokenFile), "utf8")
  } catch (error) {
    throw new Error(`admin.tokenFile: cannot read ${admin.tokenFile}: ${(error as Error).message}`)
  }
  const token = text.split(/\r?\n/, 1)[0]!.trim()
  if (token.length < 16)
    throw new Error(`admin.tokenFile: ${admin.tokenFile}: expected a token of at least 16 characters on its first line`)
  return token
}

/** Constant-time equality of two strings. */
export const sameSecret = (a: string, b: string): boolean =>
  timingSafeEqual(createHash("sha256").update(a).digest(), createHash("sha256").update(b).digest())

/** True when the `Authorization` header carries exactly this bearer token. */
export const bearerMatches = (header: string | undefined, token: string): boolean => {
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? "")
  return m !== null && sameSecret(m[1]!, token)
}
