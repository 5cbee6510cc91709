// The connection's task queue: tasks run one at a time in push order, whatever mix of tasks that
// answer at once, wait, throw or reject; afterEach follows each success, onError each failure.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { TaskQueue } from "../../src/smtp/TaskQueue.ts"

type Kind = "sync" | "tick" | "timer" | "throw" | "reject" | "pushInside"

const settle = () => new Promise((r) => setTimeout(r, 5))

describe("TaskQueue", () => {
  it("starts the first task in a microtask, after the pushing code", async () => {
    const seen: Array<string> = []
    const queue = new TaskQueue(
      () => seen.push("after"),
      () => seen.push("error")
    )
    queue.push(() => {
      seen.push("task")
      return undefined
    })
    seen.push("pushed")
    await Promise.resolve()
    expect(seen).toEqual(["pushed", "task", "after"])
  })

  it("is idle only when no task runs or waits", async () => {
    const queue = new TaskQueue(
      () => undefined,
      () => undefined
    )
    expect(queue.idle).toBe(true)
    let release: () => void = () => undefined
    queue.push(() => new Promise<void>((r) => (release = r)))
    expect(queue.idle).toBe(false)
    await Promise.resolve()
    expect(queue.idle).toBe(false)
    release()
    await new Promise((r) => setTimeout(r, 0))
    expect(queue.idle).toBe(true)
  })

  test.prop([
    fc.array(fc.constantFrom<Kind>("sync", "tick", "timer", "throw", "reject", "pushInside"), { maxLength: 30 }),
    fc.nat(30)
  ])("runs every task once, one at a time, in push order", async (kinds, splitAt) => {
    const log: Array<string> = []
    let active = 0
    let overlap = false
    const queue = new TaskQueue(
      () => log.push("after"),
      () => log.push("error")
    )
    const make = (i: number, kind: Kind) => (): Promise<void> | undefined => {
      if (active !== 0) overlap = true
      log.push(`start ${i}`)
      if (kind === "throw") throw new Error(`task ${i}`)
      if (kind === "sync") return undefined
      if (kind === "pushInside") {
        queue.push(make(1000 + i, "sync"))
        return undefined
      }
      active++
      const wait = kind === "timer" ? new Promise<void>((r) => setTimeout(r, 1)) : Promise.resolve()
      return wait.then(() => {
        active--
        if (kind === "reject") throw new Error(`task ${i}`)
      })
    }
    // Some tasks are pushed while the queue is busy, some after it went idle.
    // Waits until the queue has gone idle: nothing logged over one more wait.
    const idle = async () => {
      for (let before = -1; before !== log.length; ) {
        before = log.length
        await settle()
      }
    }
    kinds.slice(0, splitAt).forEach((k, i) => queue.push(make(i, k)))
    await idle()
    kinds.slice(splitAt).forEach((k, i) => queue.push(make(splitAt + i, k)))
    await idle()
    expect(overlap).toBe(false)
    // The expected log: each task's start, then its afterEach or onError; a task pushed from
    // inside another runs after those already queued.
    const order: Array<[number, Kind]> = []
    const first = kinds.slice(0, splitAt).map((k, i): [number, Kind] => [i, k])
    const second = kinds.slice(splitAt).map((k, i): [number, Kind] => [splitAt + i, k])
    for (const batch of [first, second]) {
      const pending = [...batch]
      while (pending.length > 0) {
        const [i, k] = pending.shift()!
        order.push([i, k])
        if (k === "pushInside") pending.push([1000 + i, "sync"])
      }
    }
    const expected = order.flatMap(([i, k]) => [`start ${i}`, k === "throw" || k === "reject" ? "error" : "after"])
    expect(log).toEqual(expected)
  })
})
