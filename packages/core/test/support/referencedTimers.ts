/**
 * The timers still pending and referenced (those that keep a process alive), under fake timers:
 * a deadline lane with no wait parks its timer (armed, unreferenced), which `vi.getTimerCount()`
 * still counts until it fires. Only the timers set while `counted()` holds (say, from one
 * module's frames) are counted. Call after `vi.useFakeTimers`; the spy wraps the fake
 * `setTimeout`/`clearTimeout` and is removed by `vi.restoreAllMocks()`.
 */
import { vi } from "vitest"

interface Handle {
  hasRef(): boolean
  refresh(): unknown
}

export const referencedTimers = (counted: () => boolean = () => true): (() => number) => {
  const pending = new Set<Handle>()
  const set = globalThis.setTimeout
  const clear = globalThis.clearTimeout
  vi.spyOn(globalThis, "setTimeout").mockImplementation(((fn: (...args: Array<unknown>) => void, ms?: number) => {
    if (!counted()) return set(fn, ms)
    const handle = set(() => {
      pending.delete(handle)
      fn()
    }, ms) as unknown as Handle
    const refresh = handle.refresh.bind(handle)
    handle.refresh = () => {
      pending.add(handle)
      return refresh()
    }
    pending.add(handle)
    return handle
  }) as unknown as typeof setTimeout)
  vi.spyOn(globalThis, "clearTimeout").mockImplementation((handle) => {
    pending.delete(handle as unknown as Handle)
    clear(handle)
  })
  return () => [...pending].filter((h) => h.hasRef()).length
}
