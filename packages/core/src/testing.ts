/**
 * `@mailmoat/core/testing`: helpers for tests of stages, providers and plugins, with no I/O.
 *
 * - `message(text, envelope?)`: a parsed `Message` from message text (LF or CRLF line ends),
 *   through the same parser the gateway uses.
 * - `envelope(fields?)`: an envelope with test defaults (client 192.0.2.1, one recipient).
 * - `staticDns(zone)` / `staticDnsLayer(zone)`: a resolver answering from a table, recording every
 *   query, with per-name failures and hangs, for list and stage tests without a DNS server.
 * - `runStage(stage, input, options?)`: runs one stage through the pipeline (budget, failure
 *   tracing) and returns its trace and result.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import * as Envelope from "./Envelope.ts"
import type { Message } from "./MessageTypes.ts"
import { layerStatic, makeStatic } from "./dns/StaticDns.ts"
import { fromBytes } from "./message/Message.ts"
import { runPhase, type StageRun } from "./pipeline/Pipeline.ts"
import type { Stage, StageInput } from "./Stage.ts"

export type { StaticDns, StaticEntry, StaticRecords, StaticZone } from "./dns/StaticDns.ts"

/** An envelope with test defaults; any field may be given. */
export const envelope = (fields: Partial<Envelope.Envelope> = {}): Envelope.Envelope =>
  Envelope.make({
    clientAddress: "192.0.2.1",
    helo: "client.test",
    mailFrom: "sender@client.test",
    rcptTo: ["user@example.test"],
    ...fields
  })

/** A parsed message from text; bare LF line ends are turned into CRLF first. */
export const message = (text: string, fields: Partial<Envelope.Envelope> = {}): Message => {
  const bytes = new TextEncoder().encode(text.replace(/\r?\n/g, "\r\n"))
  return fromBytes(bytes, { envelope: envelope(fields), size: bytes.length })
}

export const staticDns = makeStatic
export const staticDnsLayer = layerStatic

/** Runs one stage as the pipeline would (its budget, failures traced); the stage's phase must match `input`. */
export const runStage = <R>(
  stage: Stage<R>,
  input: StageInput,
  options: { readonly deadlineMillis?: number } = {}
): Effect.Effect<StageRun, never, R> =>
  runPhase([stage], input, options).pipe(Effect.map((phase) => phase.runs[0] as StageRun))
