/**
 * Where clamd listens and how long one scan may take: `{ socket }` (clamd.conf `LocalSocket`) or
 * `{ host, port }` (`TCPSocket`), plus `timeoutSeconds`. The IMAP/POP3 proxies' `protocols.clamd`
 * and the SMTP path's `antispam.virus.clamd` are this one shape, each with its own default
 * deadline and floor.
 *
 * **Gotchas**
 * - `socket` and `host` exclude each other; one of them is required. `port` defaults to 3310 at
 *   run time (clamd's own default).
 *
 * @category models
 * @since 0.1.0
 */
import { Schema } from "effect"
import { doc, number, optional, path, port, string, withDefault } from "./Fields.ts"
import { isHost } from "./Formats.ts"

export interface ClamdDeadline {
  /** The default of `timeoutSeconds`. */
  readonly seconds: number
  /** Its least accepted value. */
  readonly min: number
  /** Its largest accepted value (none when undefined). */
  readonly max?: number | undefined
  readonly description: string
}

/** The clamd address section, with its deadline's default and floor. */
export const clamdSchema = (deadline: ClamdDeadline) =>
  Schema.Struct({
    socket: path.pipe(doc("clamd Unix socket.", "/run/clamav/clamd.ctl"), optional),
    host: string("a host name or IP address", isHost).pipe(doc("clamd TCP host.", "127.0.0.1"), optional),
    port: port.pipe(doc("clamd TCP port.", 3310), optional),
    timeoutSeconds: number(deadline.min, deadline.max).pipe(doc(deadline.description), withDefault(deadline.seconds))
  }).check(
    Schema.makeFilter((c) =>
      c.socket === undefined && c.host === undefined
        ? { path: ["socket"], issue: "a clamd socket path, or a host (with port)" }
        : c.socket !== undefined && c.host !== undefined
          ? { path: ["host"], issue: "no host when socket is set (use one of them)" }
          : undefined
    )
  )
