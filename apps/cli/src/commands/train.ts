/**
 * `mailmoat train` and `mailmoat eval`: thin wrappers over the antispam classifier's `train`
 * and `evaluate`, with paths from the command line and the configuration.
 *
 * @since 0.1.0
 */
import { configOption, jsonOption } from "../cli/Common.ts"
import type { CommandSpec } from "../cli/Spec.ts"

const corpusOptions = [
  { name: "ham", value: "DIR", help: "directory of ham messages, one per file (required)" },
  { name: "spam", value: "DIR", help: "directory of spam messages, one per file (required)" }
]

const train: CommandSpec = {
  name: "train",
  summary: "train a classifier model from a ham and a spam directory",
  description:
    "Trains a content classifier model from one message per file in DIRs (a leading mbox From line is ignored) and writes it to --out (default: classifier.model from the configuration, else <dataDir>/classifier.model.gz). Point classifier.model at the file to use it.",
  options: [
    ...corpusOptions,
    { name: "out", alias: "o", value: "FILE", help: "model file to write (.gz = compressed)" },
    {
      name: "no-one-sided",
      help: "also weigh the tokens of a language the training mail holds in one class only (say, French only in spam), which are set aside by default"
    },
    configOption,
    jsonOption
  ],
  examples: [
    "mailmoat train --ham corpus/ham --spam corpus/spam --out data/model.gz",
    "mailmoat train --ham corpus/ham --spam corpus/spam --out data/model.gz --no-one-sided"
  ],
  run: (a) => import("../run/train.ts").then((m) => m.runTrain(a))
}

const evalCommand: CommandSpec = {
  name: "eval",
  summary: "measure a classifier model on a ham and a spam directory",
  description:
    "Classifies every message of DIRs with the model (--model, else classifier.model, else the bundled model) and the configured cutoffs, and prints precision, spam recall, false-positive rate (ham called spam) and unsure rate with 95% confidence intervals, and messages per second on one core (classification alone, and with parsing). --explain adds, for every false positive and every spam not called spam, the features and tokens that decided it. --autolearn adds the same figures for the messages read as a stream (ham and spam each in file order, spread evenly, a minute apart), each classified with what auto-learning (classifier.autolearn's thresholds and cap, whether enabled or not) learned from the ones before it; the figures above are without learning.",
  options: [
    ...corpusOptions,
    { name: "model", value: "FILE", help: "model file (default: classifier.model, else the bundled model)" },
    { name: "explain", help: "show the top features and tokens of every false positive and missed spam" },
    {
      name: "autolearn",
      help: "also read the messages as a stream with classifier.autolearn's gate, each classified before it may be learned"
    },
    configOption,
    jsonOption
  ],
  examples: [
    "mailmoat eval --ham corpus/eval/ham --spam corpus/eval/spam --json",
    "mailmoat eval --ham corpus/eval/ham --spam corpus/eval/spam --explain",
    "mailmoat eval --ham corpus/new/ham --spam corpus/new/spam --autolearn"
  ],
  run: (a) => import("../run/train.ts").then((m) => m.runEval(a))
}

export { evalCommand, train as trainCommand }
