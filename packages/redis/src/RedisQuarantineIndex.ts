/**
 * The Redis quarantine's listing indexes, so a filtered page reads the metadata of its own
 * entries only. Beside the store-time index every version kept (`<s>:index`), under the same
 * stem (one hash slot):
 * - `<s>:received` sorted set: id scored by the receipt time (ms), the admin listing's order
 * - `<s>:rcpt:<recipient, lower case>` sorted set: that recipient's ids, scored by receipt time
 * - `<s>:rows` hash: id -> what the text filter (`q`) searches, in lower case (`rowText`)
 * - `<s>:indexed` string: set once the indexes cover every entry (`rebuild`), for `RECHECK_MS`
 * - `<s>:reindex` string: the lock of a rebuild
 *
 * Every write that adds or removes an entry changes these in the same MULTI or script as the
 * entry itself, so an index never names a missing entry or misses a present one. A quarantine
 * written by an older version (or by an older node still running in the fleet) has `<s>:index`
 * alone: a listing notices (marker missing, or the sets' sizes differ) and rebuilds the
 * indexes once, under the lock; meanwhile other listings read every entry as before.
 *
 * A listing walks one sorted set newest first inside a script (`WALK`), at most `BUDGET`
 * entries per call, checks the other time and the text there, and returns the ids of the page
 * and how many matched: a total without a text or cross-time filter is a `ZCOUNT`.
 *
 * @since 0.1.0
 */
import { Quarantine, type QuarantineListOptions as ListOptions, type QuarantineMeta } from "@mailmoat/core"
import { randomBytes } from "node:crypto"
import type { RedisClient } from "./RedisClient.ts"

/** Entries a script looks at per call: a few milliseconds of Redis, so other clients wait little. */
export const BUDGET = 2000

/** Bounds of the ISO times whose string order is their time order (4-digit years). */
const FIRST_ISO = Date.parse("0000-01-01T00:00:00.000Z")
const LAST_ISO = Date.parse("9999-12-31T23:59:59.999Z")
const FAR = 8.64e15

export interface IndexKeys {
  readonly stored: string
  readonly received: string
  readonly rows: string
  readonly marker: string
  readonly lock: string
  readonly recipient: (lowered: string) => string
}

export const keysOf = (stem: string): IndexKeys => ({
  stored: `${stem}:index`,
  received: `${stem}:received`,
  rows: `${stem}:rows`,
  marker: `${stem}:indexed`,
  lock: `${stem}:reindex`,
  recipient: (r) => `${stem}:rcpt:${r}`
})

/** What an entry adds to the indexes. */
export interface IndexEntry {
  readonly id: string
  readonly stored: number
  readonly received: number
  /** Its recipients in lower case, each once. */
  readonly recipients: ReadonlyArray<string>
  readonly text: string
}

const lower = (s: string) => s.toLowerCase()

/**
 * The row's value: its recipients as JSON (for removals), a NUL, then the fields the text
 * filter searches (`ListRow`'s id, sender, From, subject, recipients), lower-cased field by field
 * as `compileFilter` does and joined by NULs (a search without a NUL cannot match across two
 * fields; JSON never holds a raw NUL).
 */
const rowText = (meta: QuarantineMeta, recipients: ReadonlyArray<string>) =>
  `${JSON.stringify(recipients)}\0${[meta.id, meta.envelope.mailFrom, meta.from ?? "", meta.subject ?? "", ...meta.recipients].map(lower).join("\0")}`

/** The recipients a row names, or undefined when the row is not one. */
export const recipientsOfRow = (text: string): ReadonlyArray<string> | undefined => {
  const end = text.indexOf("\0")
  try {
    const parsed: unknown = JSON.parse(end < 0 ? text : text.slice(0, end))
    return Array.isArray(parsed) && parsed.every((r) => typeof r === "string") ? parsed : undefined
  } catch {
    return undefined
  }
}

const receivedScore = (meta: QuarantineMeta): number => {
  try {
    return Date.parse(Quarantine.receivedIso(meta))
  } catch {
    return Number.NaN
  }
}

/**
 * The index entry of `meta`. A receipt time that is no date (never listable by `pageOf`) falls
 * back to the store time; damaged metadata (`undefined`) keeps the id alone, so the sets stay
 * the same size and the listing leaves the entry out when it reads it.
 */
export const entryOf = (id: string, stored: number, meta: QuarantineMeta | undefined): IndexEntry => {
  if (meta === undefined) return { id, stored, received: stored, recipients: [], text: `[]\0${lower(id)}` }
  const received = receivedScore(meta)
  const recipients = [...new Set(meta.recipients.map(lower))]
  return {
    id,
    stored,
    received: Number.isFinite(received) ? received : stored,
    recipients,
    text: rowText({ ...meta, id }, recipients)
  }
}

