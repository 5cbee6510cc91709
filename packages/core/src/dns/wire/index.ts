/**
 * The DNS wire format, pure (no sockets): a question's packet and an answer's reading. The
 * transport that sends them lives in `@mailmoat/platform-node` (`UdpDns`).
 *
 * @since 0.1.0
 */
export type { Answer, Header } from "./Answer.ts"
export { decodeAnswer, RCODE, readHeader } from "./Answer.ts"
export type { ReadName } from "./Name.ts"
export { encodeName, foldCase, MAX_LABEL, MAX_NAME, readName, skipName } from "./Name.ts"
export type { QueryOptions } from "./Query.ts"
export { CLASS_IN, DEFAULT_UDP_SIZE, encodeQuery, questionBytes, TYPE_CNAME, TYPE_CODES, TYPE_OPT } from "./Query.ts"
export { ipv4Text, ipv6Text, txtText } from "./RecordText.ts"
export type { WireError, WireErrorReason } from "./WireError.ts"
export { isWireError, wireError } from "./WireError.ts"
