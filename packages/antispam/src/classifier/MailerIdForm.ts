/**
 * `message_id_not_program_form`: the X-Mailer names a mail program that writes its Message-ID in
 * one form into every message, and the Message-ID is in another form: a relay's, written because
 * the message came without one (`<200205260315.g4Q3FM714973@relay.example.net>`), or a bulk tool's
 * own, under a name it borrowed (docs/classifier.md, round 48). Round 40's
 * `message_id_not_mailers` reads Outlook Express; this reads the other programs whose form the
 * training corpus's ham show without exception:
 *
 * - Eudora for Windows: its version's numbers, the time to the second and 8 hex digits
 *   (`<5.1.0.14.2.20020905150722.054fb3c8@rescomp.example.edu>`, `<3.0.32.20020723231125.03bc2cf0@...>`);
 * - The Bat!: a number and the time to the second (`<16279722375.20020830193957@example.ru>`);
 * - Netscape Communicator 4 (`Mozilla 4.79 [en] ...`): two groups of 7-8 hex digits
 *   (`<3D6CA2D5.B4EFBBC7@example.com>`);
 * - Exchange's Internet Mail Service: 32 or more hex digits at the server's name
 *   (`<253B1BDA4E68D411AC3700D0B77FC5F807C0F3EF@server>`);
 * - Outlook 97-2002: the `$` form Outlook Express writes too, or Outlook 2000's 28 capitals A-P and
 *   a dot (`<BCEFLMCEIJHPCPLGADJIGEEFCAAA.ann@example.net>`).
 *
 * Counted on the training corpus (train/ and eval/, 4,150 ham and 1,896 spam;
 * `bench/classifier-header32-candidates.mjs`): none of the 417 ham that name these programs, 123
 * spam, 13 of them missed by the shipped model with none of their words known.
 *
 * The names are read as these programs write them and in the near copies bulk tools typed
 * (`Microsoft Outlook Build 10.0.2616` without the comma, `Internet Mail Service` without its
 * version, round 20's `mailer_malformed_outlook`): the ID is what tells.
 *
 * Not read when the message carries a list's fields (`List-Id`, `List-Unsubscribe`,
 * `Mailing-List`): list servers such as Lyris replace the IDs of the posts they send out (two ham
 * here, under Eudora's name). Eudora for the Macintosh and later versions of these programs are
 * other names and forms and are not read.
 *
 * @category constructors
 * @since 0.5.0
 */
import type { Headers } from "@mailmoat/core"

/** A program's name in X-Mailer and the form of every Message-ID it writes. */
interface ProgramForm {
  readonly name: RegExp
  readonly id: RegExp
}

const PROGRAMS: ReadonlyArray<ProgramForm> = [
  { name: /\bWindows Eudora\b/i, id: /^\s*<(?:\d+\.){3,5}\d{14}\.[0-9a-f]{8}@[^<>\s@]+>/i },
  { name: /\bThe Bat! \(v\d/i, id: /^\s*<\d{4,15}\.\d{14}@[^<>\s@]+>/ },
  { name: /^\s*Mozilla 4\.\d+/i, id: /^\s*<[0-9a-f]{7,8}\.[0-9a-f]{7,8}@[^<>\s@]+>/i },
  { name: /\bInternet Mail Service\b/i, id: /^\s*<[0-9a-f]{32,48}@[^<>\s@]+>/i },
  {
    name: /^\s*microsoft outlook(?: imo| cws| 8\.\d+)?,? build \d/i,
    id: /^\s*<(?:(?:[0-9a-f]{4})?[0-9a-f]{8}\$[0-9a-f]{8}\$[0-9a-f]{8}@[^<>\s@]+|[A-P]{28}\.[^<>\s]+)>/i
  }
]

/** The fields a list server writes into the posts it sends out. */
const LIST_FIELDS = ["list-id", "list-unsubscribe", "mailing-list"] as const

/** Whether the X-Mailer names one of the programs above and the Message-ID is not in its form. */
export const messageIdNotProgramForm = (headers: Headers): boolean => {
  const mailer = headers.get("x-mailer")
  const id = headers.get("message-id")
  if (mailer === undefined || id === undefined) return false
  const name = String(mailer).slice(0, 200)
  const program = PROGRAMS.find((p) => p.name.test(name))
  if (program === undefined || program.id.test(String(id).slice(0, 300))) return false
  return LIST_FIELDS.every((field) => headers.get(field) === undefined)
}
