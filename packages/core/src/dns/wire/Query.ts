/**
 * A question's packet (RFC 1035 §4.1): header, one question of class IN, and an EDNS0 OPT record
 * (RFC 6891) advertising the UDP payload size we read, so a server may answer past 512 bytes
 * before it has to truncate.
 *
 * @category constructors
 * @since 0.1.0
 */
import type { RecordType } from "../Dns.ts"
import { encodeName } from "./Name.ts"
import type { WireError } from "./WireError.ts"

/** RFC 1035 §3.2.2 / RFC 3596 type codes of the types the contract asks. */
export const TYPE_CODES: Readonly<Record<RecordType, number>> = { A: 1, AAAA: 28, TXT: 16, PTR: 12, MX: 15 }
export const TYPE_CNAME = 5
export const TYPE_OPT = 41
export const CLASS_IN = 1

/** The DNS Flag Day 2020 size: fits one unfragmented packet on nearly every path. */
export const DEFAULT_UDP_SIZE = 1232

export interface QueryOptions {
  /** Advertise this UDP payload size in an OPT record; 0 sends none (a server that answered FORMERR to one). */
  readonly udpSize?: number | undefined
}

/** The packet asking `type` for `name` (`normaliseName`'s form) with id `id`, recursion desired. */
export const encodeQuery = (
  id: number,
  name: string,
  type: RecordType,
  options: QueryOptions = {}
): Uint8Array | WireError => {
  const qname = encodeName(name)
  if (!(qname instanceof Uint8Array)) return qname
  const udpSize = options.udpSize ?? DEFAULT_UDP_SIZE
  const opt = udpSize > 0 ? 11 : 0
  const out = new Uint8Array(12 + qname.length + 4 + opt)
  out[0] = (id >>> 8) & 0xff
  out[1] = id & 0xff
  out[2] = 0x01 // RD
  out[5] = 1 // QDCOUNT
  if (opt > 0) out[11] = 1 // ARCOUNT
  out.set(qname, 12)
  let at = 12 + qname.length
  const code = TYPE_CODES[type]
  out[at++] = code >>> 8
  out[at++] = code & 0xff
  out[at++] = 0
  out[at++] = CLASS_IN
  if (opt > 0) {
    // Root owner, TYPE OPT, CLASS = payload size, TTL 0 (no extended RCODE, version 0, no DO), RDLEN 0.
    out[at++] = 0
    out[at++] = 0
    out[at++] = TYPE_OPT
    out[at++] = (udpSize >>> 8) & 0xff
    out[at++] = udpSize & 0xff
  }
  return out
}

/** The bytes of the question section of a packet built by `encodeQuery` (name, type, class). */
export const questionBytes = (query: Uint8Array): Uint8Array => {
  let at = 12
  while (query[at] !== 0) at += query[at]! + 1
  return query.subarray(12, at + 5)
}
