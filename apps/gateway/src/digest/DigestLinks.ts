/**
 * Signed digest links: `{baseUrl}/q/{token}` opens one recipient's own quarantine page without a
 * login until the link expires. The token is `<payload>.<mac>`: the payload (base64url JSON of the
 * recipient and the expiry in seconds) and an HMAC-SHA256 of it under the gateway's digest key,
 * so a recipient cannot forge a link to another mailbox or extend one.
 *
 * The key is 32 random bytes in `<dataDir>/digest.key` (mode 0600), made on first use; deleting
 * it invalidates every link sent so far. With `state.backend: redis` the fleet's key in Redis is
 * used instead (`SharedState`), so every node checks the links any node sent.
 *
 * @category services
 * @since 0.1.0
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto"
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"

export interface LinkClaims {
  readonly recipient: string
  /** Expiry, Unix seconds. */
  readonly expires: number
}

/**
 * The digest key of a data directory (created when missing). A new key is written whole to a
 * temporary file and hard-linked to its name, so a process starting at the same moment reads
 * either no key or the whole key, never the empty file an exclusive create shows for a moment.
 */
export const digestKey = (dataDir: string): Buffer => {
  const file = join(dataDir, "digest.key")
  const existing = readKey(file)
  if (existing !== undefined) return existing
  mkdirSync(dirname(file), { recursive: true })
  const tmp = `${file}.${randomBytes(6).toString("hex")}.tmp`
  const key = randomBytes(KEY_BYTES)
  try {
    writeFileSync(tmp, key, { mode: 0o600, flag: "wx" })
    try {
      linkSync(tmp, file)
      return key
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e
    }
  } finally {
    rmSync(tmp, { force: true })
  }
  // Another process made it first: use theirs.
  const theirs = readKey(file)
  if (theirs === undefined) throw new Error(`${file} holds fewer than ${KEY_BYTES} bytes: remove it to make a new key`)
  return theirs
}

const KEY_BYTES = 32

const readKey = (file: string): Buffer | undefined => {
  let key: Buffer
  try {
    key = readFileSync(file)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined
    throw e
  }
  if (key.length >= KEY_BYTES) return key
  throw new Error(`${file} holds fewer than ${KEY_BYTES} bytes: remove it to make a new key`)
}

const mac = (key: Buffer, payload: string) =>
  createHmac("sha256", key).update(`mailmoat-digest-link:${payload}`).digest()

export const signLink = (key: Buffer, claims: LinkClaims): string => {
  const payload = Buffer.from(JSON.stringify({ r: claims.recipient.toLowerCase(), e: claims.expires })).toString(
    "base64url"
  )
  return `${payload}.${mac(key, payload).toString("base64url")}`
}

/** The claims of a valid, unexpired token; undefined for anything else. Never throws. */
export const verifyLink = (key: Buffer, token: string, nowSeconds: number): LinkClaims | undefined => {
  const dot = token.indexOf(".")
  if (dot <= 0 || token.length > 2048) return undefined
  const payload = token.slice(0, dot)
  // Compared as text: base64 decoding ignores stray characters and padding bits.
  const given = Buffer.from(token.slice(dot + 1))
  const expected = Buffer.from(mac(key, payload).toString("base64url"))
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined
  try {
    const v = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { r?: unknown; e?: unknown }
    if (typeof v.r !== "string" || typeof v.e !== "number" || v.e <= nowSeconds) return undefined
    return { recipient: v.r, expires: v.e }
  } catch {
    return undefined
  }
}

/** A CSRF token for the forms of one digest link's page (stateless: derived from the link). */
export const linkCsrf = (key: Buffer, token: string): string =>
  createHmac("sha256", key).update(`mailmoat-digest-csrf:${token}`).digest("base64url")
