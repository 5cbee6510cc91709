/**
 * `antispam.virus`: the SMTP path's virus scan (clamd over INSTREAM, the whole message streamed
 * from the spool). Absent = off. It is not a stage of the engine: the gateway runs it beside the
 * spam checks and applies its action to every recipient, whatever the spam verdict, a safe
 * sender or `maxScanSizeKB` say.
 *
 * **Gotchas**
 * - `bypass` names the antispam bypasses that skip the virus scan too; empty by default, so an
 *   allowed IP, a trusted relay's session or a recipient's directory entry are scanned (a
 *   compromised internal host or account sends malware as well). A safe sender never skips it:
 *   From can be forged.
 *
 * @category models
 * @since 0.1.0
 */
import { GatewayConfig } from "@mailmoat/core"
import { Schema } from "effect"
import { define } from "../stages/Builtin.ts"

const { doc, list, literals, number, optional, withDefault } = GatewayConfig.Fields

/** The antispam bypasses that may also skip the virus scan (the stage that decides each). */
export const VIRUS_BYPASSES = ["allowedIps", "session", "recipient"] as const

export type VirusBypass = (typeof VIRUS_BYPASSES)[number]

export const options = {
  virus: Schema.Struct({
    clamd: GatewayConfig.clamdSchema({
      seconds: 60,
      min: 1,
      // The SMTP session answers 451 after 300 s of DATA processing while the message's hand-off
      // may still follow: the scan must end well before, leaving the hand-off its time.
      max: 240,
      description:
        "Deadline of one whole scan (connect, stream the message, clamd's answer); at most 240, inside the SMTP data phase's 300."
    }).pipe(doc("The clamd to scan with: { socket } or { host, port }.", { socket: "/run/clamav/clamd.ctl" })),
    onVirus: literals(["reject", "quarantine", "drop"]).pipe(
      doc(
        "A virus found: reject (554 5.7.1 naming the signature), quarantine (250, kept for the admin) or drop (250, nothing kept)."
      ),
      withDefault("reject")
    ),
    onUnavailable: literals(["tempfail", "deliver"]).pipe(
      doc(
        "clamd down, too slow or answering nonsense: tempfail (451 4.7.1, the sender retries) or deliver with an X-Mailmoat-Warning header."
      ),
      withDefault("tempfail")
    ),
    onOversize: literals(["deliver", "reject"]).pipe(
      doc(
        "A message over maxSizeMB or over clamd's StreamMaxLength: deliver with an X-Mailmoat-Warning header, or reject (552 5.3.4)."
      ),
      withDefault("deliver")
    ),
    maxSizeMB: number(0).pipe(
      doc("Larger messages are not sent to clamd (onOversize applies); 0 = clamd's StreamMaxLength decides."),
      withDefault(0)
    ),
    bypass: list(literals(VIRUS_BYPASSES), `a list of ${VIRUS_BYPASSES.join(" | ")}`).pipe(
      doc("Antispam bypasses that skip the virus scan too (a safe sender never does).", ["allowedIps"]),
      withDefault([])
    )
  }).pipe(
    doc("Virus scan of every message on the SMTP path (off when absent).", {
      clamd: { socket: "/run/clamav/clamd.ctl" },
      onVirus: "reject"
    }),
    optional
  )
}

export const builtin = define({ options })
