/**
 * The interception CA on disk: `initCa` makes it, `showCa` describes it, `loadCa` loads it for
 * minting. The key is PKCS#8 PEM with mode 0600 (its directory 0700 when we create it); the
 * certificate is PEM with mode 0644 so users can copy it into their trust stores.
 *
 * **Gotchas**
 * Replacing the CA (`force`) makes every client that trusted the old one reject the proxy until
 * the new certificate is trusted; `initCa` refuses unless asked explicitly.
 * `loadCa` refuses a key file that group or others can read.
 *
 * @category constructors
 * @since 0.1.0
 */
import { hostname } from "node:os"
import { readFile, stat } from "node:fs/promises"
import { CaError } from "./CaError.ts"
import * as CertificateCode from "./CertificateCode.ts"
import type * as KeyPair from "./KeyPair.ts"
import * as Pem from "./Pem.ts"
import * as SecureFile from "./SecureFile.ts"
import type * as X509 from "./X509.ts"

export interface InitCaOptions {
  readonly certPath: string
  readonly keyPath: string
  /** Replace existing files. */
  readonly force?: boolean | undefined
  /** Default: `Mailmoat Interception CA (<host name>)`. */
  readonly commonName?: string | undefined
  /** Default `ecdsa-p256`. */
  readonly keyType?: KeyPair.KeyType | undefined
  /** Default 10. */
  readonly validityYears?: number | undefined
}

export interface CaDescription {
  readonly certPath: string
  readonly subject: string
  readonly issuer: string
  readonly notBefore: Date
  readonly notAfter: Date
  readonly serialHex: string
  readonly keyKind: KeyPair.KeyKind
  readonly isCa: boolean
  /** Colon-separated upper-case hex, as `openssl x509 -noout -fingerprint -sha256` prints it. */
  readonly fingerprintSha256: string
}

export interface LoadedCa {
  readonly certPem: string
  readonly cert: X509.CertificateInfo
  readonly key: KeyPair.KeyPair
  readonly keyIdentifier: Uint8Array
}

const describe = (certPath: string, info: X509.CertificateInfo, keyKind: KeyPair.KeyKind): CaDescription => ({
  certPath,
  subject: info.subject,
  issuer: info.issuer,
  notBefore: info.notBefore,
  notAfter: info.notAfter,
  serialHex: info.serialHex,
  keyKind,
  isCa: info.isCa,
  fingerprintSha256: info.fingerprintSha256
})

const ioError = (what: string, path: string, cause: unknown): CaError =>
  new CaError("Io", `cannot ${what} ${path}: ${(cause as { message?: string })?.message ?? String(cause)}`, cause)

export const initCa = async (options: InitCaOptions): Promise<CaDescription> => {
  const force = options.force === true
  if (!force) {
    for (const path of [options.keyPath, options.certPath]) {
      if (await SecureFile.exists(path))
        throw new CaError(
          "Exists",
          `${path} already exists; refusing to overwrite it without --force (clients that trust the current CA would stop trusting the proxy)`
        )
    }
  }
  const { X509, KeyPair } = await CertificateCode.load()
  const key = await KeyPair.generate(options.keyType ?? "ecdsa-p256")
  const ski = await X509.keyIdentifier(key.spki)
  const name = X509.makeName([
    ["CN", options.commonName ?? `Mailmoat Interception CA (${hostname()})`],
    ["O", "Mailmoat"]
  ])
  const now = Date.now()
  // Backdated a day so clients with a slow clock accept it right away.
  const notBefore = new Date(now - 24 * 3600_000)
  const notAfter = new Date(now + (options.validityYears ?? 10) * 365.25 * 24 * 3600_000)
  const der = await X509.issue({
    subject: name,
    issuer: name,
    serial: X509.randomSerial(),
    notBefore,
    notAfter,
    spki: key.spki,
    extensions: X509.caExtensions(ski),
    signer: key
  })
  const certPem = Pem.encode("CERTIFICATE", der)
  const keyPem = Pem.encode("PRIVATE KEY", await KeyPair.exportPkcs8(key.privateKey))
  try {
    await SecureFile.ensureDir(options.keyPath, 0o700)
    await SecureFile.ensureDir(options.certPath, 0o755)
    await SecureFile.write(options.keyPath, keyPem, 0o600, force)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST")
      throw new CaError("Exists", `${options.keyPath} appeared while creating the CA; refusing to overwrite it`, e)
    throw ioError("write", options.keyPath, e)
  }
  try {
    await SecureFile.write(options.certPath, certPem, 0o644, force)
  } catch (e) {
    throw ioError("write", options.certPath, e)
  }
  return describe(options.certPath, await X509.read(der), KeyPair.kindOfSpki(key.spki))
}

const readText = async (path: string): Promise<string> => {
  try {
    return await readFile(path, "utf8")
  } catch (e) {
    throw ioError("read", path, e)
  }
}

const readCert = async (certPath: string): Promise<{ pem: string; info: X509.CertificateInfo }> => {
  const text = await readText(certPath)
  const der = Pem.decode(text, "CERTIFICATE")
  if (der === undefined) throw new CaError("Malformed", `${certPath} holds no PEM CERTIFICATE block`)
  const { X509 } = await CertificateCode.load()
  return { pem: Pem.encode("CERTIFICATE", der), info: await X509.read(der) }
}

export const showCa = async (options: { readonly certPath: string }): Promise<CaDescription> => {
  const { info } = await readCert(options.certPath)
  const { KeyPair } = await CertificateCode.load()
  return describe(options.certPath, info, KeyPair.kindOfSpki(info.spki))
}

export const loadCa = async (options: {
  readonly certPath: string
  readonly keyPath: string
  readonly now?: Date | undefined
}): Promise<LoadedCa> => {
  const { pem, info } = await readCert(options.certPath)
  if (!info.isCa)
    throw new CaError("NotUsable", `${options.certPath} is not a CA certificate (basicConstraints CA:TRUE missing)`)
  const now = options.now ?? new Date()
  if (info.notAfter <= now || info.notBefore > now)
    throw new CaError(
      "NotUsable",
      `${options.certPath} is valid from ${info.notBefore.toISOString()} to ${info.notAfter.toISOString()}; make a new one with \`mailmoat ca init --force\``
    )
  if (process.platform !== "win32") {
    const mode = await stat(options.keyPath).then(
      (s) => s.mode,
      (e) => {
        throw ioError("read", options.keyPath, e)
      }
    )
    if ((mode & 0o077) !== 0)
      throw new CaError(
        "InsecureKeyFile",
        `${options.keyPath} is readable by other users (mode ${(mode & 0o777).toString(8)}); run chmod 600 ${options.keyPath}`
      )
  }
  const keyText = await readText(options.keyPath)
  const pkcs8 = Pem.decode(keyText, "PRIVATE KEY")
  if (pkcs8 === undefined) throw new CaError("Malformed", `${options.keyPath} holds no PEM PRIVATE KEY (PKCS#8) block`)
  const { X509, KeyPair } = await CertificateCode.load()
  const key = await KeyPair.importPrivateKey(pkcs8, info.spki)
  return {
    certPem: pem,
    cert: info,
    key,
    keyIdentifier: info.subjectKeyIdentifier ?? (await X509.keyIdentifier(info.spki))
  }
}
