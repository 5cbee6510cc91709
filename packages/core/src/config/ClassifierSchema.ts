/**
 * The `classifier` section: the statistical classifier's thresholds and model updates.
 * A probability below `hamBelow` is ham, at or above `spamAbove` spam, in between unsure.
 *
 * @category models
 * @since 0.1.0
 */
import { Schema } from "effect"
import { defaults as policy } from "../policy/Policy.ts"
import { boolean, doc, int, number, optional, path, section, string, withDefault } from "./Fields.ts"
import { isUrl } from "./Formats.ts"

/**
 * Auto-learning's defaults (`classifier.autolearn`; the gate itself is antispam's
 * `Classifier.AutoLearn`): chosen on the training corpus's drift streams only
 * (docs/classifier.md, "Auto-learning").
 */
export const autolearnDefaults = { spamAbove: 0.9, hamBelow: 0.1, maxPerHour: 200 } as const

/** `classifier.autolearn`: off unless enabled; the gate's two thresholds and the hourly cap. */
const AutoLearn = Schema.Struct({
  enabled: boolean.pipe(
    doc("Learn from the gateway's own verdicts when the word-free evidence agrees (off by default)."),
    withDefault(false)
  ),
  spamAbove: number(0, 1).pipe(
    doc("Word-free probability at or above which a spam verdict is learned as spam."),
    withDefault(autolearnDefaults.spamAbove)
  ),
  hamBelow: number(0, 1).pipe(
    doc("Word-free probability below which a ham verdict is learned as ham."),
    withDefault(autolearnDefaults.hamBelow)
  ),
  maxPerHour: int(1).pipe(
    doc(
      "Messages of each class learned per hour, at most (all processes sharing the learned counts: the multi-process gateway, a Redis fleet)."
    ),
    withDefault(autolearnDefaults.maxPerHour)
  )
})
  .annotate({ description: "Auto-learning from the gateway's own verdicts (docs/classifier.md)." })
  .check(
    Schema.makeFilter((a) =>
      a.hamBelow < a.spamAbove
        ? undefined
        : { path: ["spamAbove"], issue: `a number greater than hamBelow (${a.hamBelow})` }
    )
  )

export const Classifier = Schema.Struct({
  enabled: boolean.pipe(doc("Run the classifier."), withDefault(true)),
  hamBelow: number(0, 1).pipe(doc("Probability below which a message is ham."), withDefault(policy.hamBelow)),
  spamAbove: number(0, 1).pipe(doc("Probability at or above which a message is spam."), withDefault(policy.spamAbove)),
  model: path.pipe(doc("Model file; default: the bundled model.", "./data/model.json"), optional),
  updateUrl: string("an http:// or https:// URL", (s) => isUrl(s, ["http", "https"])).pipe(
    doc("Where model updates are fetched from.", "https://models.example/mailmoat.json"),
    optional
  ),
  updateIntervalMinutes: int(1).pipe(doc("Minutes between update checks."), withDefault(360)),
  updateSha256: string("64 hexadecimal digits (a SHA-256 digest)", (s) => /^[0-9a-f]{64}$/i.test(s)).pipe(
    doc("Expected SHA-256 of the downloaded model."),
    optional
  ),
  autolearn: AutoLearn.pipe(section)
})
  .annotate({ description: "Statistical classifier." })
  .check(
    Schema.makeFilter((c) =>
      c.hamBelow < c.spamAbove
        ? undefined
        : { path: ["spamAbove"], issue: `a number greater than hamBelow (${c.hamBelow})` }
    )
  )
