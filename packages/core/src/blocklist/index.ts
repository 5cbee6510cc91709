/**
 * The blocklist runner: timeouts, validation, isolation, TTL cache, concurrency and latency
 * accounting for any `BlocklistProvider`.
 *
 * @since 0.1.0
 */
export type { AnswerCache, BlocklistRunner, LookupRecord, RunnerOptions } from "./BlocklistRunner.ts"
export { make, makeAnswerCache, validateAnswer } from "./BlocklistRunner.ts"
