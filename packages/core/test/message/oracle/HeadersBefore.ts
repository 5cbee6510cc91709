// The header lookups as they were before the linear scan (a Map of lower-cased names built on
// first use): the oracle the lookups are compared with.
import type { Header, Headers } from "../../../src/MessageTypes.ts"
import * as Rfc2047 from "../../../src/message/Rfc2047.ts"

class FieldList implements Headers {
  private index: Map<string, Array<string>> | undefined
  constructor(readonly list: ReadonlyArray<Header>) {}

  private byName(name: string): ReadonlyArray<string> | undefined {
    if (!this.index) {
      const index = new Map<string, Array<string>>()
      for (const h of this.list) {
        const key = h.name.toLowerCase()
        const values = index.get(key)
        if (values) values.push(h.value)
        else index.set(key, [h.value])
      }
      this.index = index
    }
    return this.index.get(name.toLowerCase())
  }

  get(name: string): string | undefined {
    return this.byName(name)?.[0]
  }

  getAll(name: string): ReadonlyArray<string> {
    return this.byName(name) ?? []
  }

  decoded(name: string): string | undefined {
    const v = this.get(name)
    return v === undefined ? undefined : Rfc2047.decode(v)
  }
}

/** Headers from an already parsed list. */
export const fromList = (list: ReadonlyArray<Header>): Headers => new FieldList(list)
