/**
 * The `mailmoat` executable (bin/mailmoat.mjs imports this): runs the command line and exits
 * with its code. Commands that keep handles open (Redis, DNS sockets) are ended by the exit.
 *
 * @since 0.1.0
 */
import { run } from "./Cli.ts"

const code = await run(process.argv.slice(2))
// stdout/stderr are synchronous for files and pipes on POSIX, so nothing written is lost here.
process.exit(code)
