/**
 * STARTTLS (RFC 3207).
 *
 * **Gotchas**
 * - CVE-2011-0411: bytes the client sent after `STARTTLS\r\n` in clear (in the same segment or
 *   before our 220) must never be executed inside TLS. The `StartTls` request tells the driver to
 *   discard all buffered plaintext before the handshake.
 * - RFC 3207 §4.2: after the handshake the session forgets everything learnt in clear: HELO/EHLO,
 *   authentication, any transaction.
 * - `STARTTLS arg` is 501, STARTTLS inside TLS 503, during a transaction 503 (as Postfix).
 *
 * @category models
 * @since 0.1.0
 */
import * as Reply from "../Reply.ts"
import { bad, COMMAND, type Invocation, moved, type SessionState, type Step, to } from "../SessionState.ts"

export const starttls = (s: SessionState, inv: Invocation): Step => {
  if (inv.arg !== "") return bad(s, Reply.make(501, "5.5.4", "Syntax: STARTTLS (no parameters)"))
  if (s.tls) return bad(s, Reply.Common.badSequence("Already running TLS"))
  if (!s.config.tlsAvailable) return bad(s, Reply.make(502, "5.5.1", "STARTTLS not available"))
  if (s.transaction !== undefined) return bad(s, Reply.Common.badSequence("MAIL transaction in progress"))
  // The driver logs `starttls_plaintext_discarded` with the byte count when `inv.pipelined`.
  return to(moved(s, { _tag: "Upgrading" }, s.transaction), Reply.make(220, "2.0.0", "Ready to start TLS"), {
    request: { _tag: "StartTls" }
  })
}

export const tlsEstablished = (s: SessionState): Step =>
  to(
    {
      config: s.config,
      connection: s.connection,
      phase: COMMAND,
      helo: "",
      esmtp: false,
      tls: true,
      authenticatedUser: undefined,
      flags: new Set(),
      transaction: undefined,
      badCommands: s.badCommands,
      commands: s.commands,
      transactions: s.transactions,
      draining: s.draining
    },
    [],
    { log: "tls_established" }
  )
