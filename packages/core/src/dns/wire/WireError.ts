/**
 * What is wrong with a DNS packet, as a value: the wire decoders never throw on what a network
 * peer sends, they return one of these.
 *
 * @category errors
 * @since 0.1.0
 */

export type WireErrorReason =
  /** The packet ends before a field it declares (header, name, record, count of records). */
  | "Truncated"
  /** A name breaks RFC 1035 §3.1 / §4.1.4: label over 63, name over 255, bad label type, pointer not strictly backwards. */
  | "BadName"
  /** A record's data does not fit its type (an A that is not 4 bytes, a TXT string past its record). */
  | "BadRecord"
  /** An answer record of a class other than IN. */
  | "WrongClass"
  /** A question count other than one. */
  | "BadHeader"

export interface WireError {
  readonly _tag: "WireError"
  readonly reason: WireErrorReason
  readonly detail: string
}

export const wireError = (reason: WireErrorReason, detail: string): WireError => ({ _tag: "WireError", reason, detail })

export const isWireError = (u: unknown): u is WireError =>
  typeof u === "object" && u !== null && (u as { _tag?: unknown })._tag === "WireError"
