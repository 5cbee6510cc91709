// Types for the tests that start the same Postfix instance as bench/transport.mjs.
import type { ChildProcess } from "node:child_process"

export interface PostfixInstance {
  readonly child: ChildProcess
  /** The instance's directory: conf/, queue/, data/, mail/ and the log file `maillog`. */
  readonly dir: string
  out(): string
  /** Removes the instance's files once its master has been stopped. */
  cleanup(): void
}

export declare const startPostfix: (
  port: number,
  options?: {
    readonly mailbox?: boolean
    readonly main?: ReadonlyArray<string>
    readonly smtpd?: ReadonlyArray<string>
  }
) => Promise<PostfixInstance>
