/**
 * The seam between the generic proxy connection and a protocol (IMAP, POP3): the protocol turns
 * client bytes into bytes to forward (and says when STARTTLS/STLS was asked for), and server bytes
 * into events in which whole messages are marked, so the connection can scan and rewrite them.
 *
 * Writing the raw bytes of every event in order reproduces the server's stream exactly; a
 * rewritten message replaces `MessageStart.header`, every `MessageData.raw` and `MessageEnd.raw`
 * with `MessageStart.frame(newContent)`.
 *
 * @category models
 * @since 0.1.0
 */

export type ProxyEvent =
  | { readonly _tag: "Bytes"; readonly bytes: Uint8Array }
  | {
      readonly _tag: "MessageStart"
      /** Raw bytes that introduce the message (the IMAP literal marker; empty for POP3). */
      readonly header: Uint8Array
      /** The content size when the protocol announces it (IMAP), before any content arrives. */
      readonly size: number | undefined
      /** Wire bytes for replacement content (new literal marker, or dot-stuffed body + terminator). */
      readonly frame: (content: Uint8Array) => Array<Uint8Array>
    }
  /** `raw` is what the server sent; `content` the message bytes it carries (POP3: dot-unstuffed). */
  | { readonly _tag: "MessageData"; readonly raw: Uint8Array; readonly content: ReadonlyArray<Uint8Array> }
  | { readonly _tag: "MessageEnd"; readonly raw: Uint8Array }
  /** The server's answer to STARTTLS/STLS; on `ok` the rest of the server's plaintext is dropped. */
  | { readonly _tag: "TlsReply"; readonly ok: boolean; readonly bytes: Uint8Array }
  /** The client was told compression is active (IMAP COMPRESS): what follows goes compressed. */
  | { readonly _tag: "CompressStart" }
  /** Client bytes the session releases now (a held command, the proxy's own commands), as `fromClient`'s. */
  | { readonly _tag: "ToServer"; readonly step: ClientStep }
  /** The session holds no client command any more: read the client again. */
  | { readonly _tag: "ResumeClient" }
  /**
   * The proxy's own fetch of a whole message (IMAP partial fetches): scan `content`, never send it
   * to the client, tell `done` the rewritten bytes (undefined: clean; `failed`: no verdict), then
   * `release` its bytes to the scan budget.
   */
  | {
      readonly _tag: "Judge"
      readonly content: Uint8Array
      readonly done: (rewritten: Uint8Array | undefined, failed: boolean) => void
      readonly release: () => void
    }
  | { readonly _tag: "Log"; readonly event: string; readonly fields: Record<string, string | number | boolean> }

export interface ClientStep {
  readonly forward: Array<Uint8Array>
  /**
   * `starttls`: forward, then stop reading the client until the server's `TlsReply`.
   * `compress`: forward, then stop reading the client until the server's `CompressStart`, after
   * which the client's leg is compressed both ways.
   * `hold`: forward, then stop reading the client until the session's `ResumeClient`.
   * `close`: forward, then give up on the connection (`reason`), e.g. an oversized `{n+}` literal
   * that can be neither refused nor skipped without losing the command stream.
   */
  readonly action: "none" | "starttls" | "compress" | "close" | "hold"
  readonly reason?: string | undefined
  /** Bytes received after STARTTLS/STLS or COMPRESS in the same read, thrown away. */
  readonly discarded: number
}

export interface ProxySession {
  readonly protocol: "imap" | "pop3"
  fromClient(chunk: Uint8Array): ClientStep
  fromServer(chunk: Uint8Array): Array<ProxyEvent>
  /** The server closed: bytes still held back (an unfinished line) to pass on before closing. */
  serverEnded(): Uint8Array
  /** Both legs are now TLS: parsing starts over (RFC 3207 §4.2 style state reset). */
  tlsEstablished(): void
  /** The STARTTLS/STLS request failed upstream: the client may go on in plaintext. */
  tlsRefused(): void
  /** The connection closed: scan budget the session still holds goes back. */
  dispose?(): void
  /** A final line telling the client why we give up (`* BYE ...` / `-ERR ...`). */
  farewell(text: string): Uint8Array
}

export const EMPTY_BYTES = new Uint8Array(0)
