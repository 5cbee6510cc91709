// The proxies' classifier follows the wiring in force: a run holds the wiring it uses, so a
// reload never closes a classifier under a message being judged, and the run's answer is that
// classifier's; the stage the client engine is built with looks exactly like the real one.
import { Classifier } from "@mailmoat/antispam"
import type { Stage, StageInput, StageResult } from "@mailmoat/core"
import { Deferred, Effect, Exit, Fiber } from "effect"
import { describe, expect, test } from "vitest"
import * as Log from "../src/Log.ts"
import { classifierSource, followingClassifier } from "../src/ProxyClassifier.ts"
import { makeSwappableHandler } from "../src/reload/SwappableHandler.ts"
import type { Wiring } from "../src/reload/Wiring.ts"

const INPUT = { phase: "data", message: {}, recipients: [] } as unknown as StageInput

const stageAnswering = (run: Stage["run"]): Stage => ({
  name: "classifier",
  phase: "data",
  budgetMillis: 2000,
  symbols: Classifier.ClassifierSymbols,
  run
})
const spam: StageResult = {
  symbols: [{ name: "CLASSIFIER_SPAM", score: 6, detail: "p=1.000", source: "classifier" }],
  probability: 1
}

const fakeWiring = (classifierStage: Stage | undefined) => {
  const state = { closed: false }
  const wiring = {
    settings: {},
    handler: { onData: async () => ({ code: 250, text: "ok" }) },
    classifierStage,
    close: async () => {
      state.closed = true
    }
  } as unknown as Wiring
  return { wiring, state }
}

describe("followingClassifier", () => {
  test("has the name, phase, order, budget and symbols of the classifier it stands for", () => {
    const real = Classifier.setup({})
    try {
      const { wiring } = fakeWiring(real.stage)
      const following = followingClassifier(classifierSource(makeSwappableHandler(wiring, Log.silent)))
      const shape = (s: Stage) => [s.name, s.phase, s.order, s.budgetMillis, s.symbols, s.inline]
      expect(shape(following)).toEqual(shape(real.stage))
    } finally {
      void real.close()
    }
  })

  test("a run in flight during a reload finishes on the classifier it began with; that wiring closes afterwards", async () => {
    const gate = Effect.runSync(Deferred.make<void>())
    const old = fakeWiring(stageAnswering(() => Deferred.await(gate).pipe(Effect.as(spam))))
    const off = fakeWiring(undefined)
    const handler = makeSwappableHandler(old.wiring, Log.silent)
    const following = followingClassifier(classifierSource(handler))

    const running = Effect.runFork(following.run(INPUT))
    await Effect.runPromise(Effect.yieldNow)
    handler.swap(off.wiring)
    expect(old.state.closed).toBe(false)
    // A new run takes the wiring in force: the classifier is off there.
    expect(await Effect.runPromise(following.run(INPUT))).toEqual({ symbols: [] })

    Effect.runSync(Deferred.succeed(gate, undefined))
    expect(await Effect.runPromise(Fiber.join(running))).toBe(spam)
    await Promise.resolve()
    expect(old.state.closed).toBe(true)
    expect(off.state.closed).toBe(false)
  })

  test("a classifier that fails or is interrupted still releases the wiring it held", async () => {
    const failing = fakeWiring(stageAnswering(() => Effect.die(new Error("store closed"))))
    const handler = makeSwappableHandler(failing.wiring, Log.silent)
    const following = followingClassifier(classifierSource(handler))
    expect(Exit.isFailure(await Effect.runPromiseExit(following.run(INPUT)))).toBe(true)

    const hanging = fakeWiring(stageAnswering(() => Effect.never))
    handler.swap(hanging.wiring)
    expect(failing.state.closed).toBe(true)
    const running = Effect.runFork(following.run(INPUT))
    await Effect.runPromise(Effect.yieldNow)
    handler.swap(fakeWiring(undefined).wiring)
    expect(hanging.state.closed).toBe(false)
    await Effect.runPromise(Fiber.interrupt(running))
    expect(hanging.state.closed).toBe(true)
  })

  test("onChange is called when a reload puts another classifier in force, not when both are off", () => {
    const first = fakeWiring(undefined)
    const handler = makeSwappableHandler(first.wiring, Log.silent)
    const source = classifierSource(handler)
    let changes = 0
    const unwatch = source.onChange(() => changes++)
    handler.swap(fakeWiring(undefined).wiring)
    expect(changes).toBe(0)
    expect(source.on()).toBe(false)
    handler.swap(fakeWiring(stageAnswering(() => Effect.succeed(spam))).wiring)
    expect(changes).toBe(1)
    expect(source.on()).toBe(true)
    unwatch()
    handler.swap(fakeWiring(undefined).wiring)
    expect(changes).toBe(1)
  })
})