/** The keys of the indexes an entry is in, in the order the scripts below take them. */
export const indexKeys = (k: IndexKeys, recipients: ReadonlyArray<string>): Array<string> => [
  k.stored,
  k.received,
  k.rows,
  ...recipients.map(k.recipient)
]

/**
 * Lua: removes the id in `idArg` from the indexes at KEYS[first..] (as `indexKeys` orders them).
 * Shared by removals and completed releases.
 */
export const unindexLua = (first: number, idArg: string): string => `
redis.call('ZREM', KEYS[${first}], ${idArg})
redis.call('ZREM', KEYS[${first + 1}], ${idArg})
redis.call('HDEL', KEYS[${first + 2}], ${idArg})
for i = ${first + 3}, #KEYS do redis.call('ZREM', KEYS[i], ${idArg}) end`

/** Adds `e` to the indexes inside `multi` (a put's transaction). */
export const addTo = <M extends { zadd: Function; hset: Function }>(multi: M, k: IndexKeys, e: IndexEntry): M => {
  multi.zadd(k.received, e.received, e.id)
  multi.hset(k.rows, e.id, e.text)
  for (const r of e.recipients) multi.zadd(k.recipient(r), e.received, e.id)
  return multi
}

// KEYS: stored, received, rows, then per entry its meta and its recipients' sets. ARGV: per
// entry id, stored score, received score, row, number of recipients. Indexes the entries that
// still exist (a rebuild must not bring back one removed while it read) and drops the others
// from the time indexes. Returns how many were indexed.
const INDEX_MANY = `
local k, n = 4, 0
for a = 1, #ARGV, 5 do
  local id, c = ARGV[a], tonumber(ARGV[a + 4])
  if redis.call('EXISTS', KEYS[k]) == 1 then
    redis.call('ZADD', KEYS[1], ARGV[a + 1], id)
    redis.call('ZADD', KEYS[2], ARGV[a + 2], id)
    redis.call('HSET', KEYS[3], id, ARGV[a + 3])
    for i = k + 1, k + c do redis.call('ZADD', KEYS[i], ARGV[a + 2], id) end
    n = n + 1
  else
    redis.call('ZREM', KEYS[1], id)
    redis.call('ZREM', KEYS[2], id)
    redis.call('HDEL', KEYS[3], id)
  end
  k = k + 1 + c
end
return n`

// KEYS: entries' meta keys. Returns the positions (1-based) of those that do not exist.
const MISSING = `
local out = {}
for i = 1, #KEYS do if redis.call('EXISTS', KEYS[i]) == 0 then out[#out + 1] = i end end
return out`

