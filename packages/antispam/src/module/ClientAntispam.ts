/**
 * The client-side profile: spam checks on a message a mail client downloads through the
 * IMAP/POP3 proxies. The client stage set (`stages/StageSets.ts`) plus the classifier and plugin
 * stages, the policy with `onSpam: none` (the proxy tags; it cannot refuse a download), no
 * temporary rejection. There is no SMTP envelope: `judge` gives one outcome for the message.
 *
 * Whose IP the lists judge: the proxy builds the message's envelope with its own address as
 * client and local address, so the Received walk steps into the top Received header (the one
 * the user's mail provider wrote); see the gateway's client protection.
 *
 * @category constructors
 * @since 0.1.0
 */
import type { Engine, Message, Stage } from "@mailmoat/core"
import type { Effect } from "effect"
import { type AntispamInput, resolve } from "../Settings.ts"
import * as StageSets from "../stages/StageSets.ts"
import * as Assembly from "./Assembly.ts"

export interface ClientAntispamServices extends Omit<Assembly.AssemblyServices, "directory"> {
  /** The classifier and plugin stages. */
  readonly stages?: ReadonlyArray<Stage> | undefined
}

export interface ClientAntispam {
  readonly engine: Engine.Engine
  readonly judge: (message: Message) => Effect.Effect<Engine.MessageOutcome>
  readonly close: () => Promise<void>
}

export const makeClientAntispam = (
  config: AntispamInput | undefined,
  services: ClientAntispamServices
): ClientAntispam => {
  const settings = resolve(config ?? {})
  const assembly = Assembly.make(settings, services, false)
  const engine = Assembly.engineOf({
    stages: [...StageSets.client(assembly.context), ...(services.stages ?? [])],
    policy: { spamScore: settings.spamScore, onSpam: "none" },
    scores: settings.scores
  })
  return {
    engine,
    judge: (message) => assembly.run(engine.judge(message)),
    close: async () => assembly.lists.close()
  }
}
