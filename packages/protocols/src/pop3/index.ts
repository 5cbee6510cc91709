/**
 * POP3 stream codecs for the scanning proxy: multi-line reader (dot-unstuffing), client command
 * tracker, and the proxy session that combines them.
 *
 * @since 0.1.0
 */
export { type Pop3Command, Pop3CommandTracker } from "./CommandTracker.ts"
export { MultilineReader, type MultilineStep } from "./MultilineReader.ts"
export { Pop3Session, type Pop3SessionOptions } from "./Session.ts"
