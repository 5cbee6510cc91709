/**
 * Why the gateway did not start, naming the configuration key to fix. Every start-up failure is
 * one of these (or a `ConfigError` / `PluginLoadError` listing problems that name their keys),
 * and the command line exits 2 for all of them: nothing was started, the configuration (or the
 * machine it describes) has to change.
 *
 * @category errors
 * @since 0.1.0
 */
import { Data } from "effect"

export type StartupReason =
  /** A listen address is taken by another process. */
  | "PortInUse"
  /** A listen port needs privileges we do not have. */
  | "PortNotAllowed"
  /** A listen host is not a name that resolves or not an address of this machine. */
  | "BadHost"
  /** A certificate or key file that cannot be read or used. */
  | "BadCertificate"
  /** A file the configuration names is missing or unreadable. */
  | "MissingFile"
  /** A directory the configuration names cannot be created or written. */
  | "BadDirectory"

export class StartupError extends Data.TaggedError("StartupError")<{
  /** The configuration key to fix, e.g. `smtp.port`. */
  readonly key: string
  readonly reason: StartupReason
  /** What is wrong, for a person: `127.0.0.1:25 is already in use`. */
  readonly detail: string
  readonly cause?: unknown
}> {
  override get message(): string {
    return `${this.key}: ${this.detail}`
  }
}

/** What a failed `listen` means for the keys naming its host and port. */
export const listenError = (
  error: unknown,
  keys: { readonly host: string; readonly port: string },
  where: string
): StartupError => {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  const text = error instanceof Error ? error.message : String(error)
  switch (code) {
    case "EADDRINUSE":
      return new StartupError({
        key: keys.port,
        reason: "PortInUse",
        detail: `${where} is already in use by another process`,
        cause: error
      })
    case "EACCES":
    case "EPERM":
      return new StartupError({
        key: keys.port,
        reason: "PortNotAllowed",
        detail: `not allowed to listen on ${where} (ports below 1024 need privileges)`,
        cause: error
      })
    case "ENOTFOUND":
    case "EAI_AGAIN":
    case "EAI_NONAME":
    case "EAI_FAIL":
      return new StartupError({
        key: keys.host,
        reason: "BadHost",
        detail: `cannot resolve the host of ${where} (${code})`,
        cause: error
      })
    case "EADDRNOTAVAIL":
      return new StartupError({
        key: keys.host,
        reason: "BadHost",
        detail: `${where} is not an address of this machine`,
        cause: error
      })
    default:
      return new StartupError({
        key: keys.port,
        reason: "PortNotAllowed",
        detail: `cannot listen on ${where}: ${text}`,
        cause: error
      })
  }
}
