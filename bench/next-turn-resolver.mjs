// A resolver that answers every question NXDOMAIN one event-loop turn later (as a socket would),
// without c-ares or a socket, in both of core's forms: `lookup` (an Effect) and `query` (a
// callback; a build without it uses `lookup` only). Shared by bench/dns-question.mjs and
// bench/list-lookups.mjs; `Dns`, `Effect` and `Exit` are the measured build's own modules.
export const nextTurnResolver = ({ Dns, Effect, Exit }) => {
  const notFound = Exit.succeed({ _tag: "NotFound", detail: "ENOTFOUND" })
  const inner = {
    lookup: () =>
      Effect.callback((resume) => {
        setImmediate(() => resume(notFound))
      }),
    query: (_type, _name, _millis, _now, answered) => {
      let over = false
      setImmediate(() => {
        if (!over) answered(notFound)
      })
      return () => {
        over = true
      }
    }
  }
  inner.resolve = Dns.resolveFromLookup(inner.lookup)
  return inner
}
