// HTML reduced to text and links copies less (source text without line breaks, tags without `=`
// and singly spaced text are not copied); for any input it must give what it gave.
import { fc, test } from "@fast-check/vitest"
import { describe, expect } from "vitest"
import * as Html from "../../src/message/HtmlText.ts"
import * as Before from "./oracle/HtmlTextBefore.ts"

const same = (html: string): void => {
  expect(Html.reduce(html)).toStrictEqual(Before.reduce(html))
}

const piece = fc.oneof(
  fc.constantFrom(
    "<p>",
    "</p>",
    "<br>",
    "<BR/>",
    "<div class=x>",
    "</div>",
    '<a href="http://a.example/x">',
    "<a HREF='x'>",
    "<img src=y.gif alt=z>",
    "<form action=/go>",
    "</a>",
    "<script>x<y</script>",
    "<style>p{}</style>",
    "<title>T</title>",
    "<!-- c -->",
    "<!doctype html>",
    "<?xml?>",
    "<x-y a=b>",
    "< p>",
    '<a href="\n\thttp://b.example\n">',
    "=",
    '"',
    "'",
    ">",
    "&amp;",
    "&nbsp;",
    "&#10;",
    "&#x200b;",
    "&am",
    "p;",
    "&",
    "<",
    " ",
    "  ",
    "\n",
    "\r\n",
    "\t",
    "\f",
    "\v",
    "\u00a0",
    "\u200b",
    "\u2003",
    "\ufeff",
    "word",
    "Two words",
    "é"
  ),
  fc.string({ maxLength: 10 }),
  fc.string({ unit: "binary", maxLength: 6 })
)

describe("HtmlText.reduce against the copying reduce", () => {
  test.prop([fc.array(piece, { maxLength: 80 }).map((a) => a.join(""))], { numRuns: 3000 })(
    "same text and links for HTML-like input",
    same
  )
  test.prop([fc.string({ unit: "binary", maxLength: 400 })])("same for arbitrary text", same)
})
