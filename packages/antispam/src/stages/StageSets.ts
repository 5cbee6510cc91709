/**
 * The built-in stage sets. Each entry is one folder's `builtin`: its options (composed into the
 * `antispam` configuration section, `AntispamSection.ts`) and its stages per profile, built from
 * the shared context (or not, when the configuration switches them off). Adding a built-in
 * stage is its folder plus one entry (and its import) below; plugin stages are appended by the
 * caller (they are the same kind of value).
 *
 * - `server`: the SMTP gateway profile, every phase.
 * - `client`: what a mail client downloads through the IMAP/POP3 proxies. There is no SMTP
 *   session: no bypass by IP, session or directory (the "client" would be the proxy itself),
 *   and no temporary rejection (a download cannot be deferred).
 *
 * @category constructors
 * @since 0.1.0
 */
import type { Stage } from "@mailmoat/core"
import * as AttachmentStage from "../attachments/AttachmentStage.ts"
import * as AuthStage from "../auth/AuthStage.ts"
import * as BypassStages from "../bypass/BypassStages.ts"
import * as DnsblStage from "../dnsbl/DnsblStage.ts"
import * as EndUserStage from "../enduser/EndUserStage.ts"
import * as PluginListsStage from "../plugins/PluginListsStage.ts"
import * as RblStage from "../rbl/RblStage.ts"
import * as ReceivedOptions from "../received/options.ts"
import * as ReputationStage from "../reputation/ReputationStage.ts"
import * as SizeStage from "../size/SizeStage.ts"
import * as TempRejectOptions from "../tempreject/options.ts"
import * as VirusOptions from "../threat/options.ts"
import type { StageFactory } from "./Builtin.ts"
import * as ContextOptions from "./ContextOptions.ts"
import type { StageContext } from "./StageContext.ts"

export type { StageFactory } from "./Builtin.ts"

/** Every built-in folder, in stage order (and in the order of the commented defaults file). */
export const BUILTINS = [
  BypassStages.builtin,
  SizeStage.builtin,
  AttachmentStage.builtin,
  AuthStage.builtin,
  ReceivedOptions.builtin,
  RblStage.builtin,
  DnsblStage.builtin,
  EndUserStage.builtin,
  PluginListsStage.builtin,
  ReputationStage.builtin,
  TempRejectOptions.builtin,
  VirusOptions.builtin,
  ContextOptions.builtin
] as const

const SERVER: ReadonlyArray<StageFactory> = BUILTINS.flatMap((b) => b.server ?? [])
const CLIENT: ReadonlyArray<StageFactory> = BUILTINS.flatMap((b) => b.client ?? [])

const build = (factories: ReadonlyArray<StageFactory>, ctx: StageContext): ReadonlyArray<Stage> =>
  factories.map((f) => f(ctx)).filter((s): s is Stage => s !== undefined)

export const server = (ctx: StageContext): ReadonlyArray<Stage> => build(SERVER, ctx)
export const client = (ctx: StageContext): ReadonlyArray<Stage> => build(CLIENT, ctx)
