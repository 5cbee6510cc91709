/**
 * The operations surface of a running gateway, assembled: the quarantine service (with one
 * release per entry), the end-user lists, the JSON API, the quarantine pages and the admin HTTP
 * server. Everything that depends on the configuration (token, delivery, classifier, lists,
 * digest links) is read from the current settings at each request, so a reload applies at once.
 *
 * @category constructors
 * @since 0.1.0
 */
import type { GatewayLog } from "../Log.ts"
import { join, resolve } from "node:path"
import type { ListDocumentsShape, QuarantineStoreShape } from "@mailmoat/core"
import type { ReloadOutcome } from "../reload/Reloader.ts"
import type { GatewaySettings } from "../Settings.ts"
import { makeAdminApp } from "./AdminApp.ts"
import { type AdminServer, startAdmin } from "../AdminServer.ts"
import { resolveAdminToken } from "./AdminToken.ts"
import { learnMessage } from "./Learn.ts"
import { makeQuarantineService, type QuarantineService } from "./QuarantineService.ts"
import { releaseScanner, type ReleaseScanner } from "../ReleaseScan.ts"
import { makeReputationAdmin } from "./ReputationAdmin.ts"
import { reinject } from "./Reinject.ts"
import { makeUserLists } from "./UserLists.ts"
import { DIRECTORY_DOCUMENT, type SharedState, type SharedWeb } from "../SharedState.ts"
import { digestKey } from "../digest/DigestLinks.ts"
import { fileSessionValues } from "../quarantine-web/FileSessionValues.ts"
import { makeQuarantinePages } from "../quarantine-web/Routes.ts"

export interface AdminSurfaceDeps {
  /** The settings in force (they change with a reload). */
  readonly settings: () => GatewaySettings
  readonly base: string
  readonly store: QuarantineStoreShape
  readonly status: () => unknown
  readonly metrics: () => Promise<string>
  readonly reload: () => Promise<ReloadOutcome>
  /** The shared list store (Redis), when the state is shared: the end-user lists are edited there. */
  readonly sharedLists?: ListDocumentsShape | undefined
  /** The quarantine page's sessions and digest key, when the state is shared (Redis). */
  readonly sharedWeb?: SharedWeb | undefined
  /** This process's reputation memory (embedded state), the one the wiring counts in. */
  readonly sharedReputation?: SharedState["reputation"]
  /** Counts each reputation key an admin resets (`/metrics`). */
  readonly onReputationReset?: ((kind: string) => void) | undefined
  /** Counts each release's virus rescan by result (`/metrics`). */
  readonly onReleaseScan?: ((result: string) => void) | undefined
  readonly logger: GatewayLog
}

export const makeQuarantineOperations = (
  deps: Pick<AdminSurfaceDeps, "settings" | "base" | "store" | "logger" | "onReleaseScan">
): QuarantineService => {
  // The settings change with a reload: the rescan follows the `antispam.virus` in force.
  const scanners = new WeakMap<GatewaySettings, ReleaseScanner | undefined>()
  return makeQuarantineService({
    store: deps.store,
    reinject: (entry) => reinject(deps.settings().delivery, deps.settings().smtp.hostname, entry),
    learn: (bytes, label) => learnMessage(deps.settings().config, deps.base, bytes, label),
    virus: () => {
      const s = deps.settings()
      if (!scanners.has(s)) scanners.set(s, releaseScanner(s, deps.base))
      return scanners.get(s)
    },
    onReleaseScan: deps.onReleaseScan,
    logger: deps.logger
  })
}

export const startAdminSurface = async (
  deps: AdminSurfaceDeps
): Promise<{ server: AdminServer; quarantine: QuarantineService }> => {
  const tokens = new WeakMap<GatewaySettings, string | undefined>()
  const token = (): string | undefined => {
    const s = deps.settings()
    if (!tokens.has(s)) tokens.set(s, resolveAdminToken(s.config.admin, deps.base))
    return tokens.get(s)
  }
  token() // an unreadable token file refuses the start
  const quarantine = makeQuarantineOperations(deps)
  const lists = () => {
    const s = deps.settings()
    const directory = s.config.antispam.bypass.directory
    return makeUserLists({
      listsDir: join(s.dataDir, "lists"),
      directoryFile: directory === undefined ? undefined : resolve(deps.base, directory),
      shared:
        deps.sharedLists === undefined ? undefined : { documents: deps.sharedLists, directory: DIRECTORY_DOCUMENT }
    })
  }
  const handle = makeAdminApp({
    status: deps.status,
    metrics: deps.metrics,
    token,
    api: {
      quarantine,
      lists,
      reload: deps.reload,
      reputation: makeReputationAdmin({
        settings: deps.settings,
        memory: deps.sharedReputation,
        now: Date.now,
        logger: deps.logger,
        onReset: deps.onReputationReset
      })
    },
    pages: makeQuarantinePages(quarantine, {
      token,
      digestKey: deps.sharedWeb?.digestKey ?? (() => digestKey(deps.settings().dataDir)),
      // The data directory cannot change on reload, so the folder is fixed for the process.
      sessions: deps.sharedWeb?.sessions ?? fileSessionValues(join(deps.settings().dataDir, "web-sessions"))
    })
  })
  const { host, port } = deps.settings().admin
  return { server: await startAdmin(host, port, handle), quarantine }
}
