/**
 * The process's one Redis connection: a standalone server (`redis://`, `rediss://`), a master
 * found through Sentinel, or a Cluster, with ACL credentials, TLS and a deadline on every call.
 * Every store of this package (and any store taking a `Redis | Cluster`) runs on it.
 *
 * `call(what, f)` is how a store talks to Redis: it waits for the connection to be ready (at most
 * the connect deadline before the first connection, the command deadline after), runs `f`, and
 * turns any failure into a `RedisUnavailable` naming the step. The client never queues commands
 * while disconnected (no offline queue, no resend after a reconnect), so an outage costs each
 * caller one bounded wait, never a growing backlog.
 *
 * **Gotchas**
 * - A server that accepts but never answers (paused, SIGSTOP) keeps the TCP connection up, so
 *   ioredis would keep writing into it. After `HUNG_AFTER` timed-out calls in a row with no reply
 *   in between, the connection is dropped and made again, which fails what was waiting and
 *   bounds the queue.
 * - A call that timed out may still run on the server later (the bytes were sent): writes must
 *   be safe to repeat, as a sender's retry repeats them anyway.
 * - `describe` never shows a password; options are never logged.
 *
 * @category services
 * @since 0.1.0
 */
import { Context, Effect, Layer } from "effect"
import { clientOf, describeOptions, type RedisClient, type RedisConnectionOptions } from "./RedisClient.ts"

export { describeOptions } from "./RedisClient.ts"
export type { HostPort, RedisClient, RedisConnectionOptions, RedisTls } from "./RedisClient.ts"

export interface RedisConnection {
  readonly client: RedisClient
  readonly keyPrefix: string
  /** Where it points, without secrets: `redis redis://127.0.0.1:6379/0`, `redis sentinel mymaster via ...`. */
  readonly describe: string
  /** The deadline of one call, in ms. */
  readonly commandTimeoutMillis: number
  /** Runs `f` once the connection is ready, within the deadlines; failures become `RedisUnavailable`. */
  readonly call: <A>(what: string, f: (client: RedisClient) => Promise<A>) => Promise<A>
  /** Reports connection changes to `watcher` until the returned function is called. */
  readonly watch: (watcher: (event: RedisConnectionEvent) => void) => () => void
  readonly close: () => Promise<void>
}

/**
 * What happened to the connection: `ready` (connected, or back after a loss), `lost` (once per
 * outage, with the last error), `hung` (calls timed out in a row on an open socket; it is rebuilt).
 */
export type RedisConnectionEvent =
  | { readonly type: "ready"; readonly restored: boolean }
  | { readonly type: "lost"; readonly reason: string }
  | { readonly type: "hung"; readonly timeouts: number }

/** A Redis call that failed or ran out of time: a temporary condition (answer 4xx, or fail open). */
export class RedisUnavailable extends Error {
  override readonly name = "RedisUnavailable"
  readonly isTemporary = true
}

/** Timed-out calls in a row (no reply in between) after which the connection is made again. */
export const HUNG_AFTER = 3

export const make = (options: RedisConnectionOptions): RedisConnection => {
  const keyPrefix = options.keyPrefix ?? "mailmoat:"
  if (/[{}]/.test(keyPrefix)) throw new Error(`redis key prefix ${JSON.stringify(keyPrefix)} must not contain { or }`)
  const commandTimeout = options.commandTimeoutMillis ?? 1000
  const connectTimeout = options.connectTimeoutMillis ?? 2000
  const describe = `${describeOptions(options)} (prefix ${keyPrefix})`
  const client = clientOf(options, commandTimeout, connectTimeout)
  const watchers = new Set<(event: RedisConnectionEvent) => void>()
  const emit = (event: RedisConnectionEvent) => {
    for (const w of watchers) w(event)
  }
  // Errors surface per call as RedisUnavailable (and in the `lost` event); without a listener
  // ioredis would print them.
  let lastError = "connection closed"
  client.on("error", (error: Error) => {
    lastError = error.message
  })
  let closed = false
  let down = false
  let everReady = false
  // Ready to take a call: set by "ready", cleared by "close" and by our own reset, so a call made
  // between a socket closing and the status changing waits instead of failing at once.
  let usable = false
  client.on("ready", () => {
    emit({ type: "ready", restored: everReady })
    everReady = true
    usable = true
    down = false
  })
  client.on("close", () => {
    usable = false
    if (!down && !closed && everReady) emit({ type: "lost", reason: lastError })
    down = true
  })
  const ready = () => usable && client.status === "ready"
  let timeoutsInARow = 0

  const whenReady = (millis: number): Promise<void> =>
    new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer)
        client.off("ready", done)
        resolve()
      }
      const timer = setTimeout(done, millis)
      client.once("ready", done)
    })

  const call = async <A>(what: string, f: (client: RedisClient) => Promise<A>): Promise<A> => {
    if (closed) throw new RedisUnavailable(`${describe}: ${what}: the connection is closed`)
    if (!ready()) await whenReady(everReady ? commandTimeout : connectTimeout)
    if (!ready()) throw new RedisUnavailable(`${describe}: ${what}: not connected (${client.status})`)
    try {
      const result = await f(client)
      timeoutsInARow = 0
      return result
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      if (/timed out/i.test(message) && ++timeoutsInARow >= HUNG_AFTER) {
        emit({ type: "hung", timeouts: timeoutsInARow })
        timeoutsInARow = 0
        usable = false
        client.disconnect(true)
      }
      throw new RedisUnavailable(`${describe}: ${what}: ${message}`, { cause: error })
    }
  }

  return {
    client,
    keyPrefix,
    describe,
    commandTimeoutMillis: commandTimeout,
    call,
    watch: (watcher) => {
      watchers.add(watcher)
      return () => void watchers.delete(watcher)
    },
    close: async () => {
      if (closed) return
      closed = true
      if (client.status !== "ready") {
        client.disconnect()
        return
      }
      await Promise.race([
        client.quit(),
        new Promise((resolve) => setTimeout(resolve, commandTimeout).unref?.())
      ]).catch(() => {})
      client.disconnect()
    }
  }
}

/** The connection as a service, for Effect-built wiring. */
export class RedisConnectionService extends Context.Service<RedisConnectionService, RedisConnection>()(
  "@mailmoat/redis/RedisConnection"
) {}

/** The process's shared connection for `options` (see `acquire`), released when the scope closes. */
export const layer = (options: RedisConnectionOptions): Layer.Layer<RedisConnectionService> =>
  Layer.effect(
    RedisConnectionService,
    Effect.acquireRelease(
      Effect.sync(() => acquire(options)),
      (connection) => Effect.promise(() => connection.close())
    )
  )

const shared = new Map<string, { readonly connection: RedisConnection; users: number }>()

/**
 * The one connection of this process for `options`: the first caller opens it, later callers with
 * the same options share it, and it closes when the last of them closes its handle. The stores a
 * configuration reload rebuilds thus keep the connection instead of opening another.
 */
export const acquire = (options: RedisConnectionOptions): RedisConnection => {
  const id = JSON.stringify(options)
  let entry = shared.get(id)
  if (entry === undefined) {
    entry = { connection: make(options), users: 0 }
    shared.set(id, entry)
  }
  entry.users++
  const held = entry
  let released = false
  return {
    ...held.connection,
    close: async () => {
      if (released) return
      released = true
      if (--held.users > 0) return
      shared.delete(id)
      await held.connection.close()
    }
  }
}
