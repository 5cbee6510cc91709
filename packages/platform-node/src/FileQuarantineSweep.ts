/**
 * Start-up sweep of the embedded file quarantine (see FileQuarantineStore for the layout).
 * `<root>/tmp/` holds only entries being assembled (`<id>/`, renamed into `entries/` once
 * complete and fsync'ed, before the SMTP reply) and entries being removed (`.removed-*`): at
 * start nothing is assembling, because the store belongs to one gateway (several gateways share
 * a quarantine through Redis), so everything in it is a crash's leftover. Release claims are
 * swept too (FileReleaseClaim: releases older than the memory, dead temporary files), and so are
 * the temporary files of an index journal or snapshot whose writer died before its rename.
 *
 * `checkIndex` is the index's start-up check (FileQuarantineIndex): at that moment no append is
 * in flight, so an unfinished last record is a torn one; the journal is rebuilt from the entry
 * folders when it is missing, damaged or torn, and otherwise brought in line with them (an
 * older version may have written entries it does not name).
 *
 * @since 0.1.0
 */
import * as fsp from "node:fs/promises"
import { join } from "node:path"
import type { VerifyResult } from "./FileQuarantineIndex.ts"
import { readdirOrEmpty } from "./FileQuarantineEntries.ts"
import { openIndex } from "./FileQuarantineStore.ts"
import { sweepClaims } from "./FileReleaseClaim.ts"

/** A journal or snapshot being written (`FileQuarantineJournal.replace`): at start, a dead writer's. */
const UNRENAMED = /^index\.(?:log|snap)\.\d+\.\d+\.tmp$/

export interface QuarantineSweep {
  /** Leftovers removed: `tmp/`'s partial and half-removed entries, unrenamed index files. */
  readonly partial: number
  /** Claim files forgotten. */
  readonly claims: number
}

export const sweep = async (root: string, now = Date.now()): Promise<QuarantineSweep> => {
  let names: Array<string> = []
  try {
    names = await fsp.readdir(join(root, "tmp"))
  } catch (e) {
    if ((e as { code?: string }).code !== "ENOENT") throw e
  }
  for (const name of names) await fsp.rm(join(root, "tmp", name), { recursive: true, force: true })
  const unrenamed = (await readdirOrEmpty(root)).filter((name) => UNRENAMED.test(name))
  for (const name of unrenamed) await fsp.rm(join(root, name), { force: true })
  return { partial: names.length + unrenamed.length, claims: await sweepClaims(join(root, "claims"), now) }
}

/** The index's start-up check, with what it did in one line (undefined when nothing). */
export const checkIndex = async (root: string): Promise<VerifyResult & { readonly message?: string | undefined }> => {
  const messages: Array<string> = []
  const result = await openIndex(root, (m) => messages.push(m)).verify()
  return messages.length === 0 ? result : { ...result, message: messages.join("; ") }
}
