/**
 * One fail-fast client for the shared caches, limits and lists of a process (no offline queue,
 * one retry, short connect and command timeouts, reconnection with a capped backoff).
 *
 * @category constructors
 * @since 0.1.0
 */
import { Redis } from "ioredis"

export const open = (url: string, timeoutMillis = 1000): Redis => {
  const client = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: timeoutMillis,
    commandTimeout: timeoutMillis,
    retryStrategy: (times) => Math.min(200 * times, 2000)
  })
  client.on("error", () => {}) // surfaced per call by the stores
  return client
}
