// A third-party plugin as docs/sdk.md describes it, compiled by scripts/pack-check.mjs against the
// packed packages (tsc strict without skipLibCheck, and deno check). Imports only @mailmoat/sdk.
import {
  type Answer,
  defineBlocklistProvider,
  definePlugin,
  defineStage,
  type Query,
  SDK_API_VERSION,
  Schema
} from "@mailmoat/sdk"

/** Lists envelope sender domains only: values found elsewhere (body, From header) are not asked about. */
export const senderDomains = (listed: ReadonlySet<string>) =>
  defineBlocklistProvider({
    name: "acme-sender-domains",
    kinds: ["domain"],
    timeoutMillis: 500,
    async check(query: Query, { signal }): Promise<Answer> {
      signal.throwIfAborted()
      // The answer depends on the origin, so a "not asked" answer must not be cached for the value.
      if (!query.origins?.includes("mail-from")) return { listed: false, ttlSeconds: 0 }
      return listed.has(query.value)
        ? { listed: true, score: 6, reason: "known bad sender domain", ttlSeconds: 300 }
        : { listed: false, ttlSeconds: 300 }
    }
  })

export const shouting = defineStage({
  name: "acme-shouting-subject",
  phase: "data",
  symbols: { ACME_SUBJECT_SHOUTING: { weight: 1.5, description: "Subject is all capitals" } },
  run: ({ message, hit }) => {
    const s = message.headers.decoded("subject") ?? ""
    return s.length > 12 && s === s.toUpperCase() ? [hit("ACME_SUBJECT_SHOUTING", s.slice(0, 40))] : []
  }
})

export default definePlugin({
  name: "@acme/mailmoat-sender-domains",
  apiVersion: SDK_API_VERSION,
  options: Schema.Struct({ domains: Schema.Array(Schema.String) }),
  setup: (options, host) => {
    host.log(`${options.domains.length} sender domains`)
    return { providers: [senderDomains(new Set(options.domains))], stages: [shouting] }
  }
})
