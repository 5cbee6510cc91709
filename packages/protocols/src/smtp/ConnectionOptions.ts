/**
 * What the SMTP listener gives each `Connection`: the session configuration, the handler, and
 * every bound (timeouts, rates, output queue, lifetime) as explicit values.
 *
 * @category models
 * @since 0.1.0
 */
import type * as tls from "node:tls"
import type { AuthLimiter } from "./AuthLimiter.ts"
import type { FreeSpaceOptions } from "./FreeSpace.ts"
import type { SmtpHandler } from "./Handler.ts"
import type { SessionConfig } from "./SessionState.ts"
import type { SpoolOptions } from "./SpoolWriter.ts"

export interface ConnectionOptions {
  readonly config: SessionConfig
  readonly handler: SmtpHandler
  readonly maxLineLength: number
  readonly idleTimeoutMs: number
  readonly commandTimeoutMs: number
  readonly dataTimeoutMs: number
  readonly tlsHandshakeTimeoutMs: number
  /** Bytes/s below which a DATA transfer is cut after the grace period (0 = off). */
  readonly minDataRate: number
  readonly minDataRateGraceMs: number
  readonly greetingDelayMs: number
  /**
   * The context for a STARTTLS handshake, asked at each handshake: the listener may have swapped
   * in a renewed certificate since the connection was accepted.
   */
  readonly secureContext: () => tls.SecureContext | undefined
  readonly spool: SpoolOptions
  readonly log: (line: string) => void
  /** Session events never logged: their line is not even built. */
  readonly quietEvents: ReadonlySet<string>
  /** Reply bytes queued for a client before we stop reading its commands. */
  readonly maxPendingOutput: number
  /** Total session lifetime (421 4.4.2 past it). */
  readonly maxSessionMs: number
  /** True while the listener is nearly full; idle timers then use `stressIdleTimeoutMs`. */
  readonly stressed: () => boolean
  readonly stressIdleTimeoutMs: number
  /** AUTH failure limiting across connections (none: unlimited). */
  readonly authLimiter: AuthLimiter | undefined
  /** Free-space check at MAIL (none: no check). */
  readonly freeSpace: FreeSpaceOptions | undefined
}
