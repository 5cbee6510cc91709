// Certificates an operator could bring as the proxies' interception CA, made by openssl (not by
// `mailmoat ca init`): the extensions are the test's to choose, e.g. a CA whose keyUsage lacks
// keyCertSign. The key is PKCS#8 PEM, mode 0600, as `loadCa` wants it.
import { execFileSync } from "node:child_process"
import { chmodSync } from "node:fs"
import { join } from "node:path"

export interface PemPair {
  readonly cert: string
  readonly key: string
}

/** `dir`/`name`.pem and `dir`/`name`.key: self-signed P-256, valid `days` from now, with `extensions` (`-addext`). */
export const opensslCertificate = (
  dir: string,
  name: string,
  days: number,
  extensions: ReadonlyArray<string>
): PemPair => {
  const cert = join(dir, `${name}.pem`)
  const key = join(dir, `${name}.key`)
  const newKey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
  const files = ["-keyout", key, "-out", cert]
  const subject = ["-days", String(days), "-subj", `/CN=${name}`]
  execFileSync(
    "openssl",
    ["req", "-x509", ...newKey, ...files, ...subject, ...extensions.flatMap((e) => ["-addext", e])],
    {
      stdio: "pipe",
      timeout: 30_000
    }
  )
  chmodSync(key, 0o600)
  return { cert, key }
}

/** A CA (basicConstraints CA:TRUE) with the keyUsage given, e.g. `digitalSignature` (no keyCertSign). */
export const opensslCa = (dir: string, name: string, days: number, keyUsage: string): PemPair =>
  opensslCertificate(dir, name, days, ["basicConstraints=critical,CA:TRUE", `keyUsage=critical,${keyUsage}`])
