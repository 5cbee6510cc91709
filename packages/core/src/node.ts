export * as NodeDns from "./node/NodeDns.ts"
export * as FileQuarantineStore from "./quarantine/FileQuarantineStore.ts"
export * as FileQuarantineSweep from "./quarantine/FileQuarantineSweep.ts"
