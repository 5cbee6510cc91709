/**
 * What the process's own V8 settings (`HeapTuning.ts`, `JitTuning.ts`) ask of how node was started:
 * whether this is Node itself (Bun runs JavaScriptCore, and Deno's `node:v8` passes no flags on),
 * and whether the operator gave a flag of their own on the command line or in NODE_OPTIONS.
 *
 * @category constructors
 * @since 0.1.0
 */

/** Whether `flag` matches any of node's own arguments or NODE_OPTIONS' words. */
export const operatorChose = (
  execArgv: ReadonlyArray<string>,
  nodeOptions: string | undefined,
  flag: RegExp
): boolean => [...execArgv, ...(nodeOptions ?? "").split(/\s+/)].some((arg) => flag.test(arg))

/** Whether this process runs on Node (not Bun or Deno's Node compatibility). */
export const isNode = (): boolean =>
  process.release?.name === "node" && process.versions.bun === undefined && !("Deno" in globalThis)
