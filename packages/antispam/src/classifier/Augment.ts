/**
 * Padded twins for the logistic layer's training samples: a spam message with the words of a
 * ham message added, as hash-busting spam and spam written in everyday language look to a
 * token table. The twin is scored like any out-of-fold sample, so the layer sees spam whose
 * tokens say "ham" or "unsure" and learns that the structural features still count then. That
 * is the failure on mail from another era or source: its spam uses words the table knows from
 * ham (docs/classifier.md).
 *
 * @category constructors
 * @since 0.3.0
 */

/**
 * Sample weight of a padded twin (an ordinary sample weighs 1). Larger weights gained more
 * spam recall across eras but turned HTML newsletters whose tokens disagree into false
 * positives (docs/classifier.md, round 4).
 */
export const TWIN_WEIGHT = 0.05

/** The word tokens of a message: body, subject and name words carry no `family:` prefix. */
export const wordTokens = (tokens: ReadonlyArray<string>): Array<string> => tokens.filter((t) => !t.includes(":"))

/**
 * The tokens of a spam message with the words of one message from `pool` added, chosen by the
 * spam message's position (deterministic, spread over the pool). Undefined when the pool is empty.
 */
export const paddedTokens = (
  spam: ReadonlyArray<string>,
  position: number,
  pool: ReadonlyArray<ReadonlyArray<string>>
): Array<string> | undefined => {
  if (pool.length === 0) return undefined
  const pad = pool[(position * 7919) % pool.length]!
  return [...new Set([...spam, ...pad])]
}
