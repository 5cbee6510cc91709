/**
 * Symbols are observations a stage makes about a message (rspamd style). Weights belong to the
 * policy: a stage declares its symbols with default weights, `config.scores` may override them.
 *
 * @category models
 * @since 0.1.0
 */

export interface SymbolDefinition {
  readonly weight: number
  readonly description: string
  readonly group?: string | undefined
  /**
   * The stage could not tell (a list did not answer, a classifier's middle band): a message
   * with such a symbol and no spam score is `unsure`, never `ham`.
   */
  readonly undecided?: boolean | undefined
}

export type SymbolTable = Readonly<Record<string, SymbolDefinition>>

/** One observation: a declared symbol name, the score it contributed, and why. */
export interface SymbolHit {
  readonly name: string
  readonly score: number
  /** Human-readable detail, e.g. "203.0.113.9 via bl.example -> 127.0.0.2". */
  readonly detail?: string | undefined
  /** Stage (or plugin) that emitted it. */
  readonly source: string
}
