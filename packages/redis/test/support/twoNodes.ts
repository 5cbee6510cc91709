// A real redis-server for a test file and two clients on it standing for two gateways of a fleet:
// started before the file's tests, stopped after them.
import type { Redis } from "ioredis"
import { afterAll, beforeAll } from "vitest"
import { type RedisPeer, startRedis } from "../../../antispam/test/support/redis.ts"
import { client, ready } from "./client.ts"

export interface TwoNodes {
  readonly redis: RedisPeer
  readonly a: Redis
  readonly b: Redis
}

/** Registers the file's start and stop; the returned object is filled once the server is up. */
export const twoNodes = (): TwoNodes => {
  const nodes = {} as { redis: RedisPeer; a: Redis; b: Redis }
  beforeAll(async () => {
    nodes.redis = await startRedis()
    nodes.a = client(nodes.redis.url)
    nodes.b = client(nodes.redis.url)
    await Promise.all([ready(nodes.a), ready(nodes.b)])
  })
  afterAll(async () => {
    nodes.a?.disconnect()
    nodes.b?.disconnect()
    await nodes.redis?.stop()
  })
  return nodes
}
