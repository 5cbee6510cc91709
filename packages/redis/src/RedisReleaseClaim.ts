/**
 * Release claims for the Redis quarantine: `<p>claim:<id>` is set with NX and a lease in one
 * script that also checks the entry exists, so of several releases of one id (from any node)
 * exactly one holds it. The value names the holder (`owner`, a random token, and `since`).
 *
 * `complete` removes the entry and turns the claim into `{ releasedAt }` kept for
 * `RELEASED_MEMORY_MS`, in one script and only while the caller still holds it, so a late
 * release says "already released". `abandon` deletes the claim if it is still the caller's.
 * A holder that died loses the claim when the lease (`CLAIM_LEASE_MS`) expires.
 *
 * @since 0.1.0
 */
import { randomBytes } from "node:crypto"
import { Quarantine, type QuarantineReleaseClaim } from "@mailmoat/core"
import type { RedisClient } from "./RedisClient.ts"
import { unindexLua } from "./RedisQuarantineIndex.ts"

// KEYS: claim, meta. ARGV: value, lease ms. Returns {1} when taken, {0, current} otherwise,
// {-1} when there is no such entry and no claim.
const TAKE = `
local current = redis.call('GET', KEYS[1])
if current then return {0, current} end
if redis.call('EXISTS', KEYS[2]) == 0 then return {-1} end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return {1}`

// KEYS: claim, meta, msg, then the entry's indexes. ARGV: owner value, released value, memory
// ms, id.
const COMPLETE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[2], KEYS[3])
${unindexLua(4, "ARGV[4]")}
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1`

// KEYS: claim. ARGV: owner value.
const ABANDON = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`

export interface RedisClaimKeys {
  readonly claim: string
  readonly meta: string
  readonly msg: string
  /** The indexes naming the entry (`RedisQuarantineIndex.indexKeys`). */
  readonly indexes: ReadonlyArray<string>
}

const parse = (value: string): { releasedAt?: string; since?: string } => {
  try {
    return JSON.parse(value) as { releasedAt?: string; since?: string }
  } catch {
    return {}
  }
}

/** `call` wraps each command so that an unreachable Redis is reported as `Unavailable`. */
export const claim = async (
  client: RedisClient,
  call: <A>(what: string, f: () => Promise<A>, id?: string) => Promise<A>,
  keys: RedisClaimKeys,
  id: string,
  now: number
): Promise<QuarantineReleaseClaim> => {
  const value = JSON.stringify({ owner: randomBytes(12).toString("hex"), since: new Date(now).toISOString() })
  const taken = (await call(
    "claiming",
    () => client.eval(TAKE, 2, keys.claim, keys.meta, value, Quarantine.CLAIM_LEASE_MS),
    id
  )) as [number, string?]
  if (taken[0] === -1) throw new Quarantine.QuarantineError("NotFound", `no quarantined message with id ${id}`, id)
  if (taken[0] !== 1) throw Quarantine.alreadyReleased(id, parse(taken[1] ?? "{}"))
  return {
    complete: async () => {
      const released = JSON.stringify({ releasedAt: new Date().toISOString() })
      const ok = await call(
        "completing a release",
        () =>
          client.eval(
            COMPLETE,
            3 + keys.indexes.length,
            keys.claim,
            keys.meta,
            keys.msg,
            ...keys.indexes,
            value,
            released,
            Quarantine.RELEASED_MEMORY_MS,
            id
          ),
        id
      )
      if (Number(ok) !== 1)
        throw Quarantine.alreadyReleased(id, parse((await client.get(keys.claim).catch(() => null)) ?? "{}"))
    },
    abandon: async () => {
      await call("abandoning a release", () => client.eval(ABANDON, 1, keys.claim, value), id)
    }
  }
}
