/**
 * Implementation of the commands declared in ../commands/train.ts (loaded on use).
 *
 * `mailmoat train` and `mailmoat eval`: thin wrappers over the antispam classifier's `train`
 * and `evaluate`, with paths from the command line and the configuration.
 *
 * @since 0.1.0
 */
import { now } from "../cli/Time.ts"
import { statSync } from "node:fs"
import { join, resolve } from "node:path"
import { Classifier } from "@mailmoat/antispam"
import { classifierSetup, loadModel } from "../cli/ClassifierAccess.ts"
import { messageOf } from "../cli/Common.ts"
import { loadConfig } from "../cli/Config.ts"
import { EXIT_OK, InputError } from "../cli/Errors.ts"
import { print, printJson, warn } from "../cli/Io.ts"
import { makeProgress } from "../cli/Progress.ts"
import { opt, type Parsed } from "../cli/Spec.ts"
import { explanationLines } from "./ExplanationLines.ts"

const dirs = (a: Parsed) => {
  const out = { hamDir: opt.string(a, "ham")!, spamDir: opt.string(a, "spam")! }
  const problems: Array<string> = []
  for (const [flag, dir] of [
    ["--ham", out.hamDir],
    ["--spam", out.spamDir]
  ] as const) {
    if (dir === undefined) problems.push(`${flag} DIR is required`)
    else {
      try {
        if (!statSync(dir).isDirectory()) problems.push(`${flag}: ${dir} is not a directory`)
      } catch {
        problems.push(`${flag}: ${dir} does not exist`)
      }
    }
  }
  if (problems.length > 0) throw new InputError(problems)
  return out
}

const pct = (x: number) => `${(x * 100).toFixed(2)}%`

export const runTrain = async (a: Parsed): Promise<number> => {
  const config = loadConfig(opt.string(a, "config"))
  const { hamDir, spamDir } = dirs(a)
  const setup = classifierSetup(config)
  const outArg = opt.string(a, "out")
  const out =
    outArg !== undefined
      ? resolve(outArg)
      : setup.configured
        ? setup.modelPath
        : join(config.dataDir, "classifier.model.gz")
  const started = now()
  let model: Classifier.Model
  try {
    model = Classifier.train({
      hamDir,
      spamDir,
      out,
      gzip: out.endsWith(".gz"),
      oneSided: !opt.flag(a, "no-one-sided"),
      log: opt.flag(a, "json") ? undefined : (line) => warn(line),
      progress: makeProgress("tokenizing", { enabled: !opt.flag(a, "json") })
    })
  } catch (e) {
    throw new InputError([messageOf(e)], "mailmoat: training failed:")
  }
  const summary = {
    out,
    ham: model.nham,
    spam: model.nspam,
    tokens: model.tokens.size,
    logistic: model.logistic !== undefined,
    // Unless --no-one-sided: each language the training saw with its ham/spam counts, `*` on
    // those whose own tokens were set aside, and how many tokens that was.
    ...(model.meta.languages === undefined
      ? {}
      : { languages: model.meta.languages, languageBound: model.meta.languageBound }),
    seconds: (now() - started) / 1000
  }
  if (opt.flag(a, "json")) printJson(summary)
  else {
    print(
      `trained on ${summary.ham} ham and ${summary.spam} spam messages: ${summary.tokens} tokens kept (${summary.seconds.toFixed(1)} s)`
    )
    if (summary.languages !== undefined)
      print(
        `languages (ham/spam; * its own tokens set aside): ${summary.languages}; ${summary.languageBound} tokens set aside`
      )
    print(`model written to ${out}`)
    if (!setup.configured || setup.modelPath !== out) print(`use it with: classifier: { model: ${out} }`)
  }
  return EXIT_OK
}

