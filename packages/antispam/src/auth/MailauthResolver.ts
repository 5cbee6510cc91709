/**
 * A `dns.resolve`-compatible resolver over our `Dns`, in the shapes mailauth expects (TXT as
 * arrays of chunks, MX as `{ exchange, priority }`), with errors carrying Node's codes so
 * mailauth tells NXDOMAIN (a void lookup) from a temporary failure (temperror).
 *
 * Every lookup goes through the service, so it shares the configured servers and the TTL
 * cache, and gets the smaller of the per-lookup timeout and what is left of the message's
 * deadline. Names that failed temporarily are remembered: ARC reports every failure as
 * permanent, and we need to tell a seal whose key could not be fetched from a broken seal.
 *
 * @category services
 * @since 0.1.0
 */
import { Dns, type DnsShape } from "@mailmoat/core"
import { Effect } from "effect"

export interface MailauthResolver {
  readonly resolve: (name: string, type?: string) => Promise<unknown>
  /** Lookups asked so far. */
  readonly lookups: () => number
  /** Lower-cased names whose lookup timed out, was refused or got SERVFAIL. */
  readonly temporaryFailures: () => ReadonlySet<string>
}

const CODES = {
  NotFound: "ENOTFOUND",
  Timeout: "ETIMEOUT",
  ServerFailure: "ESERVFAIL",
  Refused: "EREFUSED",
  BadName: "EBADNAME",
  Other: "EOTHER"
} as const

const SUPPORTED: ReadonlySet<string> = new Set(["A", "AAAA", "TXT", "PTR", "MX"])

/**
 * mailauth reads only `code` and `message`. NXDOMAIN is the usual answer to SPF, DMARC and PTR
 * questions, so the error is built without a stack trace (its capture costs more than the lookup
 * when the answer is cached).
 */
const failure = (message: string, code: string): Error => {
  const limit = Error.stackTraceLimit
  Error.stackTraceLimit = 0
  const error = Object.assign(new Error(message), { code })
  Error.stackTraceLimit = limit
  return error
}

/**
 * `deadline` is an epoch-millisecond instant after which every lookup fails with ETIMEOUT;
 * `now` reads the caller's clock (the fiber's `Clock`).
 */
export const make = (dns: DnsShape, timeoutMillis: number, deadline: number, now: () => number): MailauthResolver => {
  let count = 0
  const temporary = new Set<string>()
  const resolve = async (name: string, type = "A"): Promise<unknown> => {
    const t = type.toUpperCase()
    if (!SUPPORTED.has(t)) throw failure(`${t} not supported`, "ENOTFOUND")
    count++
    const left = deadline - now()
    if (left <= 0) {
      temporary.add(name.toLowerCase())
      throw failure(`${t} ${name}: deadline passed`, "ETIMEOUT")
    }
    // "No such name" comes as a value (`Dns.lookup`), not as an error through the runtime.
    const result = await Effect.runPromise(
      Effect.result(Dns.lookup(dns, t as Dns.RecordType, name, { timeoutMillis: Math.min(timeoutMillis, left) }))
    )
    if (result._tag === "Failure") {
      if (result.failure.isTemporary) temporary.add(name.toLowerCase())
      throw failure(`${t} ${name}: ${result.failure.reason}`, CODES[result.failure.reason])
    }
    if (result.success._tag === "NotFound") throw failure(`${t} ${name}: NotFound`, CODES.NotFound)
    const records = result.success.records
    switch (t) {
      case "TXT":
        return records.map((r) => [r])
      case "MX":
        return records.map((r) => {
          const [priority = "0", exchange = ""] = r.split(" ")
          return { priority: Number(priority), exchange }
        })
      default:
        return [...records]
    }
  }
  return { resolve, lookups: () => count, temporaryFailures: () => temporary }
}
