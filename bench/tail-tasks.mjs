// Every task the event loop runs, for bench/tail-probe.mjs (MM_TAIL_TASKS=1): when it began, how
// long it ran, what kind of callback it was (async_hooks' resource: `TCP` for a socket's read,
// `Timeout`, `Immediate`, `UDP`, `QueryReqWrap` for a c-ares answer, ...) and, for a socket, its
// local and remote port (a session's socket in the gateway has the client's port as its remote
// one; the relay's have the downstream's). The promise reactions and `process.nextTick`s that run
// right after a callback are counted in it: Node drains them once the callback's `after` hook has
// run, so a top-level promise or tick that starts within 0.2 ms of the last task's end belongs to
// it. A stretch between tasks is the loop waiting, or libuv and V8 work outside any JavaScript
// callback (GC runs inside the task it interrupts).
//
// Each task is [start ms (monotonic), duration ms, kind, local port, remote port].
import { createHook, executionAsyncResource } from "node:async_hooks"

const ownerOf = (resource) => {
  const owner = Object.getOwnPropertySymbols(resource).find((s) => s.description === "owner_symbol")
  return owner === undefined ? undefined : resource[owner]
}

/** Records into `tasks()` (read at every task: the probe swaps its record) on `now`'s clock. */
export const recordTasks = (now, tasks) => {
  let depth = 0
  let current
  createHook({
    before() {
      if (depth++ > 0) return
      const t = now()
      const resource = executionAsyncResource()
      const kind = resource?.constructor?.name ?? "?"
      if ((kind === "Promise" || kind === "TickObject" || kind === "Object") && current !== undefined) {
        if (t - (current[0] + current[1]) < 0.2) return
      }
      let local = 0
      let remote = 0
      let named = kind
      if (kind === "TCP") {
        const socket = ownerOf(resource)
        // A listening socket's task is an accept: its owner is the `net.Server`.
        if (socket !== undefined && !("remotePort" in socket)) named = "accept"
        local = socket?.localPort ?? 0
        remote = socket?.remotePort ?? 0
      }
      current = [t, 0, named, local, remote]
      tasks().push(current)
    },
    after() {
      if (--depth > 0) return
      if (current !== undefined) current[1] = now() - current[0]
    }
  }).enable()
}
