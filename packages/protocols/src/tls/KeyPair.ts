/**
 * Key pairs and signing through WebCrypto (`globalThis.crypto.subtle`), which Node 20+, Bun and
 * Deno all provide natively, so key generation and signatures never run in JavaScript.
 *
 * ECDSA P-256 is the default: generation takes about a millisecond and signatures are small.
 * RSA 2048 is there for clients that cannot do ECDSA; generating it costs tens of milliseconds,
 * which is why the minter makes one leaf key per CA load (see `LeafMinter.ts`).
 *
 * **Gotchas**
 * WebCrypto ECDSA signatures are raw `r || s`; X.509 wants DER `SEQUENCE { r, s }`.
 *
 * @category models
 * @since 0.1.0
 */
import type { webcrypto } from "node:crypto"
import { ECDSASigValue } from "@peculiar/asn1-ecc"
import { AsnConvert } from "@peculiar/asn1-schema"
import { AlgorithmIdentifier, SubjectPublicKeyInfo } from "@peculiar/asn1-x509"
import { CaError } from "./CaError.ts"

export type KeyType = "ecdsa-p256" | "rsa-2048"

/** What a loaded key is: RSA keys of any size are accepted when loading. */
export type KeyKind = "ecdsa-p256" | "rsa"

type CryptoKey = webcrypto.CryptoKey

export interface KeyPair {
  readonly kind: KeyKind
  readonly privateKey: CryptoKey
  /** DER SubjectPublicKeyInfo. */
  readonly spki: Uint8Array
}

const OID_EC_PUBLIC_KEY = "1.2.840.10045.2.1"
/** DER of OBJECT IDENTIFIER 1.2.840.10045.3.1.7 (secp256r1, RFC 5480). */
const P256_DER = [0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07]
const OID_RSA = "1.2.840.113549.1.1.1"
const OID_ECDSA_SHA256 = "1.2.840.10045.4.3.2"
const OID_RSA_SHA256 = "1.2.840.113549.1.1.11"

const subtle = (): webcrypto.SubtleCrypto => (globalThis.crypto as unknown as webcrypto.Crypto).subtle

const ecParams = { name: "ECDSA", namedCurve: "P-256" } as const
const rsaParams = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" } as const

const importParams = (kind: KeyKind) => (kind === "ecdsa-p256" ? ecParams : rsaParams)

export const generate = async (type: KeyType): Promise<KeyPair> => {
  const pair =
    type === "ecdsa-p256"
      ? await subtle().generateKey(ecParams, true, ["sign", "verify"])
      : await subtle().generateKey(
          { ...rsaParams, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) },
          true,
          ["sign", "verify"]
        )
  const spki = new Uint8Array(await subtle().exportKey("spki", pair.publicKey))
  return { kind: type === "ecdsa-p256" ? "ecdsa-p256" : "rsa", privateKey: pair.privateKey, spki }
}

/** Which kind of key a SubjectPublicKeyInfo holds; anything else is refused. */
export const kindOfSpki = (spki: Uint8Array): KeyKind => {
  let info: SubjectPublicKeyInfo
  try {
    info = AsnConvert.parse(spki, SubjectPublicKeyInfo)
  } catch (cause) {
    throw new CaError("Malformed", "public key info is not valid DER", cause)
  }
  if (info.algorithm.algorithm === OID_RSA) return "rsa"
  if (info.algorithm.algorithm === OID_EC_PUBLIC_KEY && info.algorithm.parameters) {
    // namedCurve parameters are the DER of one OBJECT IDENTIFIER: compare the bytes.
    const params = new Uint8Array(info.algorithm.parameters)
    if (params.length === P256_DER.length && params.every((b, i) => b === P256_DER[i])) return "ecdsa-p256"
  }
  throw new CaError(
    "Malformed",
    `unsupported public key algorithm ${info.algorithm.algorithm} (use ECDSA P-256 or RSA)`
  )
}

/** Imports a PKCS#8 private key and proves it belongs to `spki` (sign, then verify). */
export const importPrivateKey = async (pkcs8: Uint8Array, spki: Uint8Array): Promise<KeyPair> => {
  const kind = kindOfSpki(spki)
  let privateKey: CryptoKey
  let publicKey: CryptoKey
  try {
    privateKey = await subtle().importKey("pkcs8", pkcs8, importParams(kind), true, ["sign"])
    publicKey = await subtle().importKey("spki", spki, importParams(kind), true, ["verify"])
  } catch (cause) {
    throw new CaError("KeyMismatch", `the private key is not a ${kind} key matching the certificate`, cause)
  }
  const probe = new TextEncoder().encode("mailmoat key check")
  const alg = kind === "ecdsa-p256" ? { name: "ECDSA", hash: "SHA-256" } : rsaParams
  const sig = await subtle().sign(alg, privateKey, probe)
  if (!(await subtle().verify(alg, publicKey, sig, probe)))
    throw new CaError("KeyMismatch", "the private key does not belong to the certificate")
  return { kind, privateKey, spki }
}

export const exportPkcs8 = async (key: CryptoKey): Promise<Uint8Array> =>
  new Uint8Array(await subtle().exportKey("pkcs8", key))

/** The AlgorithmIdentifier a signature by this key carries (RSA keeps its NULL parameters). */
export const signatureAlgorithm = (kind: KeyKind): AlgorithmIdentifier =>
  kind === "ecdsa-p256"
    ? new AlgorithmIdentifier({ algorithm: OID_ECDSA_SHA256 })
    : new AlgorithmIdentifier({ algorithm: OID_RSA_SHA256, parameters: null })

/** INTEGER content: no redundant leading zeros, one 0x00 when the high bit is set (positive). */
const asPositiveInteger = (raw: Uint8Array): ArrayBuffer => {
  let i = 0
  while (i < raw.length - 1 && raw[i] === 0) i++
  const trimmed = raw.subarray(i)
  const out = new Uint8Array(trimmed[0]! & 0x80 ? trimmed.length + 1 : trimmed.length)
  out.set(trimmed, out.length - trimmed.length)
  return out.buffer
}

/** Signs `data` with SHA-256 and returns the signature in its X.509 encoding. */
export const sign = async (pair: KeyPair, data: Uint8Array): Promise<Uint8Array> => {
  if (pair.kind === "rsa") return new Uint8Array(await subtle().sign(rsaParams, pair.privateKey, data))
  const raw = new Uint8Array(await subtle().sign({ name: "ECDSA", hash: "SHA-256" }, pair.privateKey, data))
  const half = raw.length / 2
  const value = new ECDSASigValue({
    r: asPositiveInteger(raw.subarray(0, half)),
    s: asPositiveInteger(raw.subarray(half))
  })
  return new Uint8Array(AsnConvert.serialize(value))
}

export const sha = async (algorithm: "SHA-1" | "SHA-256", data: Uint8Array): Promise<Uint8Array> =>
  new Uint8Array(await subtle().digest(algorithm, data))
