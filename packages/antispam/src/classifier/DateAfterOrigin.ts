/**
 * `date_after_origin`: the Date says the message was written an hour or more after the relay at
 * its origin (the oldest Received hop that recorded a public address) took it in, by an amount no
 * clock set to a wrong zone gives. A message is written before it is sent, so a Date after the
 * origin's stamp comes from a wrong clock; a clock set to another zone than the one it shows is
 * wrong by a difference of two zone offsets, a multiple of half an hour (give or take the minutes a
 * clock set by hand drifts), while a bulk tool that makes its Dates up is off by any amount
 * (docs/classifier.md, round 44). Counted on the training corpus (train/ and eval/, 4,150 ham and
 * 1,896 spam): no ham, 141 spam, 14 of them missed by the shipped model with none of their words
 * known.
 *
 * Read: the Date 1 hour to 7 days after the origin's stamp, the difference 10 to 20 minutes away
 * from every multiple of half an hour (the ham's clocks here are within 7.4 minutes of one). Not
 * read when a hop below the origin (the sender's own machines, which stamp with the sender's
 * clock) is within 5 minutes of the Date: that clock is the sender's, not made up (a sender's
 * server whose clock is hours and minutes wrong stamps its own hop so). Beyond a week
 * `date_future` and `date_stale` read the Date against the newest stamp.
 *
 * @category constructors
 * @since 0.5.0
 */
import type { Headers, ReceivedHop } from "@mailmoat/core"
import { parseDate } from "./HeaderAnomalies.ts"
import { MAX_HOPS, originHop } from "./OriginHop.ts"

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const HALF_HOUR = 30 * MINUTE
/** How far ahead of the origin a Date is read: from an hour (a fast clock's minutes stay below) to a week. */
const MIN_AHEAD = HOUR
const MAX_AHEAD = 7 * 24 * HOUR
/** A clock set by hand to another zone is a multiple of half an hour off, within this many minutes. */
const SKEW = 10 * MINUTE
/** A stamp at or below the origin this close to the Date was written by the sender's own clock. */
const SAME_CLOCK = 5 * MINUTE

/** Whether the Date is an hour to a week after the origin's stamp by an amount no zone explains. */
export const dateAfterOrigin = (headers: Headers, received: ReadonlyArray<ReceivedHop>): boolean => {
  if (received.length === 0) return false
  const date = parseDate(headers.get("date"))
  if (date === undefined) return false
  const origin = originHop(received)
  if (origin === undefined) return false
  const stamp = parseDate(origin.hop.date)
  if (stamp === undefined) return false
  const ahead = date - stamp
  if (ahead < MIN_AHEAD || ahead > MAX_AHEAD) return false
  const rest = ahead % HALF_HOUR
  if (rest < SKEW || rest > HALF_HOUR - SKEW) return false
  const last = Math.min(received.length, MAX_HOPS)
  for (let i = origin.index + 1; i < last; i++) {
    const t = parseDate(received[i]!.date)
    if (t !== undefined && Math.abs(date - t) <= SAME_CLOCK) return false
  }
  return true
}
