/**
 * What an answer read off the wire is to the `Dns` contract, with the same details Node's c-ares
 * resolver gives (`NodeDns` with `resolver: "system"`), so traces and outcomes do not depend on
 * which resolver asked: NXDOMAIN is `NotFound` "ENOTFOUND", NOERROR without a record of the
 * asked type `NotFound` "ENODATA" (both values, no error built), SERVFAIL and REFUSED final
 * errors.
 *
 * @category models
 * @since 0.1.0
 */
import { Exit } from "effect"
import { Dns as CoreDns, type DnsOutcome, type DnsRecordType as RecordType } from "@mailmoat/core"

const { dnsError, Wire } = CoreDns

export type Told = Exit.Exit<DnsOutcome, CoreDns.DnsError>

const NX: Told = Exit.succeed({ _tag: "NotFound", detail: "ENOTFOUND" })
const NODATA: Told = Exit.succeed({ _tag: "NotFound", detail: "ENODATA" })
/** c-ares answers with an empty list, not ENODATA, when the answer section held only other records (a CNAME), except for PTR. */
const EMPTY: Told = Exit.succeed({ _tag: "NotFound", detail: "empty answer" })

const failure = (type: RecordType, name: string, reason: CoreDns.DnsErrorReason, detail: string): Told =>
  Exit.fail(dnsError({ reason, name, type, detail }))

/** The outcome of an accepted answer that is neither truncated nor a FORMERR to be asked again. */
export const outcomeOf = (type: RecordType, name: string, answer: CoreDns.Wire.Answer): Told => {
  switch (answer.header.rcode) {
    case Wire.RCODE.NoError:
      return answer.records.length > 0
        ? Exit.succeed({ _tag: "Answer", records: answer.records, ttlSeconds: answer.ttlSeconds })
        : answer.header.ancount > 0 && type !== "PTR"
          ? EMPTY
          : NODATA
    case Wire.RCODE.NxDomain:
      return NX
    case Wire.RCODE.ServFail:
      return failure(type, name, "ServerFailure", "ESERVFAIL")
    case Wire.RCODE.Refused:
      return failure(type, name, "Refused", "EREFUSED")
    case Wire.RCODE.FormErr:
      return failure(type, name, "Other", "EFORMERR")
    case Wire.RCODE.NotImp:
      return failure(type, name, "Other", "ENOTIMP")
    default:
      return failure(type, name, "Other", `RCODE ${answer.header.rcode}`)
  }
}

/** Every attempt on every server went unanswered (c-ares's ETIMEOUT). */
export const exhausted = (type: RecordType, name: string): Told => failure(type, name, "Timeout", "ETIMEOUT")

/** A name that cannot be put on the wire (c-ares's EBADNAME). */
export const badName = (type: RecordType, name: string): Told => failure(type, name, "BadName", "EBADNAME")

/** No server to ask, or the resolver closed. */
export const unavailable = (type: RecordType, name: string, detail: string): Told =>
  failure(type, name, "Other", detail)
