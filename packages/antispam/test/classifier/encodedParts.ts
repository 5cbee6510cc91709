// Messages whose text travels in a given transfer encoding, through the whole tokenizer: what the
// encoding traits' tests (quoted-printable escapes, unencoded text) feed it.
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { parse } from "./support.ts"

const head = (type: string, encoding: string) =>
  [
    "From: Alice <alice@example.net>",
    "To: bob@example.org",
    "Subject: News",
    "Date: Mon, 1 Jun 2026 10:00:00 +0000",
    "Message-ID: <abc123@example.net>",
    "MIME-Version: 1.0",
    `Content-Type: ${type}`,
    `Content-Transfer-Encoding: ${encoding}`,
    ""
  ].join("\r\n")

/** The features of a single-part message whose body is `body` as written, labelled `encoding`. */
export const singlePart = (body: string, encoding = "quoted-printable", type = "text/plain; charset=us-ascii") =>
  tokenize(parse(`${head(type, encoding)}\r\n${body}\r\n`)).features

/**
 * The features of a multipart/alternative: `plain` as written, labelled `plainEncoding` (7bit
 * unless given), `html` as written, labelled quoted-printable.
 */
export const alternativeQpHtml = (plain: string, html: string, plainEncoding = "7bit") =>
  tokenize(
    parse(
      [
        head('multipart/alternative; boundary="b1"', "7bit"),
        "--b1",
        "Content-Type: text/plain; charset=us-ascii",
        `Content-Transfer-Encoding: ${plainEncoding}`,
        "",
        plain,
        "--b1",
        "Content-Type: text/html; charset=us-ascii",
        "Content-Transfer-Encoding: quoted-printable",
        "",
        html,
        "--b1--",
        ""
      ].join("\r\n")
    )
  ).features

/** A lone quoted-printable leaf over `bytes[start, end)`: any range, however wrong, as a parser's part. */
export const qpLeaf = (bytes: Uint8Array, start: number, end: number) =>
  ({
    contentType: "text/plain",
    transferEncoding: "quoted-printable",
    headers: undefined,
    body: bytes,
    children: [],
    start,
    end
  }) as never
