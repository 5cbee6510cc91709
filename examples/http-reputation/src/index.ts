/**
 * `@mailmoat/example-http-reputation`: a Mailmoat plugin that asks an HTTP JSON reputation
 * API about client IPs and domains.
 *
 * ```yaml
 * plugins:
 *   - use: "@mailmoat/example-http-reputation"
 *     options: { url: "https://rep.example/v1", timeoutMillis: 1500 }
 * ```
 *
 * @since 0.1.0
 */
import { definePlugin, Schema, SDK_API_VERSION } from "@mailmoat/sdk"
import { httpReputation } from "./HttpReputation.ts"

export { answerOf, type HttpReputationOptions, httpReputation } from "./HttpReputation.ts"

const Kind = Schema.Literals(["ip", "domain", "address"])

export const Options = Schema.Struct({
  url: Schema.String.check(Schema.isPattern(/^https?:\/\//)).annotate({
    description: "Base URL of the reputation API"
  }),
  name: Schema.optional(Schema.String),
  kinds: Schema.optional(Schema.Array(Kind)),
  token: Schema.optional(Schema.String),
  timeoutMillis: Schema.optional(Schema.Number.check(Schema.isBetween({ minimum: 1, maximum: 60_000 }))),
  concurrency: Schema.optional(Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 1, maximum: 256 }))),
  defaultTtlSeconds: Schema.optional(Schema.Number.check(Schema.isGreaterThanOrEqualTo(0)))
})

export default definePlugin({
  name: "@mailmoat/example-http-reputation",
  apiVersion: SDK_API_VERSION,
  options: Options,
  setup: (options) => ({ providers: [httpReputation(options)] })
})
