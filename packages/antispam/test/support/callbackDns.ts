// A static zone answered by callback (`DnsShape.query`) one event-loop turn later, as a socket's
// answer comes; its Effect form answers at once. `asked` lists the callback questions in order.
import { Dns } from "@mailmoat/core"
import { Effect } from "effect"

export const byCallback = (zone: Dns.StaticZone, asked: Array<string> = []): Dns.DnsShape => {
  const inner = Dns.makeStatic(zone)
  const lookup: NonNullable<Dns.DnsShape["lookup"]> = (type, name, options) => Dns.lookup(inner, type, name, options)
  return {
    resolve: inner.resolve,
    lookup,
    query: (type, name, timeoutMillis, _now, answered) => {
      asked.push(`${type} ${name}`)
      let over = false
      const fiber = Effect.runFork(lookup(type, name, { timeoutMillis }))
      fiber.addObserver((exit) =>
        setImmediate(() => {
          if (!over) answered(exit)
        })
      )
      return () => {
        over = true
        fiber.interruptUnsafe()
      }
    }
  }
}
