/**
 * Evaluation of a model on labelled directories: precision, spam recall, false-positive rate
 * and unsure rate with 95 % intervals, counts, throughput (one core), and on request the
 * reasons behind every error.
 *
 * @category constructors
 * @since 0.1.0
 */
import { readFileSync } from "node:fs"
import { classifyWith } from "./Classifier.ts"
import { counter, listFiles, parseMessage } from "./Corpus.ts"
import { type Explanation, explain } from "./Explain.ts"
import { wilson } from "./Interval.ts"
import type { Label, Model } from "./Model.ts"
import * as ModelFile from "./ModelFile.ts"
import { type ClassName, type Cutoffs, defaultCutoffs } from "./Score.ts"
import { tokenize } from "./Tokenizer.ts"

export interface Evaluation {
  readonly precision: number
  readonly recall: number
  readonly falsePositiveRate: number
  readonly unsureRate: number
  readonly counts: {
    readonly ham: number
    readonly spam: number
    readonly truePositives: number
    readonly falsePositives: number
    readonly falseNegatives: number
    readonly unsure: number
    readonly hamAsUnsure: number
    readonly spamAsUnsure: number
  }
  /** 95 % Wilson intervals of the three rates. */
  readonly intervals: {
    readonly falsePositiveRate: readonly [number, number]
    readonly recall: readonly [number, number]
    readonly unsureRate: readonly [number, number]
  }
  readonly throughput: Throughput
  /** With `explain`: every false positive and every spam not called spam, with the reasons. */
  readonly errors?: ReadonlyArray<EvaluationError> | undefined
}

/**
 * Speed on one core, messages already in memory. `seconds`/`messagesPerSecond` cover the whole
 * path once (parse, MIME decoding, tokenize, score); `parse` the parse and MIME decoding alone.
 * `firstPass` is tokenize + score of every message once, after an untimed warm-up on the first
 * 200: V8 is still compiling the classifier's code through it (docs/classifier.md
 * "Throughput"). `classification` is a second pass over the same messages, every one of them
 * classified before; V8's compiler threads are still at work through it on a split of about a
 * thousand messages, and their CPU time counts. `steady` is the speed of a gateway that has been
 * classifying for a while: passes over the set timed together once the process has made at
 * least `STEADY_AFTER` classifications. Parsing counts in none of them (the gateway parses once for
 * every stage). `cpuSeconds` is this process's CPU time for the same work, every thread's: on a
 * shared machine wall time also counts time spent waiting for the CPU.
 */
export interface Throughput {
  readonly messages: number
  readonly seconds: number
  readonly messagesPerSecond: number
  readonly parse: Rate
  readonly firstPass: Rate
  readonly classification: Rate
  /** Absent when the evaluation was asked not to measure it (`steadyState: false`). */
  readonly steady?: SteadyRate | undefined
}

export interface SteadyRate extends Rate {
  /** Classifications the process had made before the timed passes began. */
  readonly after: number
  /** Messages classified in the timed passes (whole passes over the set). */
  readonly messages: number
}

export interface Rate {
  readonly seconds: number
  readonly cpuSeconds: number
  readonly messagesPerSecond: number
  readonly messagesPerCpuSecond: number
}

export interface EvaluationError {
  readonly file: string
  readonly label: Label
  readonly class: ClassName
  readonly explanation: Explanation
}

export interface EvaluateOptions {
  readonly hamDir: string
  readonly spamDir: string
  /** A model or the path of a model file. */
  readonly model: Model | string
  readonly cutoffs?: Partial<Cutoffs> | undefined
  /** Explain every error (false positive, spam not called spam) in `errors`. */
  readonly explain?: boolean | undefined
  /** Called after each message is classified (a progress display). */
  readonly progress?: ((done: number, total: number) => void) | undefined
  /** Measure the steady state too (default true): more passes over the set, a few seconds on a corpus split. */
  readonly steadyState?: boolean | undefined
}

export const summarise = (
  ham: ReadonlyArray<ClassName>,
  spam: ReadonlyArray<ClassName>,
  seconds: number
): Evaluation => {
  const n = (xs: ReadonlyArray<ClassName>, c: ClassName) => xs.filter((x) => x === c).length
  const tp = n(spam, "spam")
  const fp = n(ham, "spam")
  const unsure = n(ham, "unsure") + n(spam, "unsure")
  const total = ham.length + spam.length
  return {
    precision: tp + fp === 0 ? 1 : tp / (tp + fp),
    recall: spam.length === 0 ? 0 : tp / spam.length,
    falsePositiveRate: ham.length === 0 ? 0 : fp / ham.length,
    unsureRate: total === 0 ? 0 : unsure / total,
    intervals: {
      falsePositiveRate: wilson(fp, ham.length),
      recall: wilson(tp, spam.length),
      unsureRate: wilson(unsure, total)
    },
    counts: {
      ham: ham.length,
      spam: spam.length,
      truePositives: tp,
      falsePositives: fp,
      falseNegatives: n(spam, "ham"),
      unsure,
      hamAsUnsure: n(ham, "unsure"),
      spamAsUnsure: n(spam, "unsure")
    },
    throughput: {
      messages: total,
      seconds,
      messagesPerSecond: seconds > 0 ? total / seconds : 0,
      parse: rate(total, 0, 0),
      firstPass: rate(total, seconds, 0),
      classification: rate(total, seconds, 0)
    }
  }
}

