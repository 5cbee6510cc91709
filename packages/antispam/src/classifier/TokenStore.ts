/**
 * The classifier's view of the learned-counts store: the contract and memory store live in core
 * (`TokenStore`), the Redis store in `@mailmoat/redis`.
 *
 * @since 0.1.0
 */
import { State } from "@mailmoat/core"

export type { LearnedCounts, TokenStoreShape as TokenStore } from "@mailmoat/core"
export const makeMemory = State.makeMemoryTokenStore
