/**
 * The SMTP handler the listener keeps for its whole life, delegating to the current wiring.
 * Each transaction (MAIL FROM to the DATA reply, RSET, QUIT or disconnect) stays on the wiring
 * it began with, so a configuration reload never changes the rules in the middle of a message
 * and never drops a session in flight; new transactions and new connections take the new wiring.
 * A replaced wiring is closed once its last transaction has ended and the last `hold` on it
 * (an IMAP/POP3 scan running its classifier) has been released.
 *
 * @category services
 * @since 0.1.0
 */
import type { GatewayLog } from "../Log.ts"
import { Smtp } from "@mailmoat/protocols"
import type { Wiring } from "./Wiring.ts"

interface Slot {
  readonly wiring: Wiring
  inFlight: number
  retired: boolean
  closed: boolean
}

export interface SwappableHandler {
  readonly handler: Smtp.SmtpHandler
  readonly current: () => Wiring
  /** New transactions use `next`; the previous wiring closes when its transactions are done. */
  readonly swap: (next: Wiring) => void
  /** The wiring in force, kept open (as a transaction keeps it) until `release` is called. */
  readonly hold: () => HeldWiring
  /** Calls `f` after each swap with the new wiring and the one it replaced; returns the unsubscribe. */
  readonly watch: (f: (next: Wiring, previous: Wiring) => void) => () => void
  /** Closes every wiring (gateway shutdown, once the SMTP listener has closed). */
  readonly close: () => Promise<void>
}

export interface HeldWiring {
  readonly wiring: Wiring
  /** Idempotent: a second call releases nothing more. */
  readonly release: () => void
}

export const makeSwappableHandler = (initial: Wiring, logger: GatewayLog): SwappableHandler => {
  let current: Slot = { wiring: initial, inFlight: 0, retired: false, closed: false }
  const slots = new Set<Slot>([current])
  const bound = new Map<string, Slot>()
  const closing: Array<Promise<void>> = []
  const watchers = new Set<(next: Wiring, previous: Wiring) => void>()

  const closeSlot = (slot: Slot) => {
    if (slot.closed) return
    slot.closed = true
    slots.delete(slot)
    closing.push(
      slot.wiring.close().catch((e: unknown) =>
        logger.error("close_failed", {
          text: `reload: closing the previous configuration failed: ${(e as Error).message}`
        })
      )
    )
  }
  const closeIfDrained = (slot: Slot) => {
    if (slot.retired && slot.inFlight === 0) closeSlot(slot)
  }
  const begin = (sessionId: string): Slot => {
    const existing = bound.get(sessionId)
    if (existing) return existing
    current.inFlight++
    bound.set(sessionId, current)
    return current
  }
  const end = (sessionId: string) => {
    const slot = bound.get(sessionId)
    if (!slot) return
    bound.delete(sessionId)
    slot.inFlight--
    closeIfDrained(slot)
  }
  const of = (sessionId: string): Wiring => (bound.get(sessionId) ?? current).wiring

  const handler: Smtp.SmtpHandler = {
    // Connect, MAIL and RCPT pass the wiring's answer on as it comes: at once stays at once.
    onConnect: (session) => current.wiring.handler.onConnect?.(session),
    // AUTH is advertised from the listener's start: only when the first configuration had accounts.
    ...(initial.handler.onAuth
      ? {
          onAuth: async (session: Smtp.SmtpSessionInfo, request: Smtp.AuthRequest) => {
            const h = current.wiring.handler
            return h.onAuth ? h.onAuth(session, request) : { ok: false }
          }
        }
      : {}),
    onMailFrom: (session, address, params) => {
      const slot = begin(session.id)
      return Smtp.andThen(slot.wiring.handler.onMailFrom?.(session, address, params), (reply) => {
        // A refused MAIL starts no transaction (no abort will follow).
        if (reply !== undefined && reply.code >= 400) end(session.id)
        return reply
      })
    },
    onRcptTo: (session, mailFrom, recipient, accepted) =>
      of(session.id).handler.onRcptTo?.(session, mailFrom, recipient, accepted),
    onData: async (session, envelope, spool) => {
      try {
        return await of(session.id).handler.onData(session, envelope, spool)
      } finally {
        end(session.id)
      }
    },
    onTransactionAbort: (session) => {
      try {
        of(session.id).handler.onTransactionAbort?.(session)
      } finally {
        end(session.id)
      }
    },
    // What a session kept (its downstream connection) lives in the wiring of its last
    // transaction, which may be a retired one: every live wiring is told, the others own nothing.
    onDisconnect: (session) => {
      end(session.id)
      for (const slot of [...slots]) slot.wiring.handler.onDisconnect?.(session)
    }
  }

  return {
    handler,
    current: (): Wiring => current.wiring,
    swap: (next: Wiring): void => {
      const previous = current
      current = { wiring: next, inFlight: 0, retired: false, closed: false }
      slots.add(current)
      previous.retired = true
      closeIfDrained(previous)
      for (const f of [...watchers]) f(next, previous.wiring)
    },
    hold: (): HeldWiring => {
      const slot = current
      slot.inFlight++
      let held = true
      return {
        wiring: slot.wiring,
        release: () => {
          if (!held) return
          held = false
          slot.inFlight--
          closeIfDrained(slot)
        }
      }
    },
    watch: (f) => {
      watchers.add(f)
      return () => {
        watchers.delete(f)
      }
    },
    close: async (): Promise<void> => {
      for (const slot of [...slots]) closeSlot(slot)
      await Promise.all(closing)
    }
  }
}
