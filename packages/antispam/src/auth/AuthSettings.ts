/**
 * The configuration keys of sender authentication, as the antispam module consumes them
 * (every field optional; the gateway's schema decodes and validates the YAML first):
 *
 * - `antispam.auth.enabled` (true): run SPF/DKIM/DMARC/ARC on scanned mail.
 * - `antispam.auth.timeoutSeconds` (5): deadline for all of one message's lookups together.
 * - `antispam.dmarc.enforce` (false): refuse `p=reject` failures, quarantine `p=quarantine` ones.
 * - `antispam.dmarc.trustedForwarders` ([]): IPs/CIDRs whose mail is never refused for DMARC.
 * - `antispam.arc.trustedSealers` ([]): domains whose valid ARC seal exempts a message.
 *
 * @category models
 * @since 0.1.0
 */

export interface AuthInput {
  readonly auth?: { readonly enabled?: boolean | undefined; readonly timeoutSeconds?: number | undefined } | undefined
  readonly dmarc?: { readonly enforce?: boolean | undefined; readonly trustedForwarders?: ReadonlyArray<string> | undefined } | undefined
  readonly arc?: { readonly trustedSealers?: ReadonlyArray<string> | undefined } | undefined
}

export interface AuthSettings {
  readonly auth: { readonly enabled: boolean; readonly timeoutSeconds: number }
  readonly dmarc: { readonly enforce: boolean; readonly trustedForwarders: ReadonlyArray<string> }
  readonly arc: { readonly trustedSealers: ReadonlyArray<string> }
}

/** Fills defaults; throws an Error naming the key on a bad value. */
export const resolveAuth = (input: AuthInput): AuthSettings => {
  const timeout = input.auth?.timeoutSeconds ?? 5
  if (!Number.isFinite(timeout) || timeout <= 0) throw new Error(`antispam.auth.timeoutSeconds: must be a number > 0 (got ${timeout})`)
  return {
    auth: { enabled: input.auth?.enabled ?? true, timeoutSeconds: timeout },
    dmarc: { enforce: input.dmarc?.enforce ?? false, trustedForwarders: input.dmarc?.trustedForwarders ?? [] },
    arc: { trustedSealers: (input.arc?.trustedSealers ?? []).map((d) => d.trim().toLowerCase().replace(/\.$/, "")) }
  }
}
