/**
 * The message model: bytes to `Message` (headers, Received chain, MIME tree, body facts), RFC
 * 2047 words, and header-block edits for the tag action and the proxies.
 *
 * @category models
 * @since 0.1.0
 */
export { type FromBytesOptions, fromBytes, type ParsedPart, parsed, release } from "./Message.ts"
export { defaults as defaultLimits, type MimeLimits } from "./Limits.ts"
export * as Rfc2047 from "./Rfc2047.ts"
export * as HeaderParams from "./HeaderParams.ts"
export * as Received from "./Received.ts"
export * as Html from "./HtmlText.ts"
export * as HeaderEdit from "./HeaderEdit.ts"
export { isWhitespace } from "./Whitespace.ts"