// KEYS: meta, then indexKeys. ARGV: id. Forgets an id whose entry is gone.
const FORGET = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
${unindexLua(2, "ARGV[1]")}
return 1`

// KEYS: base set, cross set, rows. ARGV: see `walk`. Returns {matched, skip left, last score,
// last id, done (1: the set's end reached), ids}; a call also ends when it has looked at
// `budget` entries or, without `countAll`, collected `want` ids.
const WALK = `
local function below(a, b)
  local n = math.min(#a, #b)
  for i = 1, n do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then return x < y end
  end
  return #a < #b
end
local top, min = ARGV[1], ARGV[2]
local fromS, fromId = tonumber(ARGV[3]), ARGV[4]
local cmin, cmax = tonumber(ARGV[5]), tonumber(ARGV[6])
local q = ARGV[7]
local afterS, afterId = tonumber(ARGV[8]), ARGV[9]
local skip, want, budget = tonumber(ARGV[10]), tonumber(ARGV[11]), tonumber(ARGV[12])
local countAll = ARGV[13] == '1'
local matched, ids, seen, at = 0, {}, 0, 0
local lastS, lastId = ARGV[3], fromId
while true do
  local batch = redis.call('ZREVRANGEBYSCORE', KEYS[1], top, min, 'WITHSCORES', 'LIMIT', at, 200)
  if #batch == 0 then return {matched, skip, lastS, lastId, 1, ids} end
  at = at + #batch / 2
  for i = 1, #batch, 2 do
    local id, s = batch[i], tonumber(batch[i + 1])
    if fromS == nil or s ~= fromS or below(id, fromId) then
      seen = seen + 1
      lastS, lastId = batch[i + 1], id
      local ok = true
      if cmin ~= nil then
        local c = redis.call('ZSCORE', KEYS[2], id)
        ok = c ~= false and tonumber(c) >= cmin and tonumber(c) <= cmax
      end
      if ok and q ~= '' then
        local t = redis.call('HGET', KEYS[3], id)
        if t == false then ok = false else
          local from = string.find(t, '\\0', 1, true) or 0
          ok = string.find(t, q, from + 1, true) ~= nil
        end
      end
      if ok then
        matched = matched + 1
        if afterS == nil or s < afterS or (s == afterS and below(id, afterId)) then
          if skip > 0 then skip = skip - 1 elseif #ids < want then ids[#ids + 1] = id end
        end
        if not countAll and #ids >= want then return {matched, skip, lastS, lastId, 0, ids} end
      end
      if seen >= budget then return {matched, skip, lastS, lastId, 0, ids} end
    end
  end
end`

/** A time as a score when its ISO string orders as the time does, else undefined. */
const instant = (iso: string): number | undefined => {
  const t = Date.parse(iso)
  return Number.isFinite(t) && t >= FIRST_ISO && t <= LAST_ISO && new Date(t).toISOString() === iso ? t : undefined
}

/** How a listing walks the indexes. */
export interface Plan {
  readonly base: string
  /** Score bounds of the walk, inclusive (`-inf`/`+inf` when open). */
  readonly min: string
  readonly max: string
  readonly maxScore: number
  /** The other time's bounds, checked per entry. */
  readonly cross?: { readonly key: string; readonly min: number; readonly max: number } | undefined
  readonly q: string
  readonly after?: { readonly score: number; readonly id: string } | undefined
  readonly offset: number
  readonly limit: number
}

/**
 * How the indexes answer `o`, or undefined when they cannot answer it as `pageOf` would: times
 * outside 4-digit years or not in `toISOString`'s form (compared as strings there), a text with
 * a NUL, or the store order with a recipient (no such index: the caller reads that recipient's
 * entries). Throws as `compileFilter` does on a date that does not parse.
 */
export const planOf = (k: IndexKeys, o: ListOptions): Plan | undefined => {
  const f = o.filter ?? {}
  const order = o.order === "received" ? "received" : "stored"
  if (f.recipient && order === "stored") return undefined
  const q = f.q ? lower(f.q) : ""
  if (q.includes("\0")) return undefined
  const since = f.since ? instant(new Date(f.since).toISOString()) : undefined
  const until = f.until ? instant(new Date(f.until).toISOString()) : undefined
  const storedSince = f.storedSince ? instant(f.storedSince) : undefined
  const after = o.after ? instant(o.after.at) : undefined
  if ((f.since && since === undefined) || (f.until && until === undefined)) return undefined
  if ((f.storedSince && storedSince === undefined) || (o.after && after === undefined)) return undefined
  const received = { min: since ?? -FAR, max: until === undefined ? FAR : until - 1 }
  const stored = { min: storedSince ?? -FAR, max: FAR }
  const own = order === "received" ? received : stored
  const other = order === "received" ? stored : received
  const bounded = other.min !== -FAR || other.max !== FAR
  return {
    base: f.recipient ? k.recipient(lower(f.recipient)) : order === "received" ? k.received : k.stored,
    min: own.min === -FAR ? "-inf" : String(own.min),
    max: own.max === FAR ? "+inf" : String(own.max),
    maxScore: own.max,
    cross: bounded ? { key: order === "received" ? k.stored : k.received, ...other } : undefined,
    q,
    after: o.after && after !== undefined ? { score: after, id: o.after.id } : undefined,
    offset: Math.max(0, o.offset ?? 0),
    limit: Math.max(0, o.limit ?? 50)
  }
}

/** The page's ids and the total, at most `budget` entries looked at per script call. */
export const walk = async (
  client: RedisClient,
  k: IndexKeys,
  p: Plan,
  budget = BUDGET
): Promise<{ readonly total: number; readonly ids: ReadonlyArray<string> }> => {
  // Without a text or other-time filter the count is ZCOUNT and the walk starts at the cursor.
  const countAll = p.q !== "" || p.cross !== undefined
  const ids: Array<string> = []
  let matched = 0
  let skip = p.offset
  let from = countAll ? undefined : p.after
  while (countAll || ids.length < p.limit) {
    const top = from === undefined || from.score > p.maxScore ? p.max : String(from.score)
    const r = (await client.eval(
      WALK,
      3,
      p.base,
      p.cross?.key ?? p.base,
      k.rows,
      top,
      p.min,
      from === undefined ? "" : String(from.score),
      from?.id ?? "",
      p.cross === undefined ? "" : String(p.cross.min),
      p.cross === undefined ? "" : String(p.cross.max),
      p.q,
      p.after === undefined ? "" : String(p.after.score),
      p.after?.id ?? "",
      String(skip),
      String(Math.min(budget, p.limit - ids.length)),
      String(budget),
      countAll ? "1" : "0"
    )) as [number, number, string, string, number, Array<string>]
    matched += r[0]
    skip = r[1]
    ids.push(...r[5])
    if (r[4] === 1) break
    from = { score: Number(r[2]), id: r[3] }
  }
  const total = countAll ? matched : await client.zcount(p.base, p.min, p.max)
  return { total, ids }
}

/** True when the indexes are known to cover every entry (one round trip). */
export const current = async (client: RedisClient, k: IndexKeys): Promise<boolean> => {
  const r = await client.multi().exists(k.marker).zcard(k.stored).zcard(k.received).hlen(k.rows).exec()
  const [marker, stored, received, rows] = (r ?? []).map(([e, v]) => (e === null ? Number(v) : -1))
  return marker === 1 && stored === received && stored === rows
}

/** Forgets ids whose entries are gone (found by a page): their rows name their recipients. */
export const forget = async (
  client: RedisClient,
  k: IndexKeys,
  metaKey: (id: string) => string,
  ids: ReadonlyArray<string>
) => {
  const texts = ids.length === 0 ? [] : await client.hmget(k.rows, ...ids)
  const pipe = client.pipeline()
  ids.forEach((id, i) => {
    const recipients = texts[i] ? (recipientsOfRow(texts[i]!) ?? []) : []
    const keys = [metaKey(id), ...indexKeys(k, recipients)]
    pipe.eval(FORGET, keys.length, ...keys, id)
  })
  await pipe.exec()
}

const CHUNK = 500

/**
 * How long a rebuild's word holds: then the next listing checks every entry again. Writes of
 * this version keep the indexes exact by themselves; an older node still writing in the fleet
 * does not, and the sizes compared on each listing miss one of its puts paired with one of its
 * removes.
 */
export const RECHECK_MS = 24 * 3600_000

/**
 * Builds the indexes from the entries, once, under the lock; false when another process holds
 * it (that listing reads every entry meanwhile). Rows whose entry is gone are forgotten, then
 * every stored id without a row is read and indexed (only if its entry still exists). Each step
 * is one short command or script, so the gateway's other Redis calls are not held up.
 */
export const rebuild = async (
  client: RedisClient,
  k: IndexKeys,
  metaKey: (id: string) => string,
  decode: (id: string, json: string | null) => QuarantineMeta | undefined
): Promise<boolean> => {
  const token = randomBytes(12).toString("hex")
  if ((await client.set(k.lock, token, "PX", 60_000, "NX")) !== "OK") return false
  const renew = () => client.eval(RENEW, 1, k.lock, token, "60000")
  try {
    let cursor = "0"
    do {
      const [next, flat] = await client.hscan(k.rows, cursor, "COUNT", CHUNK)
      cursor = next
      const ids = flat.filter((_, i) => i % 2 === 0)
      const missing =
        ids.length === 0 ? [] : ((await client.eval(MISSING, ids.length, ...ids.map(metaKey))) as Array<number>)
      await forget(
        client,
        k,
        metaKey,
        missing.map((i) => ids[i - 1]!)
      )
      await renew()
    } while (cursor !== "0")
    for (let start = 0; ; start += CHUNK) {
      const chunk = await client.zrange(k.stored, start, start + CHUNK - 1, "WITHSCORES")
      if (chunk.length === 0) break
      const ids = chunk.filter((_, i) => i % 2 === 0)
      const scores = chunk.filter((_, i) => i % 2 === 1).map(Number)
      const known = await client.hmget(k.rows, ...ids)
      const todo = ids.map((id, i) => ({ id, stored: scores[i]! })).filter((_, i) => known[i] === null)
      if (todo.length > 0) {
        const jsons = await client.pipeline(todo.map((t) => ["hget", metaKey(t.id), "json"])).exec()
        const keys = [k.stored, k.received, k.rows]
        const args: Array<string> = []
        todo.forEach((t, i) => {
          const json = (jsons?.[i]?.[1] as string | null | undefined) ?? null
          // An id in the store-time index without its entry is dropped by the script.
          const e = json === null ? undefined : entryOf(t.id, t.stored, decode(t.id, json))
          keys.push(metaKey(t.id), ...(e?.recipients ?? []).map(k.recipient))
          args.push(
            t.id,
            String(t.stored),
            String(e?.received ?? t.stored),
            e?.text ?? "",
            String(e?.recipients.length ?? 0)
          )
        })
        await client.eval(INDEX_MANY, keys.length, ...keys, ...args)
      }
      await renew()
    }
    await client.set(k.marker, "2", "PX", RECHECK_MS)
    return true
  } finally {
    await client.eval(RELEASE, 1, k.lock, token).catch(() => undefined)
  }
}

const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`
