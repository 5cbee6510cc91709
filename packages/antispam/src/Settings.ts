/**
 * The `antispam` configuration section as this module consumes it, with the defaults of
 * issue 3 filled in. The gateway's config schema (core) decodes and validates the YAML; this
 * module accepts any object of this shape (every field optional) so it can also be driven
 * directly by tests and the CLI.
 *
 * Keys beyond issue 3 (all optional, documented in docs/antispam.md):
 * `bypass.safeSendersRequireAuth`, `endUserBlocklist.entries` / `.zones`,
 * `tempReject.analysisTimeoutSeconds`, `tempReject.analysisQueueSize`, `spamScore`, and the
 * sender-authentication keys `auth.*`, `dmarc.*`, `arc.*` (auth/AuthSettings.ts).
 *
 * @category models
 * @since 0.1.0
 */

import { type AuthInput, resolveAuth } from "./auth/AuthSettings.ts"

export type OnSpam = "none" | "quarantine" | "reject" | "drop"

export interface AntispamInput extends AuthInput {
  readonly enabled?: boolean | undefined
  readonly onSpam?: OnSpam | undefined
  readonly maxScanSizeKB?: number | undefined
  /** Score at or above which a message is spam (default 5). */
  readonly spamScore?: number | undefined
  readonly bypass?:
    | {
        readonly allowedIps?: ReadonlyArray<string> | undefined
        readonly acceptSessionBypass?: boolean | undefined
        readonly directory?: string | undefined
        readonly safeSendersRequireAuth?: boolean | undefined
      }
    | undefined
  readonly received?: { readonly maxIps?: number | undefined; readonly trustedNetworks?: ReadonlyArray<string> | undefined } | undefined
  readonly rbl?:
    | {
        readonly servers?: ReadonlyArray<string> | undefined
        readonly timeoutSeconds?: number | undefined
        readonly maxAddresses?: number | undefined
        readonly skip?: ReadonlyArray<string> | undefined
      }
    | undefined
  readonly dnsbl?:
    | {
        readonly servers?: ReadonlyArray<string> | undefined
        readonly timeoutSeconds?: number | undefined
        readonly maxAddresses?: number | undefined
        readonly maxDomains?: number | undefined
      }
    | undefined
  readonly endUserBlocklist?:
    | {
        readonly enabled?: boolean | undefined
        readonly entries?: ReadonlyArray<string> | undefined
        readonly zones?: ReadonlyArray<string> | undefined
      }
    | undefined
  readonly dns?: { readonly servers?: ReadonlyArray<string> | undefined } | undefined
  readonly tempReject?:
    | {
        readonly enabled?: boolean | undefined
        readonly periodMinutes?: number | undefined
        readonly submitForAnalysis?: boolean | undefined
        readonly analysisUrl?: string | undefined
        readonly analysisTimeoutSeconds?: number | undefined
        readonly analysisQueueSize?: number | undefined
      }
    | undefined
}

export type AntispamSettings = ReturnType<typeof resolve>

const nonNegative = (path: string, n: number): number => {
  if (!Number.isFinite(n) || n < 0) throw new Error(`antispam.${path}: must be a number >= 0 (got ${n})`)
  return n
}

/** Fills defaults and checks ranges. Throws an Error naming the path on a bad value. */
export const resolve = (input: AntispamInput = {}) => {
  const maxScan = nonNegative("maxScanSizeKB", input.maxScanSizeKB ?? 0)
  const t = input.tempReject ?? {}
  return {
    enabled: input.enabled ?? true,
    onSpam: input.onSpam ?? "quarantine",
    // 1..12 is raised to 12: the first 12 KB are needed to see headers and the start of the body.
    maxScanSizeKB: maxScan > 0 && maxScan < 12 ? 12 : maxScan,
    spamScore: input.spamScore ?? 5,
    bypass: {
      allowedIps: input.bypass?.allowedIps ?? [],
      acceptSessionBypass: input.bypass?.acceptSessionBypass ?? true,
      directory: input.bypass?.directory,
      safeSendersRequireAuth: input.bypass?.safeSendersRequireAuth ?? true
    },
    received: {
      maxIps: nonNegative("received.maxIps", input.received?.maxIps ?? 0),
      trustedNetworks: input.received?.trustedNetworks ?? []
    },
    rbl: {
      servers: input.rbl?.servers ?? [],
      timeoutSeconds: nonNegative("rbl.timeoutSeconds", input.rbl?.timeoutSeconds ?? 5),
      maxAddresses: nonNegative("rbl.maxAddresses", input.rbl?.maxAddresses ?? 0),
      skip: input.rbl?.skip ?? ["127.0.0.0/8"]
    },
    dnsbl: {
      servers: input.dnsbl?.servers ?? [],
      timeoutSeconds: nonNegative("dnsbl.timeoutSeconds", input.dnsbl?.timeoutSeconds ?? 5),
      maxAddresses: nonNegative("dnsbl.maxAddresses", input.dnsbl?.maxAddresses ?? 10),
      maxDomains: nonNegative("dnsbl.maxDomains", input.dnsbl?.maxDomains ?? 20)
    },
    endUserBlocklist: {
      enabled: input.endUserBlocklist?.enabled ?? true,
      entries: input.endUserBlocklist?.entries ?? [],
      zones: input.endUserBlocklist?.zones ?? []
    },
    dns: { servers: input.dns?.servers ?? ([] as ReadonlyArray<string>) },
    ...resolveAuth(input),
    tempReject: {
      enabled: t.enabled ?? false,
      periodMinutes: nonNegative("tempReject.periodMinutes", t.periodMinutes ?? 15),
      submitForAnalysis: t.submitForAnalysis ?? false,
      analysisUrl: t.analysisUrl,
      analysisTimeoutSeconds: nonNegative("tempReject.analysisTimeoutSeconds", t.analysisTimeoutSeconds ?? 10),
      analysisQueueSize: nonNegative("tempReject.analysisQueueSize", t.analysisQueueSize ?? 100)
    }
  }
}
