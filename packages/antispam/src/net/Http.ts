/**
 * undici's `request`, loaded on its first call. Only the classifier's model updates and the
 * analysis submitter make HTTP requests, and both are off by default; undici (~15 MB resident
 * once evaluated) then never loads into a gateway.
 *
 * @category services
 * @since 0.1.0
 */
import type * as Undici from "undici"

let loaded: Promise<typeof Undici> | undefined

export const request = ((...args: Parameters<typeof Undici.request>) =>
  (loaded ??= import("undici")).then((undici) => undici.request(...args))) as typeof Undici.request
