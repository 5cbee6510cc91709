/**
 * A recipient's own spam policy: the cut-off and the action that apply to that recipient
 * instead of the engine's (`antispam.spamScore`, `antispam.onSpam`), as a recipient directory
 * gives them (amavisd-new's per-recipient spam levels, rspamd's settings per recipient).
 *
 * The engine asks for it once per scanned recipient, after the verdict steps, and only when
 * it was given a lookup: without one nothing is looked up or allocated.
 *
 * **Gotchas**
 * - The verdict steps (DMARC enforcement, temporary rejection) judge the message under the
 *   engine's policy: a transaction has one reply, so a temporary rejection stays the whole
 *   message's; a recipient's cut-off decides that recipient's class and action only.
 * - The IMAP/POP3 proxies judge a message without recipients (`Engine.judge`): no recipient
 *   policy applies there.
 *
 * @category models
 * @since 0.1.0
 */
import type * as Policy from "../policy/Policy.ts"

export interface RecipientPolicy {
  /** Where the policy comes from, named in the rule: e.g. `directory: @example.org`. */
  readonly source: string
  readonly onSpam?: Policy.OnSpam | undefined
  /** Score at or above which this recipient's verdict is spam. */
  readonly spamScore?: number | undefined
  /** Subject prefix of spam delivered to this recipient with `onSpam: none`. */
  readonly subjectPrefix?: string | undefined
}

/** The recipient's own policy, or undefined for the engine's; never throws. */
export type RecipientPolicies = (recipient: string) => RecipientPolicy | undefined

/** The engine's policy options with the recipient's keys in place of the engine's. */
export const optionsFor = (base: Policy.PolicyOptions, own: RecipientPolicy): Policy.PolicyOptions => ({
  ...base,
  spamScore: own.spamScore ?? base.spamScore,
  onSpam: own.onSpam ?? base.onSpam,
  subjectPrefix: own.subjectPrefix ?? base.subjectPrefix
})
