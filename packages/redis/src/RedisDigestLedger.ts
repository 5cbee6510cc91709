/**
 * The quarantine digest's ledger, shared by a fleet: per recipient the time up to which their
 * quarantined mail was in a digest (`<prefix>digest:sent`, a hash), when the last run started
 * (`<prefix>digest:lastrun`), and a lease (`<prefix>digest:lease`) that one node holds while it
 * runs. With it every node can have the digest enabled: the first to take the lease at the day's
 * time sends, the others find the lease taken or the day's run recorded, and a recipient is never
 * sent the same entries twice whichever node runs next.
 *
 * **Gotchas**
 * - The lease is set with NX and an expiry (`leaseMillis`, 5 minutes by default) and renewed a
 *   third of the way through while the run lasts; it is released only by its holder (a script
 *   compares the token). A holder that dies loses it when it expires: another node's run then
 *   sends what the dead one had not recorded.
 * - A renewal that fails (Redis unreachable) does not stop the run in progress: its deliveries
 *   are recorded as they succeed, so at worst a recipient whose delivery was in flight while
 *   another node took over gets that digest twice.
 * - Each key is used alone (no script over two keys), so the ledger works on Redis Cluster.
 *
 * @category services
 * @since 0.1.0
 */
import { randomBytes } from "node:crypto"
import { hostname } from "node:os"
import { callWithin, type RedisClient } from "./Deadline.ts"
import { key } from "./RedisKeys.ts"

// KEYS: lease. ARGV: token, lease ms. 1 while the caller holds it (its expiry pushed on), else 0.
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`

// KEYS: lease. ARGV: token.
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`

export interface DigestRecord {
  /** Per recipient (lower case): entries stored before this ISO time were in a digest already. */
  readonly sentUpTo: Readonly<Record<string, string>>
  /** When the last run started (ISO). */
  readonly lastRun?: string | undefined
}

/** What `exclusive` did: ran `f` and kept its value, or found the lease held by another. */
export type Exclusive<A> = { readonly ran: true; readonly value: A } | { readonly ran: false; readonly holder: string }

export interface RedisDigestLedgerOptions {
  readonly client: RedisClient
  /** Key prefix (`state.keyPrefix`, default `mailmoat:`). */
  readonly prefix?: string | undefined
  /** Deadline of each call (ms, default 2000). */
  readonly timeoutMillis?: number | undefined
  /** How long a run's lease lasts unless renewed (ms, default 5 minutes). */
  readonly leaseMillis?: number | undefined
  /** Who holds the lease, as another node reports it (default `<host name> pid <pid>`). */
  readonly holder?: string | undefined
}

export interface RedisDigestLedger {
  /** Where the ledger lives, for messages. */
  readonly where: string
  readonly read: () => Promise<DigestRecord>
  readonly markSent: (recipient: string, upTo: string) => Promise<void>
  readonly markRun: (at: string) => Promise<void>
  /** Runs `f` while this node holds the fleet's digest lease; while another holds it, `f` is not run. */
  readonly exclusive: <A>(f: () => Promise<A>) => Promise<Exclusive<A>>
}

export const make = (options: RedisDigestLedgerOptions): RedisDigestLedger => {
  const { client } = options
  const prefix = options.prefix ?? "mailmoat:"
  const timeout = options.timeoutMillis ?? 2000
  const leaseMs = Math.max(100, Math.floor(options.leaseMillis ?? 5 * 60_000))
  const holder = options.holder ?? `${hostname()} pid ${process.pid}`
  const sentKey = key(prefix, "digest", "sent")
  const lastRunKey = key(prefix, "digest", "lastrun")
  const leaseKey = key(prefix, "digest", "lease")
  const call = <A>(what: string, f: () => Promise<A>) => callWithin(client, `digest ${what}`, timeout, f)

  return {
    where: `redis (${prefix}digest:*)`,
    read: async () => {
      const [sent, lastRun] = await Promise.all([
        call("read", () => client.hgetall(sentKey)),
        call("read", () => client.get(lastRunKey))
      ])
      return { sentUpTo: { ...sent }, lastRun: typeof lastRun === "string" ? lastRun : undefined }
    },
    markSent: async (recipient, upTo) => {
      await call("record", () => client.hset(sentKey, recipient, upTo))
    },
    markRun: async (at) => {
      await call("record", () => client.set(lastRunKey, at))
    },
    exclusive: async (f) => {
      const token = JSON.stringify({ holder, token: randomBytes(12).toString("hex") })
      const taken = await call("lease", () => client.set(leaseKey, token, "PX", String(leaseMs), "NX"))
      if (taken !== "OK") {
        const current = await call("lease", () => client.get(leaseKey)).catch(() => null)
        return { ran: false, holder: holderOf(current) }
      }
      const renew = setInterval(
        () => void call("lease", () => client.eval(RENEW, 1, leaseKey, token, String(leaseMs))).catch(() => {}),
        Math.max(50, Math.floor(leaseMs / 3))
      )
      renew.unref?.()
      try {
        return { ran: true, value: await f() }
      } finally {
        clearInterval(renew)
        // A release that fails leaves the lease to expire: the next run waits at most that long.
        await call("lease", () => client.eval(RELEASE, 1, leaseKey, token)).catch(() => {})
      }
    }
  }
}

const holderOf = (value: string | null | undefined): string => {
  if (typeof value !== "string") return "another node"
  try {
    const parsed = JSON.parse(value) as { holder?: unknown }
    return typeof parsed.holder === "string" ? parsed.holder : "another node"
  } catch {
    return "another node"
  }
}
