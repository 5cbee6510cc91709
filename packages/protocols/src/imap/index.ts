/**
 * IMAP stream codecs for the scanning proxy: response tokenizer, client command tracker, literal
 * markers, and the proxy session that combines them.
 *
 * @since 0.1.0
 */
export { ImapCommandTracker } from "./CommandTracker.ts"
export { FetchLexer } from "./FetchLexer.ts"
export { formatMarker, type LiteralMarker, markerAtEnd } from "./Literal.ts"
export { type ImapServerEvent, ImapResponseTokenizer } from "./ResponseTokenizer.ts"
export { ImapSession, type ImapSessionOptions } from "./Session.ts"
