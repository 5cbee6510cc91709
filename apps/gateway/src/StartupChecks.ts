/**
 * Checks of what the configuration names on this machine, made before anything listens so a
 * wrong path or certificate stops the start with the key to fix (`StartupError`), instead of
 * failing later (or never returning).
 *
 * **Gotchas**
 * - Directories are created one level at a time, not with `mkdir -p`: Node's recursive mkdir
 *   never returns for a path under `/proc` (it loops on the ENOENT that file system answers).
 *
 * @category constructors
 * @since 0.1.0
 */
import { X509Certificate, createPrivateKey } from "node:crypto"
import { constants } from "node:fs"
import { accessSync } from "node:fs"
import { access, mkdir, stat } from "node:fs/promises"
import { dirname } from "node:path"
import { createSecureContext } from "node:tls"
import { StartupError } from "./StartupError.ts"

const reasonOf = (error: unknown): string => {
  const e = error as NodeJS.ErrnoException
  return e?.code ?? (error instanceof Error ? error.message : String(error))
}

/** Makes sure `path` is a writable directory, creating it (and missing parents) if needed. */
export const ensureDirectory = async (path: string, key: string): Promise<void> => {
  const fail = (detail: string, cause?: unknown) => new StartupError({ key, reason: "BadDirectory", detail, cause })
  const create = async (dir: string, depth: number): Promise<void> => {
    let st: Awaited<ReturnType<typeof stat>> | undefined
    try {
      st = await stat(dir)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT")
        throw fail(`cannot use ${dir} (${reasonOf(error)})`, error)
    }
    if (st !== undefined) {
      if (!st.isDirectory())
        throw fail(
          dir === path
            ? `${path} is a file, not a directory`
            : `cannot create ${path}: ${dir} is a file, not a directory`
        )
      return
    }
    const parent = dirname(dir)
    if (parent === dir || depth > 64) throw fail(`cannot create ${path}`)
    await create(parent, depth + 1)
    try {
      await mkdir(dir)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST")
        throw fail(`cannot create ${dir} (${reasonOf(error)})`, error)
    }
  }
  await create(path, 0)
  try {
    await access(path, constants.W_OK)
  } catch (error) {
    throw fail(`${path} is not writable (${reasonOf(error)})`, error)
  }
}

/** Makes sure a file the configuration names can be read. */
export const ensureReadable = (path: string, key: string): void => {
  try {
    accessSync(path, constants.R_OK)
  } catch (error) {
    throw new StartupError({
      key,
      reason: "MissingFile",
      detail: `cannot read ${path} (${reasonOf(error)})`,
      cause: error
    })
  }
}

const firstLine = (error: unknown) => (error instanceof Error ? error.message : String(error)).split("\n")[0]

/**
 * Checks a certificate and its key: each parses as PEM and they belong together. Dates are not
 * checked here (see `certificateDatesProblem`): a listener cannot serve a pair that fails these
 * checks, while it can still serve an expired certificate to senders that do not verify.
 */
export const checkKeyPair = (
  pair: { readonly cert: string; readonly key: string },
  keys: { readonly certFile: string; readonly keyFile: string },
  files: { readonly cert: string; readonly key: string }
): void => {
  try {
    new X509Certificate(pair.cert)
  } catch (error) {
    throw new StartupError({
      key: keys.certFile,
      reason: "BadCertificate",
      detail: `${files.cert} is not a PEM certificate (${firstLine(error)})`,
      cause: error
    })
  }
  try {
    createPrivateKey(pair.key)
  } catch (error) {
    throw new StartupError({
      key: keys.keyFile,
      reason: "BadCertificate",
      detail: `${files.key} is not a PEM private key (${firstLine(error)})`,
      cause: error
    })
  }
  try {
    createSecureContext({ cert: pair.cert, key: pair.key })
  } catch (error) {
    throw new StartupError({
      key: keys.keyFile,
      reason: "BadCertificate",
      detail: `${files.key} does not belong to the certificate ${files.cert} (${firstLine(error)})`,
      cause: error
    })
  }
}

/**
 * What is wrong with a certificate's dates at `now` ("expired: valid from ... to ..."), or
 * undefined when it is valid. A reload refuses to switch to such a certificate (a renewal that
 * went wrong; the one in force stays); a start serves it and logs the problem at error, since
 * an MX that refuses to start loses more mail than one whose senders see an expired
 * certificate (most SMTP senders do not verify).
 */
export const certificateDatesProblem = (pem: string, now: number = Date.now()): string | undefined => {
  const cert = new X509Certificate(pem)
  const from = Date.parse(cert.validFrom)
  const to = Date.parse(cert.validTo)
  if (now < to && now >= from) return undefined
  return `${now >= to ? "expired" : "is not valid yet"}: valid from ${new Date(from).toISOString()} to ${new Date(to).toISOString()} (serial ${cert.serialNumber})`
}
