// content_type_empty_params and from_empty_comment: a template's empty separators, through the
// tokenizer and on the checks themselves; what libraries write never counts; never throw.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { contentTypeEmptyParams, fromEmptyComment } from "../../src/classifier/HeaderShapes.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { parse, withHeaders } from "./support.ts"

const features = (from: string, contentType: string) =>
  tokenize(
    parse(
      withHeaders([
        `From: ${from}`,
        "To: b@example.org",
        "Subject: hi",
        "Date: Mon, 1 Jun 2026 10:00:00 +0000",
        "Message-ID: <abc@example.net>",
        "MIME-Version: 1.0",
        `Content-Type: ${contentType}`
      ])
    )
  ).features

describe("content_type_empty_params", () => {
  it("an empty parameter", () => {
    expect(features("a@example.net", "text/html;;;;;")).toContain("content_type_empty_params")
    expect(features("a@example.net", 'text/plain; ; charset="us-ascii"')).toContain("content_type_empty_params")
  })
  it("not for parameters as libraries write them", () => {
    expect(features("a@example.net", 'text/plain; charset="us-ascii"; format=flowed')).not.toContain(
      "content_type_empty_params"
    )
    expect(features("a@example.net", "text/plain;")).not.toContain("content_type_empty_params")
    expect(features("a@example.net", 'multipart/alternative;\r\n\tboundary="----=_NextPart_000_0000"')).not.toContain(
      "content_type_empty_params"
    )
  })
  test.prop([fc.option(fc.string({ maxLength: 2000 }), { nil: undefined })])("never throws", (v) => {
    expect(typeof contentTypeEmptyParams(v)).toBe("boolean")
  })
  test.prop([fc.array(fc.stringMatching(/^[a-z]{1,8}=[a-z0-9]{1,8}$/), { maxLength: 5 })])(
    "parameters each after one separator never count; a doubled separator always does",
    (params) => {
      expect(contentTypeEmptyParams(["text/plain", ...params].join("; "))).toBe(false)
      expect(contentTypeEmptyParams(["text/plain", ...params, ""].join("; ") + ";")).toBe(true)
    }
  )
})

describe("from_empty_comment", () => {
  it("an empty comment at the end of From", () => {
    expect(features("offers@example.com ()", "text/plain")).toContain("from_empty_comment")
    expect(features("offers@example.com ( )", "text/plain")).toContain("from_empty_comment")
  })
  it("not for a name in a comment, a display name, or an empty comment inside", () => {
    expect(features("alice@example.net (Alice Smith)", "text/plain")).not.toContain("from_empty_comment")
    expect(features("Alice <alice@example.net>", "text/plain")).not.toContain("from_empty_comment")
    expect(features("Alice () <alice@example.net>", "text/plain")).not.toContain("from_empty_comment")
  })
  test.prop([fc.option(fc.string({ maxLength: 2000 }), { nil: undefined })])("never throws", (v) => {
    expect(typeof fromEmptyComment(v)).toBe("boolean")
  })
  test.prop([fc.stringMatching(/^[a-z]{1,10}@[a-z]{1,10}\.[a-z]{2,3}$/), fc.stringMatching(/^[A-Za-z ]{1,20}$/)])(
    "a non-empty comment never counts, an empty one always does",
    (address, name) => {
      expect(fromEmptyComment(`${address} (${name.trim() || "x"})`)).toBe(false)
      expect(fromEmptyComment(`${address} ()`)).toBe(true)
    }
  )
})
