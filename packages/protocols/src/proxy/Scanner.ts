/**
 * The scanner seam: the gateway wires the client-protection pipeline (content classifier, DNSBL,
 * threat scanner) into the proxies through this one function type.
 *
 * @category models
 * @since 0.1.0
 */
import { createHash } from "node:crypto"

export interface ScanInput {
  /** The whole message as the client would receive it (POP3: dot-unstuffed). */
  readonly bytes: Uint8Array
  readonly size: number
  /** Stable identity of the bytes (sha256, hex), usable as a cache key. */
  readonly key: string
}

export type ScanOutcome = { readonly kind: "pass" } | { readonly kind: "rewrite"; readonly bytes: Uint8Array }

export type MessageScanner = (message: ScanInput) => Promise<ScanOutcome>

export const PASS: ScanOutcome = { kind: "pass" }

/** A scanner that lets everything through. */
export const passThrough: MessageScanner = async () => PASS

export const messageKey = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex")
