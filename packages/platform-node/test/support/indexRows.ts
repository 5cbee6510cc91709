// Arbitrary rows of the file quarantine's index (ids as the store makes them, any text), for the
// journal record and snapshot property tests.
import { fc } from "@fast-check/vitest"

export const indexRows = (sizes: { readonly id: number; readonly text: number; readonly recipients: number }) => {
  const id = fc.stringMatching(new RegExp(`^[A-Za-z0-9][A-Za-z0-9._,=-]{0,${sizes.id}}$`))
  const text = fc.string({ unit: "binary", maxLength: sizes.text })
  const iso = fc.integer({ min: 0, max: 4102444800000 }).map((t) => new Date(t).toISOString())
  const fullRow = fc.record({
    id,
    received: iso,
    stored: iso,
    sender: text,
    from: text,
    subject: text,
    recipients: fc.array(text, { maxLength: sizes.recipients })
  })
  const timesRow = fc.record({ id, received: iso, stored: iso })
  return { id, fullRow, timesRow }
}
