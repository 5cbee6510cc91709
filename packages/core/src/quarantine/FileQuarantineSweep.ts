/**
 * Start-up sweep of the embedded file quarantine (see FileQuarantineStore for the layout).
 * `<root>/tmp/` holds only entries being assembled (`<id>/`, renamed into `entries/` once
 * complete and fsync'ed, before the SMTP reply) and entries being removed (`.removed-*`): at
 * start nothing is assembling, because the store belongs to one gateway (several gateways share
 * a quarantine through Redis), so everything in it is a crash's leftover. Release claims are
 * swept too (FileReleaseClaim: releases older than the memory, dead temporary files).
 *
 * @since 0.1.0
 */
import * as fsp from "node:fs/promises"
import { join } from "node:path"
import { sweepClaims } from "./FileReleaseClaim.ts"

export interface QuarantineSweep {
  /** Leftovers removed from `tmp/` (partial entries and half-removed ones). */
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
  return { partial: names.length, claims: await sweepClaims(join(root, "claims"), now) }
}
