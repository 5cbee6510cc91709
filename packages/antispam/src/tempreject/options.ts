/**
 * `antispam.tempReject`: 451 for unsure messages (a verdict step after the policy, not a stage)
 * and the optional submission of deferred messages for analysis.
 *
 * **Gotchas**
 * - `submitForAnalysis: true` needs `analysisUrl`.
 *
 * @category models
 * @since 0.1.0
 */
import { GatewayConfig } from "@mailmoat/core"
import { Schema } from "effect"
import { define } from "../stages/Builtin.ts"
import { seconds } from "../stages/OptionFields.ts"

const { boolean, doc, int, number, optional, section, string, withDefault } = GatewayConfig.Fields

const httpUrl = string("an http:// or https:// URL", (s) => GatewayConfig.Formats.isUrl(s, ["http", "https"]))

export const options = {
  tempReject: Schema.Struct({
    enabled: boolean.pipe(doc("Answer 451 4.7.1 to unsure messages."), withDefault(false)),
    periodMinutes: number(0).pipe(doc("Retries before this period ends get 451 again."), withDefault(15)),
    submitForAnalysis: boolean.pipe(doc("POST deferred messages to analysisUrl."), withDefault(false)),
    analysisUrl: httpUrl.pipe(
      doc("Where deferred messages are submitted.", "https://analysis.example/submit"),
      optional
    ),
    analysisTimeoutSeconds: seconds.pipe(doc("Per-attempt timeout of the submitter."), withDefault(10)),
    analysisQueueSize: int(0).pipe(doc("Queue bound of the submitter."), withDefault(100))
  })
    .check(
      Schema.makeFilter((t) =>
        t.submitForAnalysis && t.analysisUrl === undefined
          ? { path: ["analysisUrl"], issue: "an http:// or https:// URL when submitForAnalysis is true" }
          : undefined
      )
    )
    .pipe(section)
}

export const builtin = define({ options })
