/**
 * Incremental learning from quarantine decisions: a release as not-spam teaches ham, a
 * confirmation teaches spam. Shared by the admin API, the quarantine page and the CLI.
 *
 * Where the learning goes:
 * - `state.backend: redis`: into the shared learned counts (every gateway sees it at once).
 * - embedded, with `classifier.model` set: into that model file, rewritten atomically (a running
 *   gateway reads it at its next start or configuration reload).
 * - embedded with the bundled model: nothing is learned (the bundled model is part of the
 *   installation); the note says how to enable it.
 *
 * A learning failure never undoes the release or confirmation; it is reported in the note.
 *
 * @category services
 * @since 0.1.0
 */
import { existsSync } from "node:fs"
import { resolve } from "node:path"
import { Classifier } from "@mailmoat/antispam"
import type { GatewayConfig } from "@mailmoat/antispam"
import { stateSettings, tokenStore } from "../StateStores.ts"

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e))

/**
 * The note of a not-spam release that let a virus out (an admin's `allowVirus`): it is
 * delivered, but never learned as ham. Ham teaches the classifier that its words are good mail;
 * a virus's carrier would pull the next copy of the same lure towards "ham".
 */
export const virusNotLearned = (signature: string): string =>
  `not learned: it carries a virus (${signature}); a release with allowVirus delivers it but never teaches the classifier ham`

/** Learns `bytes` (a whole message) as `label`; resolves with a short note of what happened. */
export const learnMessage = async (
  config: GatewayConfig.Config,
  base: string,
  bytes: Uint8Array,
  label: "ham" | "spam"
): Promise<string> => {
  const c = config.classifier
  if (!c.enabled) return "classifier disabled, nothing learned"
  const modelPath = c.model === undefined ? Classifier.shippedModelPath() : resolve(base, c.model)
  try {
    const message = Classifier.parseMessage(bytes)
    if (config.state.backend === "redis") {
      if (!existsSync(modelPath)) return `nothing learned: no model (${modelPath} is missing)`
      // The model first: loading blocks, and the store's connection deadline must not run meanwhile.
      const model = Classifier.loadModel(modelPath)
      const store = tokenStore(stateSettings(config.state, base))
      if (store === undefined) return "nothing learned: state.backend is redis but no Redis is configured"
      try {
        const classifier = Classifier.make({ model, store, cutoffs: { hamBelow: c.hamBelow, spamAbove: c.spamAbove } })
        await classifier.learn(message, label)
        return `classifier learned it as ${label} (learned counts in ${store.describe})`
      } finally {
        await store.close()
      }
    }
    if (c.model === undefined)
      return "nothing learned: the bundled model is read-only (set classifier.model to a model file, or use state.backend: redis)"
    const model = Classifier.loadModel(modelPath)
    await Classifier.learn(model, message, label)
    Classifier.writeAtomic(modelPath, Classifier.serialiseModel(model, { gzip: modelPath.endsWith(".gz") }))
    return `classifier learned it as ${label} (${modelPath})`
  } catch (e) {
    return `learning failed: ${messageOf(e)}`
  }
}

export const collect = async (s: AsyncIterable<Uint8Array>): Promise<Uint8Array> => {
  const parts: Array<Uint8Array> = []
  for await (const c of s) parts.push(c)
  return Buffer.concat(parts)
}
