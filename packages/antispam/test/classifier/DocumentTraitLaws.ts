// What every trait of round 55's family (DocumentEvidence.ts) must satisfy, shared by their tests:
// weighed towards spam only in the family's late stage and never throwing on any body or bytes.
import { fc, test } from "@fast-check/vitest"
import type { Message } from "@mailmoat/core"
import { expect, it } from "vitest"
import { FEATURE_SIGNS, LATE_STAGES } from "../../src/classifier/FeatureSigns.ts"
import { parse, rfc822 } from "./support.ts"

/** The family's late stage, as FeatureSigns.ts lists it. */
export const DOCUMENT_STAGE = ["html_untitled", "html_word_unstyled", "html_editor_generator"]

/** The laws for trait `name`, whose message-level check is `holds`. */
export const documentTraitLaws = (name: string, holds: (body: Message["body"]) => boolean): void => {
  it("weighed towards spam only, fitted late in its family's stage", () => {
    expect(FEATURE_SIGNS[name]).toBe(1)
    expect(LATE_STAGES).toContainEqual(DOCUMENT_STAGE)
    expect(DOCUMENT_STAGE).toContain(name)
  })

  test.prop([fc.string({ maxLength: 3000 }), fc.boolean()])("never throws on any body", (body, isHtml) => {
    expect(typeof holds(parse(rfc822({ subject: "x", body, html: isHtml })).body)).toBe("boolean")
  })

  test.prop([fc.uint8Array({ maxLength: 4000 })])("never throws on any bytes", (bytes) => {
    expect(typeof holds(parse(bytes).body)).toBe("boolean")
  })
}
