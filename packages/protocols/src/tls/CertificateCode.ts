/**
 * The certificate code (`X509.ts`, `KeyPair.ts`, and through them `@peculiar/asn1-x509`,
 * `-ecc`, `-schema` and `asn1js`), loaded on first use. Only the IMAP/POP3 interception CA and
 * the leaves it mints need it, yet those modules cost ~10 MB of resident memory once evaluated:
 * a gateway that never intercepts TLS should not pay for them at start. `Ca.ts` and
 * `LeafMinter.ts` ask for it inside their (already asynchronous) entry points; the bundle keeps
 * it in a chunk of its own, imported dynamically (Node, Bun and Deno all support `import()`).
 *
 * **Gotchas**
 * A failed load (a broken install) is not cached: the next call tries again.
 *
 * @category constructors
 * @since 0.1.0
 */
import type * as KeyPair from "./KeyPair.ts"
import type * as X509 from "./X509.ts"

export interface CertificateCode {
  readonly X509: typeof X509
  readonly KeyPair: typeof KeyPair
}

let loading: Promise<CertificateCode> | undefined

/** The certificate modules, evaluated on the first call. */
export const load = (): Promise<CertificateCode> => {
  loading ??= Promise.all([import("./X509.ts"), import("./KeyPair.ts")]).then(
    ([x509, keyPair]) => ({ X509: x509, KeyPair: keyPair }),
    (error: unknown) => {
      loading = undefined
      throw error
    }
  )
  return loading
}
