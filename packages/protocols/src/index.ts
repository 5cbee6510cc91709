export * as Smtp from "./smtp/index.ts"
