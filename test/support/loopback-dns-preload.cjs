// Preloaded into every Node process of the test run (NODE_OPTIONS, set by loopback-dns-setup.mjs):
// a `Resolver` created without servers (and the built-in resolver, which reads `dns.getServers()`) asks the loopback resolver in TEST_LOOPBACK_RESOLVER
// instead of the machine's, and `lookup` answers ENOTFOUND at once for the reserved names of
// RFC 6761 (.test, .invalid, .example) instead of asking the system resolver. Tests that name
// their own DNS server (rbldnsd, dnsmasq) are unaffected: setServers replaces the default.
const dns = require("node:dns")
const { syncBuiltinESMExports } = require("node:module")

const server = process.env.TEST_LOOPBACK_RESOLVER
if (server) {
  const pinned = (Resolver) =>
    class extends Resolver {
      constructor(options) {
        super(options)
        this.setServers([server])
      }
    }
  dns.Resolver = pinned(dns.Resolver)
  dns.promises.Resolver = pinned(dns.promises.Resolver)
  // The system's servers as `dns.getServers()` reports them: what the built-in resolver asks
  // when it is given none.
  dns.setServers([server])

  const reserved = (host) => typeof host === "string" && /\.(test|invalid|example)\.?$/i.test(host)
  const notFound = (host) =>
    Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: "ENOTFOUND", errno: -3008, syscall: "getaddrinfo", hostname: host })
  const lookup = dns.lookup
  dns.lookup = function (host, ...rest) {
    if (!reserved(host)) return lookup.call(this, host, ...rest)
    const done = rest.find((a) => typeof a === "function")
    process.nextTick(() => done(notFound(host)))
    return {}
  }
  const lookupPromise = dns.promises.lookup
  dns.promises.lookup = (host, options) =>
    reserved(host) ? Promise.reject(notFound(host)) : lookupPromise(host, options)
  syncBuiltinESMExports()
}
