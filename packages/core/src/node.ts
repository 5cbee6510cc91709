export * as NodeDns from "./node/NodeDns.ts"
