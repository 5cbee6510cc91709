/**
 * What a crash left behind, removed before the listener opens (docs/durability.md): spool files
 * of dead gateway processes, Maildir `tmp/` files that never reached `new/`, and partial entries
 * of the embedded quarantine. None of them is mail we acknowledged and still owe: the reply to
 * DATA comes only after the hand-off, so there is nothing to re-deliver, only disk to free.
 *
 * @category services
 * @since 0.1.0
 */
import { FileQuarantineSweep } from "@mailmoat/platform-node"
import { Delivery, Smtp } from "@mailmoat/protocols"
import type { GatewaySettings } from "./Settings.ts"

export interface SweepReport {
  readonly spoolFiles: number
  readonly spoolBytes: number
  readonly maildirTmpFiles: number
  readonly quarantinePartial: number
  /** What the quarantine index's start-up check did, when it rebuilt or repaired it. */
  readonly quarantineIndex?: string | undefined
}

export const NOTHING_SWEPT: SweepReport = { spoolFiles: 0, spoolBytes: 0, maildirTmpFiles: 0, quarantinePartial: 0 }

export const sweepLeftovers = async (settings: GatewaySettings, spoolDir: string): Promise<SweepReport> => {
  const spool = await Smtp.sweepSpool(spoolDir)
  const d = settings.delivery
  const maildir = d.mode === "maildir" ? await Delivery.sweepMaildirTmp(d.path, settings.smtp.hostname) : { files: 0 }
  const embedded = settings.config.state.backend !== "redis"
  const quarantine = embedded ? await FileQuarantineSweep.sweep(settings.quarantine.path) : { partial: 0 }
  const index = embedded ? (await FileQuarantineSweep.checkIndex(settings.quarantine.path)).message : undefined
  return {
    spoolFiles: spool.files,
    spoolBytes: spool.bytes,
    maildirTmpFiles: maildir.files,
    quarantinePartial: quarantine.partial,
    ...(index !== undefined ? { quarantineIndex: index } : {})
  }
}

/** One line for the start banner, or undefined when nothing was left. */
export const describeSweep = (r: SweepReport): string | undefined => {
  const leftovers =
    r.spoolFiles + r.maildirTmpFiles + r.quarantinePartial === 0
      ? undefined
      : `removed crash leftovers: ${r.spoolFiles} spool files (${(r.spoolBytes / 1048576).toFixed(1)} MB), ${r.maildirTmpFiles} Maildir tmp files, ${r.quarantinePartial} partial quarantine entries`
  if (r.quarantineIndex === undefined) return leftovers
  return leftovers === undefined ? r.quarantineIndex : `${leftovers}; ${r.quarantineIndex}`
}
