/**
 * Redis key names, one scheme for every store so that a fleet can use Redis Cluster. Cluster
 * sends each key to the shard owning its hash slot and refuses a command, MULTI or script whose
 * keys live in different slots (CROSSSLOT); a hash tag (`{...}`, the only part hashed when
 * present) puts keys in one slot.
 *
 * - `key(prefix, area, ...parts)`: `<prefix><area>:<parts>`, for data only ever touched one key
 *   at a time; no tag, so the keys spread over the shards.
 * - `tagged(prefix, area, group?)`: the stem `{<prefix><area>[:<group>]}` for keys that are used
 *   together (MULTI over several keys, scripts with several KEYS); every such key is
 *   `${stem}:<name>`, so all of them hash to one slot.
 * - `channel(prefix, area)`: `<prefix><area>:events`, a pub/sub channel.
 *
 * **Gotchas**
 * - The prefix must not contain braces (the configuration refuses `{` and `}`): a brace in it
 *   would become the hash tag of every key.
 * - A tagged group is one slot, so one shard: group by what must be atomic (one quarantined
 *   message and the index, the classifier totals and counts), not by a whole feature, unless the
 *   feature needs it (docs/scale-out.md lists the groups).
 *
 * @since 0.1.0
 */

const checked = (prefix: string): string => {
  if (/[{}]/.test(prefix)) throw new Error(`redis key prefix ${JSON.stringify(prefix)} must not contain { or }`)
  return prefix
}

/** A key used alone: `<prefix><area>:<part>:<part>...`. */
export const key = (prefix: string, area: string, ...parts: ReadonlyArray<string>): string =>
  `${checked(prefix)}${area}:${parts.join(":")}`

/** The stem of keys used together (one hash slot): `{<prefix><area>[:<group>]}`; keys are `${stem}:<name>`. */
export const tagged = (prefix: string, area: string, group?: string): string =>
  `{${checked(prefix)}${area}${group === undefined ? "" : `:${group}`}}`

/** A pub/sub channel: `<prefix><area>:events`. */
export const channel = (prefix: string, area: string): string => `${checked(prefix)}${area}:events`
