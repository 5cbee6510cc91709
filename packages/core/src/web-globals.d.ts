// The web-standard globals core uses, which Node, Bun and Deno all provide. Core compiles with
// `types: []` (no @types/node), so a `node:` import or a Node-only global (process, Buffer)
// fails the typecheck; this file declares only what every runtime has.
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean })
  readonly encoding: string
  decode(input?: ArrayBufferView | ArrayBuffer, options?: { stream?: boolean }): string
}
declare class TextEncoder {
  encode(input?: string): Uint8Array
}
declare class URL {
  constructor(url: string, base?: string | URL)
  hash: string
  host: string
  hostname: string
  href: string
  readonly origin: string
  password: string
  pathname: string
  port: string
  protocol: string
  search: string
  username: string
  toString(): string
}
type TimerHandle = { readonly __timer: unique symbol } | number
declare function setTimeout(callback: () => void, ms?: number): TimerHandle
declare function clearTimeout(handle: TimerHandle | undefined): void
declare const crypto: { getRandomValues<T extends Uint8Array>(array: T): T }
