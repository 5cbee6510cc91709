/**
 * Builds and reads the two kinds of X.509 v3 certificates we need (RFC 5280): the interception CA
 * and the leaves it signs. The ASN.1 structures come from `@peculiar/asn1-x509`; signing is
 * WebCrypto (`KeyPair.ts`).
 *
 * @category constructors
 * @since 0.1.0
 */
import { AsnConvert, OctetString } from "@peculiar/asn1-schema"
import {
  AttributeTypeAndValue,
  AttributeValue,
  AuthorityKeyIdentifier,
  BasicConstraints,
  Certificate,
  ExtendedKeyUsage,
  Extension,
  Extensions,
  GeneralName,
  id_ce_authorityKeyIdentifier,
  id_ce_basicConstraints,
  id_ce_extKeyUsage,
  id_ce_keyUsage,
  id_ce_subjectAltName,
  id_ce_subjectKeyIdentifier,
  id_kp_serverAuth,
  KeyIdentifier,
  KeyUsage,
  KeyUsageFlags,
  Name,
  RelativeDistinguishedName,
  SubjectAlternativeName,
  SubjectKeyIdentifier,
  SubjectPublicKeyInfo,
  TBSCertificate,
  Validity
} from "@peculiar/asn1-x509"
import { CaError } from "./CaError.ts"
import * as KeyPair from "./KeyPair.ts"

const OID_CN = "2.5.4.3"
const OID_O = "2.5.4.10"
const shortNames: Readonly<Record<string, string>> = {
  [OID_CN]: "CN",
  [OID_O]: "O",
  "2.5.4.11": "OU",
  "2.5.4.6": "C",
  "2.5.4.7": "L",
  "2.5.4.8": "ST"
}

/** A Name from (OID, value) pairs, one attribute per RDN, values as UTF8String. */
export const makeName = (attributes: ReadonlyArray<readonly [type: "CN" | "O", value: string]>): Name =>
  new Name(
    attributes.map(
      ([type, value]) =>
        new RelativeDistinguishedName([
          new AttributeTypeAndValue({
            type: type === "CN" ? OID_CN : OID_O,
            value: new AttributeValue({ utf8String: value })
          })
        ])
    )
  )

/** `CN=..., O=...` in certificate order (the way `openssl x509 -subject -nameopt RFC2253` reads, reversed). */
export const formatName = (name: Name): string =>
  name.flatMap((rdn) => rdn.map((atv) => `${shortNames[atv.type] ?? atv.type}=${atv.value.toString()}`)).join(", ")

const extension = (extnID: string, critical: boolean, value: unknown): Extension =>
  new Extension({ extnID, critical, extnValue: new OctetString(AsnConvert.serialize(value)) })

/** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey BIT STRING contents. */
export const keyIdentifier = async (spki: Uint8Array): Promise<Uint8Array> => {
  const info = AsnConvert.parse(spki, SubjectPublicKeyInfo)
  return KeyPair.sha("SHA-1", new Uint8Array(info.subjectPublicKey))
}

/** 16 random bytes, positive (high bit clear) and never starting with a zero byte. */
export const randomSerial = (): Uint8Array => {
  const serial = globalThis.crypto.getRandomValues(new Uint8Array(16))
  serial[0] = (serial[0]! & 0x7f) | 0x01
  return serial
}

export interface IssueParams {
  readonly subject: Name
  readonly issuer: Name
  readonly serial: Uint8Array
  readonly notBefore: Date
  readonly notAfter: Date
  /** DER SubjectPublicKeyInfo of the certified key. */
  readonly spki: Uint8Array
  readonly extensions: ReadonlyArray<Extension>
  readonly signer: KeyPair.KeyPair
}

/** Signs a v3 certificate; returns its DER. */
export const issue = async (p: IssueParams): Promise<Uint8Array> => {
  const signatureAlgorithm = KeyPair.signatureAlgorithm(p.signer.kind)
  const tbs = new TBSCertificate({
    version: 2,
    serialNumber: p.serial.slice().buffer,
    signature: signatureAlgorithm,
    issuer: p.issuer,
    validity: new Validity({ notBefore: p.notBefore, notAfter: p.notAfter }),
    subject: p.subject,
    subjectPublicKeyInfo: AsnConvert.parse(p.spki, SubjectPublicKeyInfo),
    extensions: new Extensions([...p.extensions])
  })
  const tbsDer = new Uint8Array(AsnConvert.serialize(tbs))
  const signatureValue = await KeyPair.sign(p.signer, tbsDer)
  const cert = new Certificate({
    tbsCertificate: tbs,
    signatureAlgorithm,
    signatureValue: signatureValue.slice().buffer
  })
  return new Uint8Array(AsnConvert.serialize(cert))
}

