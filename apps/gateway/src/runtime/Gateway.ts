/**
 * The whole gateway as one layer: each layer below is built on the ones after it, so a scope
 * built with it opens them in this order and closes them in the reverse one: settings, logger,
 * metrics, start-up checks, shared state (the Redis connection, shared lists), quarantine, mail path, SMTP, proxies, status, reloader, admin API,
 * digest schedule.
 *
 * @category layers
 * @since 0.1.0
 */
import { Layer } from "effect"
import {
  effectLogger,
  type GatewayInput,
  input,
  logger,
  mailPath,
  metrics,
  quarantine,
  sharedState,
  started
} from "./Layers.ts"
import { admin, digest, proxies, reloader, smtp, status } from "./Listeners.ts"

export const gateway = (given: GatewayInput) =>
  digest.pipe(
    Layer.provideMerge(admin),
    Layer.provideMerge(reloader),
    Layer.provideMerge(status),
    Layer.provideMerge(proxies),
    Layer.provideMerge(smtp),
    Layer.provideMerge(mailPath),
    Layer.provideMerge(quarantine),
    Layer.provideMerge(sharedState),
    Layer.provideMerge(started),
    Layer.provideMerge(Layer.mergeAll(metrics, effectLogger)),
    Layer.provideMerge(logger),
    Layer.provideMerge(input(given))
  )
