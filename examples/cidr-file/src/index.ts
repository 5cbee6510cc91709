/**
 * `@mailmoat/example-cidr-file`: a Mailmoat plugin whose blocklist is a local file of CIDRs,
 * domains and addresses, reloaded when the file changes.
 *
 * ```yaml
 * plugins:
 *   - use: "@mailmoat/example-cidr-file"
 *     options: { file: "./lists/blocked.txt", score: 6 }   # relative to the config file
 * ```
 *
 * @since 0.1.0
 */
import { isAbsolute, resolve } from "node:path"
import { definePlugin, Schema, SDK_API_VERSION } from "@mailmoat/sdk"
import { cidrFileProvider } from "./CidrFileProvider.ts"
import { openWatchedList } from "./WatchedList.ts"

export { type CidrFileProviderOptions, cidrFileProvider } from "./CidrFileProvider.ts"
export { type CompiledList, match, type ParseResult, parseListFile } from "./ListFile.ts"
export { openWatchedList, type WatchedList, type WatchedListOptions } from "./WatchedList.ts"

export const Options = Schema.Struct({
  file: Schema.String.check(Schema.isMinLength(1)).annotate({ description: "List file, relative to the config file" }),
  name: Schema.optional(Schema.String),
  kinds: Schema.optional(Schema.Array(Schema.Literals(["ip", "domain", "address"]))),
  score: Schema.optional(Schema.Number.check(Schema.isBetween({ minimum: -100, maximum: 100 }))),
  pollMillis: Schema.optional(Schema.Number.check(Schema.isBetween({ minimum: 0, maximum: 3_600_000 })))
})

export default definePlugin({
  name: "@mailmoat/example-cidr-file",
  apiVersion: SDK_API_VERSION,
  options: Options,
  setup: async (options, host) => {
    const file = isAbsolute(options.file) ? options.file : resolve(host.baseDir, options.file)
    const list = await openWatchedList({ file, pollMillis: options.pollMillis, log: host.log })
    return { providers: [cidrFileProvider(list, { ...options, file })], close: list.close }
  }
})
