/**
 * The embedded state that must be one for all workers, kept in the primary and reached over the
 * cluster's IPC channel: temporary-rejection records (a retry lands on any worker and must find
 * the record its first attempt left), learned classifier counts (a message learned through
 * the admin API on worker 0 counts on every worker), auto-learning's hourly slots (the cap is the
 * gateway's, not each worker's) and reputation counts (a source's mail is
 * spread over the workers; the primary keeps at most `REPUTATION_ENTRIES` keys). With `state.backend: redis` Redis plays
 * this part and none of this is used.
 *
 * The worker side implements the same store contracts as memory and Redis; the primary side
 * answers with the memory implementations. Learned counts cost nothing per message until
 * something was learned: the primary tells every worker when the first message is learned, and
 * until then a lookup answers "nothing learned" without asking.
 *
 * **Gotchas**
 * - A call the primary does not answer within `CALL_TIMEOUT_MS` fails (the stores' contract: fail
 *   fast, never hang); the temporary-rejection step then fails open.
 * - The records live as long as the primary: a worker restart keeps them, a gateway restart
 *   forgets them (as the single-process memory store does).
 *
 * @category services
 * @since 0.1.0
 */
import type { Serializable } from "node:child_process"
import { Reputation } from "@mailmoat/antispam"
import { State, type TempRejectStoreShape, type TokenLabel, type TokenStoreShape } from "@mailmoat/core"
import { workerIndex } from "./Role.ts"

const CALL_TIMEOUT_MS = 2000
/** Keys the primary's reputation memory holds (`antispam.reputation.maxEntries`' default). */
export const REPUTATION_ENTRIES = 100_000

type StoreName = "tempReject" | "tokens" | "reputation"
interface Call {
  readonly mailmoat: "state"
  readonly id: number
  readonly store: StoreName
  readonly op: string
  readonly args: ReadonlyArray<unknown>
}
interface Answer {
  readonly mailmoat: "state-answer"
  readonly id: number
  readonly value?: unknown
  readonly error?: string
}
interface Learned {
  readonly mailmoat: "learned"
}

const isMessage = (m: unknown, tag: string): boolean =>
  typeof m === "object" && m !== null && (m as { mailmoat?: unknown }).mailmoat === tag

// ---- worker side -------------------------------------------------------------------------------

/** The primary's reputation memory as a worker reaches it, with the keys it holds (for `/metrics`). */
export interface WorkerReputation extends Reputation.ReputationStoreShape {
  readonly size: () => Promise<number>
}

/** The worker's end of the IPC channel (the process itself in a real worker). */
export interface WorkerPort {
  readonly send: (message: unknown) => void
  readonly onMessage: (listener: (message: unknown) => void) => void
}

const processPort: WorkerPort = {
  send: (m) => void process.send?.(m),
  onMessage: (listener) => void process.on("message", listener)
}

/** Both stores over `port`: what a worker uses instead of its own memory. */
export const connectStores = (
  port: WorkerPort
): {
  readonly tempReject: TempRejectStoreShape
  readonly tokens: TokenStoreShape
  readonly reputation: WorkerReputation
} => {
  const pending = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: ReturnType<typeof setTimeout> }
  >()
  let next = 0
  let learned = false
  const call = (store: StoreName, op: string, args: ReadonlyArray<unknown>) =>
    new Promise<unknown>((resolve, reject) => {
      const id = ++next
      const timer = setTimeout(() => {
        pending.delete(id)
        reject(new Error(`the primary process did not answer ${store}.${op} within ${CALL_TIMEOUT_MS} ms`))
      }, CALL_TIMEOUT_MS)
      timer.unref?.()
      pending.set(id, { resolve, reject, timer })
      const message: Call = { mailmoat: "state", id, store, op, args }
      port.send(message)
    })
  port.onMessage((m: unknown) => {
    if (isMessage(m, "learned")) learned = true
    if (!isMessage(m, "state-answer")) return
    const a = m as Answer
    const p = pending.get(a.id)
    if (p === undefined) return
    pending.delete(a.id)
    clearTimeout(p.timer)
    if (a.error !== undefined) p.reject(new Error(a.error))
    else p.resolve(a.value)
  })
  const describe = "memory (shared by the gateway's processes)"
  return {
    tempReject: {
      describe,
      get: (key) => call("tempReject", "get", [key]) as Promise<string | undefined>,
      set: async (key, value, ttl) => void (await call("tempReject", "set", [key, value, ttl])),
      delete: async (key) => void (await call("tempReject", "delete", [key])),
      addToSet: (key, member, ttl) => call("tempReject", "addToSet", [key, member, ttl]) as Promise<number>,
      close: async () => {}
    },
    tokens: {
      describe,
      learnedNothing: () => !learned,
      lookup: async (tokens) => {
        if (!learned) return { nham: 0, nspam: 0, counts: new Map() }
        const v = (await call("tokens", "lookup", [tokens])) as {
          nham: number
          nspam: number
          counts: Array<[string, [number, number]]>
        }
        return { nham: v.nham, nspam: v.nspam, counts: new Map(v.counts) }
      },
      add: async (tokens, label, delta) => void (await call("tokens", "add", [tokens, label, delta])),
      takeLearnSlot: (label, hour, max) => call("tokens", "takeLearnSlot", [label, hour, max]) as Promise<boolean>,
      close: async () => {}
    },
    reputation: {
      describe,
      lookup: (keys, window) =>
        call("reputation", "lookup", [keys, window]) as Promise<ReadonlyArray<ReadonlyArray<Reputation.Bucket>>>,
      record: async (keys, label, window) => void (await call("reputation", "record", [keys, label, window])),
      forget: (keys, window) => call("reputation", "forget", [keys, window]) as Promise<number>,
      list: (query, window) => call("reputation", "list", [query, window]) as Promise<Reputation.WalkPage>,
      size: () => call("reputation", "size", []) as Promise<number>,
      close: async () => {}
    }
  }
}