const WARM_UP = 200
/**
 * Classifications made before the steady state is timed. On the corpus split V8 still compiles
 * on its own threads through the second pass and has finished by about the fourth
 * (docs/classifier.md "Throughput").
 */
const STEADY_AFTER = 5_000
/** Bounds the untimed passes for a small set: its few messages warm the code up sooner. */
const MAX_UNTIMED_PASSES = 20
/** The timed passes cover about this many classifications: three passes over the split. */
const STEADY_TIMED = 3_000
const MAX_TIMED_PASSES = 20

const rate = (messages: number, seconds: number, cpuSeconds: number): Rate => ({
  seconds,
  cpuSeconds,
  messagesPerSecond: seconds > 0 ? messages / seconds : 0,
  messagesPerCpuSecond: cpuSeconds > 0 ? messages / cpuSeconds : 0
})

const cpuNow = (): number => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1e6
}

export const evaluate = (o: EvaluateOptions): Evaluation => {
  const model = typeof o.model === "string" ? ModelFile.load(o.model) : o.model
  const cutoffs = { ...defaultCutoffs, ...o.cutoffs }
  const files = [
    ...listFiles(o.hamDir).map((file) => ({ file, label: "ham" as const })),
    ...listFiles(o.spamDir).map((file) => ({ file, label: "spam" as const }))
  ]
  // Read first, so throughput measures classification, not the disk.
  const bytes = files.map((f) => readFileSync(f.file))
  const w0 = performance.now()
  const c0 = cpuNow()
  // Touching body and received forces core's lazy MIME decoding, so it is timed here.
  const messages = bytes.map((b) => {
    const m = parseMessage(b)
    void m.body
    void m.received
    return m
  })
  const w1 = performance.now()
  const c1 = cpuNow()
  // Warm-up (untimed): the first few hundred classifications run before the JIT has compiled
  // the tokenizer.
  for (const m of messages.slice(0, WARM_UP)) classifyWith(model, m, cutoffs)
  const w2 = performance.now()
  const c2 = cpuNow()
  const tick = counter(o.progress, messages.length)
  const classes = messages.map((m) => {
    const c = classifyWith(model, m, cutoffs).class
    tick?.()
    return c
  })
  const w3 = performance.now()
  const c3 = cpuNow()
  // The second pass: the same classes (a model scores a message the same every time), timed warm.
  for (const m of messages) classifyWith(model, m, cutoffs)
  const w4 = performance.now()
  const c4 = cpuNow()
  const steady =
    o.steadyState === false
      ? undefined
      : steadyRate(model, messages, cutoffs, Math.min(WARM_UP, messages.length) + 2 * messages.length)
  const ham = classes.filter((_, i) => files[i]!.label === "ham")
  const spam = classes.filter((_, i) => files[i]!.label === "spam")
  const summary = summarise(ham, spam, (w1 - w0 + (w3 - w2)) / 1000)
  const n = files.length
  const errors = o.explain
    ? files.flatMap((f, i) => {
        const c = classes[i]!
        const wrong = f.label === "ham" ? c === "spam" : c !== "spam"
        return wrong
          ? [{ file: f.file, label: f.label, class: c, explanation: explain(model, tokenize(messages[i]!)) }]
          : []
      })
    : undefined
  return {
    ...summary,
    throughput: {
      ...summary.throughput,
      parse: rate(n, (w1 - w0) / 1000, c1 - c0),
      firstPass: rate(n, (w3 - w2) / 1000, c3 - c2),
      classification: rate(n, (w4 - w3) / 1000, c4 - c3),
      steady
    },
    errors
  }
}

/**
 * Untimed passes until `STEADY_AFTER` classifications have been made, then timed passes over
 * about `STEADY_TIMED` messages (at least one pass: a large set is timed once, not three times).
 */
const steadyRate = (
  model: Model,
  messages: ReadonlyArray<ReturnType<typeof parseMessage>>,
  cutoffs: Cutoffs,
  made: number
): SteadyRate | undefined => {
  if (messages.length === 0) return undefined
  let after = made
  for (let pass = 0; after < STEADY_AFTER && pass < MAX_UNTIMED_PASSES; pass++) {
    for (const m of messages) classifyWith(model, m, cutoffs)
    after += messages.length
  }
  const w0 = performance.now()
  const c0 = cpuNow()
  const passes = Math.min(MAX_TIMED_PASSES, Math.max(1, Math.ceil(STEADY_TIMED / messages.length)))
  for (let pass = 0; pass < passes; pass++) for (const m of messages) classifyWith(model, m, cutoffs)
  const timed = passes * messages.length
  return { ...rate(timed, (performance.now() - w0) / 1000, cpuNow() - c0), after, messages: timed }
}