export const runEval = async (a: Parsed): Promise<number> => {
  const config = loadConfig(opt.string(a, "config"))
  const { hamDir, spamDir } = dirs(a)
  const setup = classifierSetup(config)
  const modelArg = opt.string(a, "model")
  const modelPath = modelArg !== undefined ? resolve(modelArg) : setup.modelPath
  const model = loadModel(modelPath)
  const explain = opt.flag(a, "explain")
  let e: Classifier.Evaluation
  try {
    e = Classifier.evaluate({
      hamDir,
      spamDir,
      model,
      cutoffs: { hamBelow: setup.hamBelow, spamAbove: setup.spamAbove },
      explain,
      progress: makeProgress("classifying", { enabled: !opt.flag(a, "json") })
    })
  } catch (err) {
    throw new InputError([messageOf(err)], "mailmoat: evaluation failed:")
  }
  const cutoffs = { hamBelow: setup.hamBelow, spamAbove: setup.spamAbove }
  const stream = opt.flag(a, "autolearn")
    ? await autolearnStream(hamDir, spamDir, model, cutoffs, setup.autolearn)
    : undefined
  if (opt.flag(a, "json")) {
    printJson({ model: modelPath, cutoffs, ...e, ...(stream ? { autolearn: stream } : {}) })
    return EXIT_OK
  }
  const t = e.throughput
  print(`model ${modelPath} (hamBelow ${setup.hamBelow}, spamAbove ${setup.spamAbove})`)
  print(`messages             ${e.counts.ham} ham, ${e.counts.spam} spam`)
  print(`precision            ${pct(e.precision)}`)
  print(`spam recall          ${pct(e.recall)}  95% CI ${interval(e.intervals.recall)}`)
  print(
    `false-positive rate  ${pct(e.falsePositiveRate)}  95% CI ${interval(e.intervals.falsePositiveRate)}  (${e.counts.falsePositives} ham called spam)`
  )
  print(
    `unsure rate          ${pct(e.unsureRate)}  95% CI ${interval(e.intervals.unsureRate)}  (${e.counts.hamAsUnsure} ham, ${e.counts.spamAsUnsure} spam)`
  )
  print(
    `throughput           ${t.classification.messagesPerSecond.toFixed(0)} messages/s classification alone, warm (${t.classification.messagesPerCpuSecond.toFixed(0)} per CPU-second), one core`
  )
  print(
    `                     first pass ${t.firstPass.messagesPerSecond.toFixed(0)} messages/s (${t.firstPass.messagesPerCpuSecond.toFixed(0)} per CPU-second), ${t.messagesPerSecond.toFixed(0)} messages/s with parsing`
  )
  if (t.steady)
    print(
      `                     steady state ${t.steady.messagesPerSecond.toFixed(0)} messages/s (${t.steady.messagesPerCpuSecond.toFixed(0)} per CPU-second), ${t.steady.messages} messages after ${t.steady.after} classifications`
    )
  if (stream) for (const line of streamLines(stream)) print(line)
  if (explain) for (const line of explanationLines(e.errors ?? [], cutoffs)) print(line)
  return EXIT_OK
}

interface StreamFigures {
  readonly settings: Classifier.AutoLearn.AutoLearnSettings
  readonly falsePositiveRate: number
  readonly recall: number
  readonly unsureRate: number
  readonly intervals: Classifier.Evaluation["intervals"]
  readonly counts: Classifier.Evaluation["counts"]
  readonly learned: Classifier.AutoLearnStream.StreamResult["learned"]
}

/** `--autolearn`: the messages as a stream, each classified before auto-learning may learn it. */
const autolearnStream = async (
  hamDir: string,
  spamDir: string,
  model: Classifier.Model,
  cutoffs: Classifier.Cutoffs,
  settings: Classifier.AutoLearn.AutoLearnSettings
): Promise<StreamFigures> => {
  const items = Classifier.AutoLearnStream.interleave([
    ...Classifier.AutoLearnStream.readDir(hamDir, "ham"),
    ...Classifier.AutoLearnStream.readDir(spamDir, "spam")
  ])
  let r: Classifier.AutoLearnStream.StreamResult
  try {
    r = await Classifier.AutoLearnStream.stream(model, items, { autolearn: settings, cutoffs })
  } catch (err) {
    throw new InputError([messageOf(err)], "mailmoat: the auto-learning stream failed:")
  }
  const e = Classifier.summarise(r.classes.ham, r.classes.spam, 0)
  return {
    settings,
    falsePositiveRate: e.falsePositiveRate,
    recall: e.recall,
    unsureRate: e.unsureRate,
    intervals: e.intervals,
    counts: e.counts,
    learned: r.learned
  }
}

const streamLines = (s: StreamFigures): Array<string> => {
  const l = s.learned
  return [
    "",
    `with auto-learning, as a stream (word-free spamAbove ${s.settings.spamAbove}, hamBelow ${s.settings.hamBelow}, at most ${s.settings.maxPerHour} per class and hour, a message a minute):`,
    `spam recall          ${pct(s.recall)}  95% CI ${interval(s.intervals.recall)}`,
    `false-positive rate  ${pct(s.falsePositiveRate)}  95% CI ${interval(s.intervals.falsePositiveRate)}  (${s.counts.falsePositives} ham called spam)`,
    `unsure rate          ${pct(s.unsureRate)}  95% CI ${interval(s.intervals.unsureRate)}  (${s.counts.hamAsUnsure} ham, ${s.counts.spamAsUnsure} spam)`,
    `learned              ${l.spam} as spam (${l.wrongSpam} of them ham), ${l.ham} as ham (${l.wrongHam} of them spam); held back: ${l.unbalanced} by the class balance, ${l.capped} by the cap`
  ]
}

const interval = ([lo, hi]: readonly [number, number]) => `[${pct(lo)}, ${pct(hi)}]`
