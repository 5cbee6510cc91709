/**
 * The blocklist runner: timeouts, validation, isolation, TTL cache, concurrency and latency
 * accounting for any `BlocklistProvider`.
 *
 * @since 0.1.0
 */
export { type AnswerCache, type BlocklistRunner, type LookupRecord, make, makeAnswerCache, type RunnerOptions, validateAnswer } from "./BlocklistRunner.ts"
