/**
 * Auto-learning at run time: the classifier stage offers each message it classified; the gate
 * (AutoLearn.ts), the class balance and the hourly cap decide whether it becomes a candidate. A
 * candidate carries its tokens and learns them only when its `learn` is called, which the gateway
 * does once the message's fate is final (handed off, rejected or dropped; never quarantined,
 * bypassed, deferred or carrying a virus). Learned counts go to the classifier's store: memory, or
 * Redis shared by the fleet (`state.backend: redis`), the same counts an admin's release teaches.
 *
 * **Gotchas**
 * - The cap is the store's when it counts slots (`takeLearnSlot`: the primary's memory for a
 *   multi-process gateway, Redis for a fleet), so every process sharing it learns at most
 *   `maxPerHour` of each class an hour together; this process's own count is checked first, so
 *   a message past it is never tokenized.
 * - The balance reads the store's learned totals, fetched at start and after each learning: a
 *   fleet's other gateways' learning is seen at this one's next.
 *
 * @category services
 * @since 0.3.0
 */
import type { Message } from "@mailmoat/core"
import { type AutoLearnSettings, BALANCE, balanced, gate, hourOf, makeCap, type Totals } from "./AutoLearn.ts"
import type { Classification, Classifier } from "./Classifier.ts"
import { addMessage, type Label } from "./Model.ts"
import { tokenize } from "./Tokenizer.ts"

export interface Candidate {
  readonly label: Label
  /** The word-free probability that opened the gate. */
  readonly wordFree: number
  /** Learns the message (once; later calls resolve with the first call's note). */
  readonly learn: () => Promise<string>
}

export interface AutoLearnerStatus {
  readonly learned: { readonly ham: number; readonly spam: number }
  readonly thisHour: { readonly ham: number; readonly spam: number }
  readonly failed: number
}

export interface AutoLearner {
  readonly settings: AutoLearnSettings
  /** A candidate when the gate, the balance and the hour's cap let `classification` be learned. */
  readonly offer: (message: Message, classification: Classification) => Candidate | undefined
  readonly status: () => AutoLearnerStatus
}

export interface AutoLearnerOptions {
  readonly classifier: Classifier
  readonly settings: AutoLearnSettings
  readonly now?: (() => number) | undefined
  readonly log?: ((line: string) => void) | undefined
}

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e))

export const make = (options: AutoLearnerOptions): AutoLearner => {
  const { classifier, settings } = options
  const log = options.log ?? (() => {})
  const now = options.now ?? Date.now
  const cap = makeCap(settings.maxPerHour, now)
  const learned = { ham: 0, spam: 0 }
  let failed = 0
  // The store's learned totals (every learner of the fleet, and the admins' releases).
  let totals: Totals = { nham: 0, nspam: 0 }
  const refresh = () =>
    classifier.store
      ?.lookup([])
      .then((t) => {
        totals = { nham: t.nham, nspam: t.nspam }
      })
      .catch(() => {})
  void refresh()

  const offer = (message: Message, classification: Classification): Candidate | undefined => {
    const model = classifier.model.get()
    const g = gate(
      model,
      { class: classification.class, gtube: classification.gtube, features: classification.score?.features },
      settings
    )
    if (!("learn" in g)) return undefined
    const label = g.learn
    if (!cap.room(label) || !balanced(model, totals, label, BALANCE)) return undefined
    // The tokens now: the message's parsed parts are released once the data phase is done.
    const tokens = tokenize(message).tokens
    let done: Promise<string> | undefined
    const learn = async (): Promise<string> => {
      if (!cap.take(label)) return `not learned: the hour's ${settings.maxPerHour} ${label} messages are learned`
      try {
        const store = classifier.store
        if (store?.takeLearnSlot && !(await store.takeLearnSlot(label, hourOf(now()), settings.maxPerHour)))
          return `not learned: the hour's ${settings.maxPerHour} ${label} messages are learned by the processes sharing ${store.describe}`
        if (classifier.store) await classifier.store.add(tokens, label, 1)
        else addMessage(classifier.model.get(), tokens, label)
        learned[label]++
        await refresh()
        return `auto-learned as ${label} (word-free ${g.wordFree.toFixed(3)}; ${classifier.store?.describe ?? "model"})`
      } catch (e) {
        failed++
        const note = `auto-learning failed: ${messageOf(e)}`
        log(`classifier: ${note}`)
        return note
      }
    }
    return {
      label,
      wordFree: g.wordFree,
      learn: () => {
        done ??= learn()
        return done
      }
    }
  }

  return {
    settings,
    offer,
    status: () => ({ learned: { ...learned }, thisHour: cap.spent(), failed })
  }
}
