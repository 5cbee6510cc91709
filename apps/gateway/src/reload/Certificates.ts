/**
 * Certificate rotation on reload (an admin's `systemctl reload` after certbot renewed the files,
 * as Postfix and Dovecot do): the TLS material the listeners were started with is read again,
 * checked, and put in force for the handshakes that follow; sessions already in TLS keep theirs.
 *
 * A reload first asks every `CertificateSource` to `prepare` the new configuration: read and
 * check its files, and build what would replace the current material, without touching it. A
 * problem refuses the whole reload (the old configuration and certificates stay in force) with a
 * line naming the key and the file. Once the new mail path is installed, each prepared change is
 * applied and logged.
 *
 * What is reloaded: `smtp.tls` (certificate chain and key; the files are read and checked by
 * `resolveSettings`: PEM, the key belongs to the certificate; a changed certificate must also be
 * valid now), the interception CA
 * (`protocols.ca`) and the upstream trust (`protocols.upstreamCa`) of the IMAP/POP3 proxies
 * (`ProxyListeners.prepareTls`). Turning TLS on or off (`smtp.tls` present or absent,
 * `protocols.tlsFiltering`) changes what the listeners offer and still needs a restart.
 *
 * @category services
 * @since 0.1.0
 */
import { X509Certificate } from "node:crypto"
import type { Smtp } from "@mailmoat/protocols"
import type { GatewayLog } from "../Log.ts"
import type { GatewaySettings } from "../Settings.ts"
import { certificateDatesProblem } from "../StartupChecks.ts"
import { StartupError } from "../StartupError.ts"

/** A checked change, applied once the reload is accepted. */
export type CertificateChange = () => void

export interface CertificateSource {
  /** Reads and checks what `settings` names; throws the problem; the change, or none when nothing changed. */
  readonly prepare: (settings: GatewaySettings) => Promise<CertificateChange | undefined>
}

/** Prepares every source; any problem refuses them all. */
export const prepareAll = async (
  sources: ReadonlyArray<CertificateSource>,
  settings: GatewaySettings
): Promise<ReadonlyArray<CertificateChange>> => {
  const changes: Array<CertificateChange> = []
  for (const source of sources) {
    const change = await source.prepare(settings)
    if (change !== undefined) changes.push(change)
  }
  return changes
}

/** Configuration keys whose files are TLS material: their problems are logged at error. */
const CERTIFICATE_KEY = /^(smtp\.tls\.|protocols\.(ca|upstreamCa)\b)/

/** A refused reload's problem that is about a certificate, a key or a trust file. */
export const isCertificateProblem = (error: unknown): boolean =>
  error instanceof StartupError && (error.reason === "BadCertificate" || CERTIFICATE_KEY.test(error.key))

/** What a log line says about a certificate: subject, serial, expiry. */
export const describeCertificate = (pem: string): Readonly<Record<string, string>> => {
  const cert = new X509Certificate(pem)
  return {
    subject: cert.subject.replace(/\n/g, ", "),
    serial: cert.serialNumber,
    expires: new Date(Date.parse(cert.validTo)).toISOString()
  }
}

/**
 * The SMTP listener's STARTTLS certificate. A reload with other file contents (renewed in place
 * or other paths) swaps the listener's context; one that adds or removes `smtp.tls` is left to
 * the restart the reload names.
 */
export const smtpCertificates = (
  server: Pick<Smtp.SmtpServerHandle, "setTls">,
  first: GatewaySettings,
  logger: GatewayLog
): CertificateSource => {
  let current = first.smtp.tls
  const dates = current === undefined ? undefined : certificateDatesProblem(current.cert)
  if (dates !== undefined)
    logger.error("tls_certificate_dates", {
      listener: "smtp",
      file: first.config.smtp.tls?.certFile,
      text: `smtp.tls.certFile ${first.config.smtp.tls?.certFile} ${dates}; served anyway (senders that verify will refuse STARTTLS): renew it and reload`
    })
  return {
    prepare: async (settings) => {
      const next = settings.smtp.tls
      if (current === undefined || next === undefined) return undefined
      if (next.cert === current.cert && next.key === current.key) return undefined
      const files = settings.config.smtp.tls
      const dates = certificateDatesProblem(next.cert)
      if (dates !== undefined)
        throw new StartupError({
          key: "smtp.tls.certFile",
          reason: "BadCertificate",
          detail: `${files?.certFile} ${dates}`
        })
      return () => {
        server.setTls(next)
        current = next
        logger.info("tls_certificate_reloaded", {
          listener: "smtp",
          file: files?.certFile,
          ...describeCertificate(next.cert),
          text: "reload: new STARTTLS handshakes get this certificate; sessions already in TLS keep theirs"
        })
      }
    }
  }
}
