/**
 * `msmail_priority_foreign`: the message carries `X-MSMail-Priority`, a header only Microsoft's
 * mail programs (Outlook, Outlook Express) and the Exchange servers behind them write, under the
 * name of another maker's mail program (AOL, Eudora, The Bat!, Netscape 4, Juno, Mutt, KMail,
 * Sylpheed, Evolution, Apple Mail, Thunderbird, ...). None of those programs writes it: a bulk tool
 * copied Outlook Express's header set and put another program's name on it.
 *
 * The name is read at the start of X-Mailer or User-Agent, Netscape 4 only in its own form
 * (`Mozilla 4.75 [en]`), so a browser's `Mozilla/4.0 (compatible; ...)` (web mail) and the mail
 * libraries of servers are never matched. Counted on the training corpus (round 21 in
 * docs/classifier.md): no ham of 4,150, 60 spam of both eras.
 *
 * @category constructors
 * @since 0.5.0
 */

/** Another maker's mail program, at the start of X-Mailer or User-Agent. */
const FOREIGN_PROGRAM =
  /^\s*(?:aol \d|mail for aol\b|(?:qualcomm )?(?:windows |macintosh )?eudora\b|the bat!|mozilla 4\.\d+ \[|juno \d|egroups message poster|at&t message center|dtmail\b|mutt\/|kmail\/|sylpheed\b|(?:ximian )?evolution \d|apple mail \(|(?:mozilla )?thunderbird\b)/i

/**
 * Whether `msmailPriority` (the `X-MSMail-Priority` value) is present while `mailer` or
 * `userAgent` names another maker's program.
 */
export const msmailPriorityForeign = (
  msmailPriority: string | undefined,
  mailer: string | undefined,
  userAgent: string | undefined
): boolean => {
  if (msmailPriority === undefined) return false
  return (
    FOREIGN_PROGRAM.test(String(mailer ?? "").slice(0, 200)) ||
    FOREIGN_PROGRAM.test(String(userAgent ?? "").slice(0, 200))
  )
}
