/**
 * SMTP ingress: the session state machine, its socket driver, and the byte-level codecs shared
 * with the relay client (DATA decoding, dot-stuffing for the wire, the spool).
 *
 * @since 0.1.0
 */
export * as Address from "./Address.ts"
export { type Answer, andThen, isPending } from "./Answer.ts"
export { type Command, decodeUtf8, parseCommand, parseParams, type Verb } from "./CommandParser.ts"
export { concat, DataDecoder, type DataStats, decodeAll } from "./DataDecoder.ts"
export { Admission, type AdmissionLimits, networkOf, type Ticket } from "./Admission.ts"
export { type AuthFailureStore, MemoryAuthFailureStore } from "./AuthFailureStore.ts"
export { AuthLimiter, type AuthLimitOptions } from "./AuthLimiter.ts"
export { availableBytes, type FreeSpaceOptions, hasRoomFor } from "./FreeSpace.ts"
export { HopCounter } from "./HopCounter.ts"
export type { AuthRequest, AuthResult, SmtpHandler, SmtpReply, SmtpSessionInfo, Spool } from "./Handler.ts"
export { type LineEvent, SmtpLineReader } from "./LineReader.ts"
export { escapeBytesForLog, escapeForLog, formatLogLine } from "./LogLine.ts"
export * as Reply from "./Reply.ts"
export * as Session from "./Session.ts"
export type {
  BareLineEndings,
  ConnectionFacts,
  Phase,
  SessionConfig,
  SessionEvent,
  SessionRequest,
  SessionState,
  Step,
  Transaction
} from "./SessionState.ts"
export { initial as initialState, sessionInfo } from "./SessionState.ts"
export * as SmtpServer from "./SmtpServer.ts"
export type { SmtpServerHandle, SmtpServerOptions, TlsOptions } from "./SmtpServer.ts"
export { processGone, type SweepResult, sweepSpool } from "./SpoolSweep.ts"
export { type SpoolOptions, SpoolWriter, type StoredSpool } from "./SpoolWriter.ts"
export { dotStuff, encodeForWire, encodeStream, WireEncoder } from "./WireEncoder.ts"
