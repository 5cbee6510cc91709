/**
 * The built-in stage sets. Each entry builds one stage folder's stage from the shared context
 * (or nothing, when the configuration switches it off). Adding a built-in stage is its folder
 * plus one line in a list below; plugin stages are appended by the caller (they are the same
 * kind of value).
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
import * as AuthStage from "../auth/AuthStage.ts"
import * as BypassStages from "../bypass/BypassStages.ts"
import * as DnsblStage from "../dnsbl/DnsblStage.ts"
import * as EndUserStage from "../enduser/EndUserStage.ts"
import * as PluginListsStage from "../plugins/PluginListsStage.ts"
import * as RblStage from "../rbl/RblStage.ts"
import * as SizeStage from "../size/SizeStage.ts"
import type { StageContext } from "./StageContext.ts"

export type StageFactory = (ctx: StageContext) => Stage | undefined

const SERVER: ReadonlyArray<StageFactory> = [
  BypassStages.allowedIps,
  BypassStages.sessionBypass,
  BypassStages.recipientBypass,
  BypassStages.safeSenders,
  SizeStage.fromContext,
  AuthStage.fromContext,
  RblStage.fromContext,
  DnsblStage.fromContext,
  EndUserStage.fromContext,
  PluginListsStage.fromContext
]

const CLIENT: ReadonlyArray<StageFactory> = [SizeStage.fromContext, RblStage.fromContext, DnsblStage.fromContext, EndUserStage.fromContext, PluginListsStage.fromContext]

const build = (factories: ReadonlyArray<StageFactory>, ctx: StageContext): ReadonlyArray<Stage> =>
  factories.map((f) => f(ctx)).filter((s): s is Stage => s !== undefined)

export const server = (ctx: StageContext): ReadonlyArray<Stage> => build(SERVER, ctx)
export const client = (ctx: StageContext): ReadonlyArray<Stage> => build(CLIENT, ctx)
