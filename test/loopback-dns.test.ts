// Every process of the test run resolves through the loopback resolver (test/support/): a test
// whose configuration names no DNS server must not send its question off the machine.
import { fc, test as prop } from "@fast-check/vitest"
import { execFile } from "node:child_process"
import { promises as dns, lookup } from "node:dns"
import { promisify } from "node:util"
import { describe, expect, test } from "vitest"
// @ts-expect-error: a plain ES module of the test support, without type declarations
import { nxdomain } from "./support/loopback-resolver.mjs"

const server = process.env.TEST_LOOPBACK_RESOLVER

describe("the test run's loopback resolver", () => {
  test("a Resolver made without servers asks it, and it says NXDOMAIN", async () => {
    expect(server).toMatch(/^127\.0\.0\.1:\d+$/)
    const resolver = new dns.Resolver({ timeout: 2000, tries: 1 })
    expect(resolver.getServers()).toEqual([server])
    await expect(resolver.resolveTxt("client.test")).rejects.toMatchObject({ code: "ENOTFOUND" })
  })

  test("a Resolver given servers keeps them", () => {
    const resolver = new dns.Resolver()
    resolver.setServers(["127.0.0.1:5353"])
    expect(resolver.getServers()).toEqual(["127.0.0.1:5353"])
  })

  test("reserved names are not looked up by the system resolver", async () => {
    await expect(promisify(lookup)("no-such-host.invalid")).rejects.toMatchObject({ code: "ENOTFOUND" })
    await expect(dns.lookup("gw.test")).rejects.toMatchObject({ code: "ENOTFOUND" })
    expect((await dns.lookup("127.0.0.1")).address).toBe("127.0.0.1")
  })

  test("a process the test starts uses it too", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [
      "-e",
      'console.log(JSON.stringify(new (require("node:dns").promises.Resolver)().getServers()))'
    ])
    expect(JSON.parse(stdout)).toEqual([server])
  })

  prop.prop([fc.uint8Array({ maxLength: 600 })])(
    "its answer to any bytes: none, or the query's id and question",
    (bytes) => {
      const query = Buffer.from(bytes)
      const answer: Buffer | undefined = nxdomain(query)
      if (query.length < 12) {
        expect(answer).toBeUndefined()
        return
      }
      expect(answer!.subarray(0, 2)).toEqual(query.subarray(0, 2))
      expect(answer!.subarray(4, 6)).toEqual(query.subarray(4, 6))
      expect(answer!.subarray(12)).toEqual(query.subarray(12))
      expect(answer![2]! & 0x80).toBe(0x80)
      expect(answer![3]! & 0x0f).toBe(3)
    }
  )
})
