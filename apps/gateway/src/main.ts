/**
 * The gateway's entry: `node apps/gateway/dist/main.js [--config FILE] [--verbose]` (what `npm
 * start` runs; also `mailmoat gateway` and each worker of the multi-process mode). It tunes V8's
 * heap (`HeapTuning.ts`) before anything else loads, then loads and runs the command line
 * (`GatewayMain.ts`): loading the gateway's modules is a long synchronous stretch that would
 * otherwise grow V8's young generation past its cap on Node 24 before the cap could act.
 *
 * @category constructors
 * @since 0.1.0
 */
import { realpathSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { tuneHeap } from "./HeapTuning.ts"
import { tuneJit } from "./JitTuning.ts"

tuneHeap()
tuneJit()

/** Runs the gateway until a signal; resolves with the process exit code. */
export const main = async (argv: ReadonlyArray<string>): Promise<number> => {
  const command = await import("./GatewayMain.ts")
  return command.main(argv)
}

const invokedDirectly = (): boolean => {
  const script = process.argv[1]
  if (script === undefined) return false
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url))
  } catch {
    return false
  }
}

if (invokedDirectly()) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error)
      process.exit(1)
    }
  )
}
