export * as Smtp from "./smtp/index.ts"
export * as Delivery from "./delivery/index.ts"
