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
 * Sample weight of a padded twin (an ordinary sample weighs 1). With more weight the layer
 * leans less on the chi-square logit and more on the amount of spam evidence, so a short
 * message whose two or three words happen to be spam words (an RSS item, a one-line notice)
 * no longer passes for spam on those words alone: trained on 2003-05 mail, it called less than
 * half as much 2002 ham spam. The price is spam with as few known words, which more often stays
 * unsure. Above this weight a message with one known word and HTML alone became a false
 * positive (docs/classifier.md, rounds 4, 11 and 16).
 */
export const TWIN_WEIGHT = 0.2

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
