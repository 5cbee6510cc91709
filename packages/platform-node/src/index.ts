/**
 * @mailmoat/platform-node: the Node implementations of core's service contracts, and the parts
 * of start-up that touch the file system. Node, Bun and Deno all run them through `node:*`.
 *
 * @since 0.1.0
 */
export * as ConfigFile from "./ConfigFile.ts"
export * as FileListDocuments from "./FileListDocuments.ts"
export * as FileQuarantineStore from "./FileQuarantineStore.ts"
export * as FileQuarantineSweep from "./FileQuarantineSweep.ts"
export * as NodeDns from "./NodeDns.ts"
export * as PluginResolve from "./PluginResolve.ts"
