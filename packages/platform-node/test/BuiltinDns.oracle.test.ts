// Oracle: the same answers, served by one fake server, read by Node's c-ares resolver and by the
// built-in one, give the same outcomes (records, NotFound details, errors); TTLs are compared
// where c-ares shows them (A, AAAA), elsewhere c-ares says `unknownTtlSeconds`.
import { fc } from "@fast-check/vitest"
import { Effect, Exit } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { NodeDns } from "../src/index.ts"
import { type AskedType, askedType, hostname, recordDataOf } from "../../core/test/dns/support/answerArbitraries.ts"
import type { RecordData, TestRecord } from "../../core/test/dns/support/answerEncoder.ts"
import { type Asked, answer, type FakeDns, startFakeDns } from "./support/fakeDns.ts"

type Type = AskedType
interface Case {
  readonly type: Type
  readonly rcode: number
  readonly chain: ReadonlyArray<readonly [string, number]>
  readonly records: ReadonlyArray<readonly [RecordData, number]>
  readonly compress: boolean
}

const ttl = fc.integer({ min: 0, max: 1_000_000 })
// TXT bytes from 32 up: c-ares and the built-in resolver read every byte the same way.
const dataOf = (t: Type) => recordDataOf(t, 32)
const caseOf: fc.Arbitrary<Case> = askedType.chain((type) =>
  fc.record({
    type: fc.constant(type),
    rcode: fc.constantFrom(0, 0, 0, 0, 3, 2, 5),
    chain: fc.array(fc.tuple(hostname, ttl), { maxLength: 2 }),
    records: fc.array(fc.tuple(dataOf(type), ttl), { maxLength: 4 }),
    compress: fc.boolean()
  })
)

const packetFor = (c: Case, q: Asked): Uint8Array => {
  const answers: Array<TestRecord> = []
  let owner = q.name
  for (const [target, t] of c.chain) {
    if (target === owner || answers.some((a) => a.name === target)) break
    answers.push({ name: owner, ttl: t, data: { type: "CNAME", target } })
    owner = target
  }
  for (const [data, t] of c.records) answers.push({ name: owner, ttl: t, data })
  return answer(q, { rcode: c.rcode, answers: c.rcode === 0 ? answers : [], compress: c.compress })
}

describe("BuiltinDns against c-ares on the same answers", () => {
  let current: Case | undefined
  let server: FakeDns
  beforeAll(async () => {
    server = await startFakeDns((q) => (current === undefined ? [] : [{ packet: packetFor(current, q) }]))
  })
  afterAll(async () => {
    await server?.stop()
  })

  it("same records, details and errors for generated answers", async () => {
    const options = { servers: [server.server], attemptTimeoutMillis: 1000, tries: 1, cache: false as const }
    const builtin = NodeDns.make({ ...options, resolver: "builtin" })
    const system = NodeDns.make({ ...options, resolver: "system" })
    try {
      await fc.assert(
        fc.asyncProperty(caseOf, fc.nat(1_000_000), async (c, n) => {
          current = c
          const name = c.type === "PTR" ? `${n}.ptr.test` : `q${n}.oracle.test`
          const [mine, theirs] = await Promise.all(
            [builtin, system].map((dns) => Effect.runPromise(Effect.exit(dns.lookup!(c.type, name))))
          )
          const comparable = (exit: NonNullable<typeof mine>) =>
            Exit.isSuccess(exit) && exit.value._tag === "Answer" && !(c.type === "A" || c.type === "AAAA")
              ? { ...exit.value, ttlSeconds: 0 }
              : exit
          expect(comparable(mine!)).toEqual(comparable(theirs!))
        }),
        { numRuns: 150 }
      )
    } finally {
      builtin.close()
      system.close()
    }
  })
})
