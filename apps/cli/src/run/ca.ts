/**
 * Implementation of the commands declared in ../commands/ca.ts (loaded on use).
 *
 * `mailmoat ca init [--force]` and `mailmoat ca show`: the local interception CA the IMAP/POP3
 * proxies sign their on-the-fly certificates with (`protocols.ca.cert` / `.key`, relative to
 * the configuration file). Thin wrappers over protocols' `Interception.initCa` / `showCa`.
 *
 * @since 0.1.0
 */
import { resolve } from "node:path"
import { Interception } from "@mailmoat/protocols"
import { messageOf } from "../cli/Common.ts"
import { type LoadedConfig, loadConfig, section } from "../cli/Config.ts"
import { EXIT_OK, InputError, RuntimeFailure } from "../cli/Errors.ts"
import { print, printJson } from "../cli/Io.ts"
import { opt, type Parsed } from "../cli/Spec.ts"

const caPaths = (config: LoadedConfig) => {
  const ca = section(section(config.raw, "protocols"), "ca")
  return {
    certPath: resolve(config.base, typeof ca.cert === "string" ? ca.cert : "./data/ca/ca.pem"),
    keyPath: resolve(config.base, typeof ca.key === "string" ? ca.key : "./data/ca/ca.key")
  }
}

const asJson = (d: Interception.CaDescription) => ({
  certPath: d.certPath,
  subject: d.subject,
  issuer: d.issuer,
  notBefore: d.notBefore.toISOString(),
  notAfter: d.notAfter.toISOString(),
  serial: d.serialHex,
  keyKind: d.keyKind,
  fingerprintSha256: d.fingerprintSha256
})

const printDescription = (d: Interception.CaDescription) => {
  print(`certificate  ${d.certPath}`)
  print(`subject      ${d.subject}`)
  print(`valid        ${d.notBefore.toISOString()} .. ${d.notAfter.toISOString()}`)
  print(`key          ${d.keyKind}`)
  print(`SHA-256      ${d.fingerprintSha256}`)
}

/** CA errors the user can fix (existing files, missing or malformed ones) are exit 2. */
const caFailure = (e: unknown): Error => {
  const reason = (e as Interception.CaError).reason
  if (
    reason === "Exists" ||
    reason === "Malformed" ||
    reason === "InsecureKeyFile" ||
    reason === "NotUsable" ||
    reason === "KeyMismatch"
  )
    return new InputError([messageOf(e)])
  if (reason === "Io") return new InputError([`${messageOf(e)} (make one with: mailmoat ca init)`])
  return new RuntimeFailure(messageOf(e))
}

export const runInit = async (a: Parsed): Promise<number> => {
  const paths = caPaths(loadConfig(opt.string(a, "config")))
  let d: Interception.CaDescription
  try {
    d = await Interception.initCa({ ...paths, force: opt.flag(a, "force") })
  } catch (e) {
    throw caFailure(e)
  }
  if (opt.flag(a, "json")) printJson({ ...asJson(d), keyPath: paths.keyPath })
  else {
    print("created the Mailmoat interception CA")
    printDescription(d)
    print(`key          ${paths.keyPath} (mode 0600)`)
    print("")
    print(Interception.trustInstructions(d.certPath))
  }
  return EXIT_OK
}

export const runShow = async (a: Parsed): Promise<number> => {
  const paths = caPaths(loadConfig(opt.string(a, "config")))
  let d: Interception.CaDescription
  try {
    d = await Interception.showCa({ certPath: paths.certPath })
  } catch (e) {
    throw caFailure(e)
  }
  if (opt.flag(a, "json")) printJson(asJson(d))
  else printDescription(d)
  return EXIT_OK
}