/** True in a worker of the multi-process mode: its embedded state lives in the primary. */
export const inWorker = (): boolean => workerIndex() !== undefined

let stores: ReturnType<typeof connectStores> | undefined
const workerStores = () => {
  if (workerIndex() === undefined) return undefined
  stores ??= connectStores(processPort)
  return stores
}

/** Temporary-rejection records in the primary, when this process is a worker; else undefined. */
export const tempRejectStore = (): TempRejectStoreShape | undefined => workerStores()?.tempReject

/** Learned classifier counts in the primary, when this process is a worker; else undefined. */
export const tokenStore = (): TokenStoreShape | undefined => workerStores()?.tokens

/** Reputation counts in the primary, when this process is a worker; else undefined. */
export const reputationStore = (): WorkerReputation | undefined => workerStores()?.reputation

// ---- primary side ------------------------------------------------------------------------------

/** What the primary needs of a worker (a `node:cluster` Worker is one). */
export interface HostedWorker {
  readonly send: (message: Serializable) => unknown
  readonly isConnected: () => boolean
  readonly on: (event: "exit" | "message", listener: (message: unknown) => void) => unknown
}

/** The primary's stores and the IPC answering side; `attach` each worker as it is forked. */
export const makeStateHost = () => {
  const tempReject = State.makeMemoryTempRejectStore(() => Date.now())
  const tokens = State.makeMemoryTokenStore()
  const reputation = Reputation.MemoryReputationStore.make(REPUTATION_ENTRIES)
  const workers = new Set<HostedWorker>()
  let learned = false
  const announceLearned = (w: HostedWorker) => {
    const m: Learned = { mailmoat: "learned" }
    if (w.isConnected()) w.send(m)
  }

  const perform = async (call: Call): Promise<unknown> => {
    const a = call.args
    if (call.store === "reputation") {
      const keys = a[0] as ReadonlyArray<string>
      if (call.op === "lookup") return reputation.lookup(keys, a[1] as Reputation.Window)
      if (call.op === "record") return reputation.record(keys, a[1] as Reputation.Label, a[2] as Reputation.Window)
      if (call.op === "forget") return reputation.forget(keys, a[1] as Reputation.Window)
      if (call.op === "list") return reputation.list(a[0] as Reputation.WalkQuery, a[1] as Reputation.Window)
      if (call.op === "size") return reputation.size()
    } else if (call.store === "tempReject") {
      switch (call.op) {
        case "get":
          return tempReject.get(String(a[0]))
        case "set":
          return tempReject.set(String(a[0]), String(a[1]), Number(a[2]))
        case "delete":
          return tempReject.delete(String(a[0]))
        case "addToSet":
          return tempReject.addToSet(String(a[0]), String(a[1]), Number(a[2]))
      }
    } else {
      switch (call.op) {
        case "lookup": {
          const r = await tokens.lookup(a[0] as ReadonlyArray<string>)
          return { nham: r.nham, nspam: r.nspam, counts: [...r.counts] }
        }
        case "add": {
          await tokens.add(a[0] as ReadonlyArray<string>, a[1] as TokenLabel, a[2] as 1 | -1)
          if (!learned) {
            learned = true
            for (const w of workers) announceLearned(w)
          }
          return undefined
        }
        case "takeLearnSlot":
          return tokens.takeLearnSlot?.(a[0] as TokenLabel, Number(a[1]), Number(a[2])) ?? true
      }
    }
    throw new Error(`unknown shared-state operation ${call.store}.${call.op}`)
  }

  return {
    attach: (worker: HostedWorker): void => {
      workers.add(worker)
      if (learned) announceLearned(worker)
      worker.on("exit", () => workers.delete(worker))
      worker.on("message", (m: unknown) => {
        if (!isMessage(m, "state")) return
        const call = m as Call
        perform(call).then(
          (value) => {
            const answer: Answer = { mailmoat: "state-answer", id: call.id, value }
            if (worker.isConnected()) worker.send(answer)
          },
          (error: unknown) => {
            const answer: Answer = {
              mailmoat: "state-answer",
              id: call.id,
              error: error instanceof Error ? error.message : String(error)
            }
            if (worker.isConnected()) worker.send(answer)
          }
        )
      })
    }
  }
}
