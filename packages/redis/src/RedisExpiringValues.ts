/**
 * Short-lived values shared by a fleet, one key each: `<prefix><area>:<name>` holding a string
 * with a Redis expiry (`PX`), so every node reads what any node wrote and nothing outlives its
 * lifetime even when no node cleans up. The quarantine page's login sessions live here with
 * `state.backend: redis`, so an admin logged in through one node is logged in on all of them
 * and a logout on one ends the session everywhere.
 *
 * `secret` is a fleet-wide random value made once (`SET NX`, no expiry): the first node to ask
 * makes it, every later ask on any node reads that one. The digest links' signing key is one, so
 * a link sent by one node opens on every node.
 *
 * **Gotchas**
 * - Names are used as they are: callers hash what must not be readable in Redis (a session id
 *   is a bearer credential).
 * - Failures reject (`RedisDeadlineError` after `timeoutMillis`); callers decide whether that is
 *   "not found" or an error.
 *
 * @category services
 * @since 0.1.0
 */
import { randomBytes } from "node:crypto"
import { callWithin, type RedisClient } from "./Deadline.ts"
import { key } from "./RedisKeys.ts"

export interface RedisExpiringValuesOptions {
  readonly client: RedisClient
  /** Key prefix (`state.keyPrefix`, default `mailmoat:`). */
  readonly prefix?: string | undefined
  /** Which values: the key's area (`websession`). */
  readonly area: string
  /** Deadline of each call (ms, default 1000). */
  readonly timeoutMillis?: number | undefined
}

export interface RedisExpiringValues {
  readonly set: (name: string, value: string, ttlMillis: number) => Promise<void>
  /** The value, or undefined when there is none or it expired. */
  readonly get: (name: string) => Promise<string | undefined>
  readonly remove: (name: string) => Promise<void>
}

export const make = (options: RedisExpiringValuesOptions): RedisExpiringValues => {
  const { client, area } = options
  const prefix = options.prefix ?? "mailmoat:"
  const timeout = options.timeoutMillis ?? 1000
  const keyOf = (name: string) => key(prefix, area, name)
  return {
    set: async (name, value, ttlMillis) => {
      const ttl = String(Math.max(1, Math.ceil(ttlMillis)))
      await callWithin(client, `${area} set`, timeout, () => client.set(keyOf(name), value, "PX", ttl))
    },
    get: async (name) => {
      const value = await callWithin(client, `${area} get`, timeout, () => client.get(keyOf(name)))
      return typeof value === "string" ? value : undefined
    },
    remove: async (name) => {
      await callWithin(client, `${area} remove`, timeout, () => client.del(keyOf(name)))
    }
  }
}

export interface RedisSecretOptions {
  readonly client: RedisClient
  readonly prefix?: string | undefined
  /** The secret's name (`digest-key`): the key is `<prefix>secret:<name>`. */
  readonly name: string
  readonly bytes: number
  readonly timeoutMillis?: number | undefined
}

/**
 * The fleet's secret `name`: made by the first node that asks (random bytes, kept without expiry),
 * read by every other. A stored value of the wrong length is refused, never used.
 */
export const secret = async (options: RedisSecretOptions): Promise<Buffer> => {
  const { client, name, bytes } = options
  const timeout = options.timeoutMillis ?? 1000
  const k = key(options.prefix ?? "mailmoat:", "secret", name)
  const fresh = randomBytes(bytes).toString("base64")
  // SET NX keeps whichever node's value came first; GET then reads that one.
  await callWithin(client, `secret ${name}`, timeout, () => client.set(k, fresh, "NX"))
  const stored = await callWithin(client, `secret ${name}`, timeout, () => client.get(k))
  const value = typeof stored === "string" ? Buffer.from(stored, "base64") : undefined
  if (value === undefined || value.length !== bytes)
    throw new Error(`redis ${k} does not hold a ${bytes}-byte secret: delete it to make a new one`)
  return value
}
