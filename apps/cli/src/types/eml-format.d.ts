// eml-format 0.6.1 ships no type declarations; this covers the one call we make.
declare module "eml-format" {
  interface Address {
    readonly name?: string
    readonly email?: string
  }
  interface ReadResult {
    readonly headers?: Record<string, string | ReadonlyArray<string>>
    readonly from?: Address | ReadonlyArray<Address>
    readonly to?: Address | ReadonlyArray<Address>
    readonly cc?: Address | ReadonlyArray<Address>
    readonly subject?: string
  }
  const emlFormat: {
    read(eml: string, options: { headersOnly?: boolean }, callback: (error: unknown, data?: ReadResult) => void): void
  }
  export default emlFormat
}
