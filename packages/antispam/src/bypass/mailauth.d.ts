// Minimal typing for the part of mailauth 4.x we use (the package ships no types).
declare module "mailauth" {
  export function authenticate(input: Uint8Array | string, options: Readonly<Record<string, unknown>>): Promise<unknown>
}
