/**
 * The parts of mailauth 4.9.5 we call, typed, each loaded on first use. mailauth 4.x is CommonJS
 * and ships no types. Its index (`authenticate`) also loads BIMI (SVG and certificate checks) and
 * runs every check for every message; we load the modules of the checks themselves and call
 * only what a message needs (see Authenticate.ts), so an idle gateway never loads mailauth.
 *
 * @category internal
 * @since 0.1.0
 */
import { createRequire } from "node:module"
import type { MailauthArc, MailauthDkim, MailauthDmarc, MailauthSpf } from "./FromMailauth.ts"

type Options = Readonly<Record<string, unknown>>

/** What `dkimVerify` gives; `arc` is not enumerable in mailauth's object, but readable. */
export interface DkimOutput {
  readonly headerFrom?: ReadonlyArray<string>
  readonly results?: ReadonlyArray<MailauthDkim>
  readonly arc?: unknown
}

/** A header field as mailauth's header parser gives it: lower-cased name, the raw folded line. */
export interface ParsedHeader {
  readonly key: string | null
  readonly line: Uint8Array
}

export interface Mailauth {
  /** DKIM signatures (and the ARC chain's headers) of a whole message. */
  readonly dkimVerify: (input: Uint8Array, options: Options) => Promise<DkimOutput>
  readonly spf: (options: Options) => Promise<MailauthSpf>
  readonly dmarc: (options: Options) => Promise<MailauthDmarc>
  readonly arc: (chain: unknown, options: Options) => Promise<MailauthArc>
  /** mailauth's own header block parser (the one its DKIM verifier reads From with). */
  readonly parseHeaders: (block: Uint8Array) => { readonly parsed: ReadonlyArray<ParsedHeader> }
  /** The address parser mailauth's DKIM verifier reads From with (nodemailer's). */
  readonly addressparser: (text: string) => ReadonlyArray<{ readonly address?: string }>
}

const require = createRequire(import.meta.url)
let loaded: Mailauth | undefined

/** Loads the modules on the first call; later calls return the same object. */
export const load = (): Mailauth => {
  if (loaded !== undefined) return loaded
  // nodemailer is mailauth's dependency, not ours: resolve it from mailauth's own folder.
  const fromMailauth = createRequire(require.resolve("mailauth"))
  loaded = {
    dkimVerify: require("mailauth/lib/dkim/verify").dkimVerify,
    spf: require("mailauth/lib/spf").spf,
    dmarc: require("mailauth/lib/dmarc").dmarc,
    arc: require("mailauth/lib/arc").arc,
    parseHeaders: require("mailauth/lib/tools").parseHeaders,
    addressparser: fromMailauth("nodemailer/lib/addressparser")
  }
  return loaded
}