/** Extensions of the interception CA: CA:TRUE (no intermediates below it), keyCertSign + cRLSign. */
export const caExtensions = (ski: Uint8Array): ReadonlyArray<Extension> => [
  extension(id_ce_basicConstraints, true, new BasicConstraints({ cA: true, pathLenConstraint: 0 })),
  extension(id_ce_keyUsage, true, new KeyUsage(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign)),
  extension(id_ce_subjectKeyIdentifier, false, new SubjectKeyIdentifier(ski))
]

export type LeafName =
  | { readonly kind: "dns"; readonly value: string }
  | { readonly kind: "ip"; readonly value: string }

/**
 * Extensions every minted server certificate shares (CA/B Forum style: serverAuth, key ids);
 * built once per minter. `subjectAltName` is added per leaf by `leafExtensions`.
 */
export const leafFixedExtensions = (
  keyKind: KeyPair.KeyKind,
  ski: Uint8Array,
  caSki: Uint8Array
): ReadonlyArray<Extension> => {
  // RSA key exchange (TLS 1.2 static RSA) needs keyEncipherment; ECDSA keys only sign.
  const usage =
    keyKind === "rsa" ? KeyUsageFlags.digitalSignature | KeyUsageFlags.keyEncipherment : KeyUsageFlags.digitalSignature
  return [
    extension(id_ce_basicConstraints, true, new BasicConstraints({ cA: false })),
    extension(id_ce_keyUsage, true, new KeyUsage(usage)),
    extension(id_ce_extKeyUsage, false, new ExtendedKeyUsage([id_kp_serverAuth])),
    extension(id_ce_subjectKeyIdentifier, false, new SubjectKeyIdentifier(ski)),
    extension(
      id_ce_authorityKeyIdentifier,
      false,
      new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(caSki) })
    )
  ]
}

/** The fixed extensions plus subjectAltName for `names` (DNS names and IP addresses). */
export const leafExtensions = (
  names: ReadonlyArray<LeafName>,
  fixed: ReadonlyArray<Extension>
): ReadonlyArray<Extension> => {
  const general = names.map((n) =>
    n.kind === "dns" ? new GeneralName({ dNSName: n.value }) : new GeneralName({ iPAddress: n.value })
  )
  return [...fixed, extension(id_ce_subjectAltName, false, new SubjectAlternativeName(general))]
}

export interface CertificateInfo {
  readonly der: Uint8Array
  readonly subject: string
  readonly subjectName: Name
  readonly issuer: string
  readonly notBefore: Date
  readonly notAfter: Date
  readonly serialHex: string
  /** DER SubjectPublicKeyInfo. */
  readonly spki: Uint8Array
  readonly isCa: boolean
  readonly subjectKeyIdentifier: Uint8Array | undefined
  /** SHA-256 of the DER, upper-case hex pairs joined by `:` (as `openssl x509 -fingerprint -sha256`). */
  readonly fingerprintSha256: string
}

const hex = (bytes: Uint8Array, sep = ""): string =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, "0").toUpperCase()).join(sep)

/** Reads the fields we show and check; throws `CaError("Malformed")` on anything that is not a certificate. */
export const read = async (der: Uint8Array): Promise<CertificateInfo> => {
  let cert: Certificate
  try {
    cert = AsnConvert.parse(der, Certificate)
  } catch (cause) {
    throw new CaError("Malformed", "not an X.509 certificate", cause)
  }
  const tbs = cert.tbsCertificate
  const ext = (id: string) => tbs.extensions?.find((e) => e.extnID === id)
  const bc = ext(id_ce_basicConstraints)
  const ski = ext(id_ce_subjectKeyIdentifier)
  return {
    der,
    subject: formatName(tbs.subject),
    subjectName: tbs.subject,
    issuer: formatName(tbs.issuer),
    notBefore: tbs.validity.notBefore.getTime(),
    notAfter: tbs.validity.notAfter.getTime(),
    serialHex: hex(new Uint8Array(tbs.serialNumber)),
    spki: new Uint8Array(AsnConvert.serialize(tbs.subjectPublicKeyInfo)),
    isCa: bc !== undefined && AsnConvert.parse(bc.extnValue, BasicConstraints).cA,
    subjectKeyIdentifier:
      ski === undefined ? undefined : new Uint8Array(AsnConvert.parse(ski.extnValue, SubjectKeyIdentifier).buffer),
    fingerprintSha256: hex(await KeyPair.sha("SHA-256", der), ":")
  }
}
