/**
 * Incremental learning from quarantine decisions: `release` teaches ham, `confirm` teaches spam.
 *
 * Where the learning goes:
 * - `state.backend: redis`: into the shared learned counts (every gateway sees it at once).
 * - embedded, with `classifier.model` set: into that model file, rewritten atomically (the
 *   gateway reads it at its next start).
 * - embedded with the bundled model: nothing is learned (the bundled model is part of the
 *   installation); the note says how to enable it.
 *
 * A learning failure never undoes the release or confirmation; it is reported in the note.
 *
 * @since 0.1.0
 */
import type { QuarantineStoredMessage } from "@mailmoat/core"
import { messageOf } from "./Common.ts"
import { type LoadedConfig, stateSettings } from "./Config.ts"

const collect = async (s: AsyncIterable<Uint8Array>): Promise<Uint8Array> => {
  const parts: Array<Uint8Array> = []
  for await (const c of s) parts.push(c)
  return Buffer.concat(parts)
}

/** Returns a short note of what was learned (or why not). */
export const learnFromQuarantine = async (config: LoadedConfig, entry: QuarantineStoredMessage, label: "ham" | "spam"): Promise<string> => {
  // Loaded on use: the classifier (and @mailmoat/antispam) only when something is learned.
  const { classifierSetup, openClassifier } = await import("./ClassifierAccess.ts")
  const { Classifier } = await import("@mailmoat/antispam")
  const setup = classifierSetup(config)
  if (!setup.enabled) return "classifier disabled, nothing learned"
  try {
    const message = Classifier.parseMessage(await collect(entry.stream()))
    if (stateSettings(config).backend === "redis") {
      const opened = openClassifier(config)
      try {
        if (!opened.classifier) return `nothing learned: ${opened.note ?? "no classifier"}`
        await opened.classifier.learn(message, label)
        return `classifier learned it as ${label} (${opened.note ?? "shared counts"})`
      } finally {
        await opened.close()
      }
    }
    if (!setup.configured) return "nothing learned: the bundled model is read-only (set classifier.model to a model file, or use state.backend: redis)"
    const model = Classifier.loadModel(setup.modelPath)
    await Classifier.learn(model, message, label)
    Classifier.writeAtomic(setup.modelPath, Classifier.serialiseModel(model, { gzip: setup.modelPath.endsWith(".gz") }))
    return `classifier learned it as ${label} (${setup.modelPath})`
  } catch (e) {
    return `learning failed: ${messageOf(e)}`
  }
}
