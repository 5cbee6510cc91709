// Scripted IMAP client for FETCH variants: sends one command at a time and collects the literals
// of the responses with the item name that precedes each one.
import * as net from "node:net"
import * as tls from "node:tls"
import { Wire } from "./wire.ts"

export interface FetchedLiteral {
  readonly seq: number
  /** The item name before the literal, upper-case, e.g. `BODY[]`, `RFC822`, `BODY[]<0>`. */
  readonly item: string
  readonly bytes: Buffer
}

export interface ImapReply {
  readonly status: string
  readonly raw: Buffer
  readonly literals: Array<FetchedLiteral>
}

const LITERAL = /(?:^\* (\d+) FETCH .*?)?(\S+) (~?)\{(\d+)\+?\}\r\n$/s

export class ImapClient {
  private tagCounter = 0
  greeting = ""

  private constructor(readonly wire: Wire) {}

  static async connect(port: number, options: { tls?: tls.ConnectionOptions } = {}): Promise<ImapClient> {
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const s = options.tls
        ? tls.connect({ host: "127.0.0.1", port, ...options.tls }, () => resolve(s))
        : net.connect({ host: "127.0.0.1", port }, () => resolve(s))
      s.once("error", reject)
    })
    const client = new ImapClient(new Wire(socket))
    client.greeting = (await client.wire.line()).toString("latin1")
    return client
  }

  async command(text: string, timeoutMs = 30_000): Promise<ImapReply> {
    return this.reply(this.send(text), timeoutMs)
  }

  /** Sends a command without waiting (pipelining); `reply` reads its answer. */
  send(text: string): string {
    const tag = `t${++this.tagCounter}`
    this.wire.write(`${tag} ${text}\r\n`)
    return tag
  }

  /** Everything up to and including the tagged answer to `tag`. */
  async reply(tag: string, timeoutMs = 30_000): Promise<ImapReply> {
    const raw: Array<Buffer> = []
    const literals: Array<FetchedLiteral> = []
    let seq = 0
    for (;;) {
      const line = await this.wire.line(timeoutMs)
      raw.push(line)
      const s = line.toString("latin1")
      const fetchStart = /^\* (\d+) FETCH /.exec(s)
      if (fetchStart) seq = Number(fetchStart[1])
      const m = LITERAL.exec(s)
      if (m) {
        const bytes = await this.wire.bytes(Number(m[4]), timeoutMs)
        raw.push(bytes)
        literals.push({ seq, item: m[2]!.replace(/^\(/, "").toUpperCase(), bytes })
        // The response line continues after the literal: read on as part of the same response.
        const tail = await this.continueLine(raw, literals, seq, timeoutMs)
        if (tail.startsWith(`${tag} `))
          return { status: tail.slice(tag.length + 1).split(" ")[0]!, raw: Buffer.concat(raw), literals }
        continue
      }
      if (s.startsWith(`${tag} `))
        return { status: s.slice(tag.length + 1).split(" ")[0]!, raw: Buffer.concat(raw), literals }
    }
  }

  private async continueLine(
    raw: Array<Buffer>,
    literals: Array<FetchedLiteral>,
    seq: number,
    timeoutMs: number
  ): Promise<string> {
    for (;;) {
      const line = await this.wire.line(timeoutMs)
      raw.push(line)
      const s = line.toString("latin1")
      const m = LITERAL.exec(s)
      if (!m) return s
      const bytes = await this.wire.bytes(Number(m[4]), timeoutMs)
      raw.push(bytes)
      literals.push({ seq, item: m[2]!.replace(/^\(/, "").toUpperCase(), bytes })
    }
  }

  async login(user: string, password: string): Promise<void> {
    const r = await this.command(`LOGIN ${user} ${password}`)
    if (r.status !== "OK") throw new Error(`login failed: ${r.raw.toString("latin1")}`)
  }

  close(): void {
    this.wire.close()
  }
}
