import { fc, test } from "@fast-check/vitest"
import { describe, expect } from "vitest"
import { applyChange, sequenceChange } from "../../src/imap/SequenceNumbers.ts"

describe("SequenceNumbers", () => {
  test.prop([fc.string({ maxLength: 80 })])("never throws on an arbitrary response start", (head) => {
    sequenceChange(head)
  })

  test.prop([fc.integer({ min: 0, max: 4_294_967_295 }), fc.constantFrom("EXPUNGE", "Exists", "exists", "Expunge")])(
    "reads back the number a response names",
    (n, word) => {
      const change = sequenceChange(`* ${n} ${word}\r\n`)
      expect(change).toEqual(
        word.toUpperCase() === "EXPUNGE" ? { kind: "expunge", seq: n } : { kind: "exists", count: n }
      )
      // A longer line (`* 3 EXPUNGE x`) or another response is not one.
      expect(sequenceChange(`* ${n} ${word} x\r\n`)).toBeUndefined()
    }
  )

  test.prop([
    fc.uniqueArray(fc.integer({ min: 1, max: 500 }), { minLength: 1, maxLength: 30 }),
    fc.array(fc.nat(40), { maxLength: 15 }),
    fc.array(fc.boolean(), { maxLength: 30 })
  ])(
    "numbers known of a mailbox follow it through expunges, as the mailbox itself numbers its messages",
    (uids, gone, known) => {
      // The mailbox: UIDs ascending, message n is mailbox[n - 1].
      let mailbox = [...uids].sort((a, b) => a - b)
      const seqs = new Map<number, number>()
      mailbox.forEach((uid, i) => {
        if (known[i] ?? true) seqs.set(i + 1, uid)
      })
      for (const g of gone) {
        if (mailbox.length === 0) break
        const seq = (g % mailbox.length) + 1
        mailbox = mailbox.filter((_, i) => i !== seq - 1)
        applyChange(seqs, sequenceChange(`* ${seq} EXPUNGE\r\n`)!)
        applyChange(seqs, sequenceChange(`* ${mailbox.length} EXISTS\r\n`)!)
        for (const [s, uid] of seqs) expect(mailbox[s - 1]).toBe(uid)
      }
      applyChange(seqs, sequenceChange("* VANISHED (EARLIER) 1:3\r\n") ?? { kind: "exists", count: 1e9 })
      for (const [s, uid] of seqs) expect(mailbox[s - 1]).toBe(uid)
      applyChange(seqs, sequenceChange("* VANISHED 7\r\n")!)
      expect(seqs.size).toBe(0)
    }
  )
})
