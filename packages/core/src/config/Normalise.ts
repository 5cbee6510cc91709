/**
 * Input clean-up before decoding: a key whose value is empty (`port:` or `port: null` in YAML)
 * means "not set", so it takes its default, which is what a half-commented file intends. Plugin
 * `options` are left as written: they belong to the plugin's own schema.
 *
 * Objects are rebuilt with `Object.fromEntries`, so a `__proto__` key stays an ordinary (and
 * reported) key instead of changing the prototype.
 *
 * @category constructors
 * @since 0.1.0
 */

export const isMapping = (v: unknown): v is Readonly<Record<string, unknown>> =>
  typeof v === "object" && v !== null && !Array.isArray(v)

const dropNulls = (value: unknown, path: ReadonlyArray<string | number>): unknown => {
  // plugins[i].options: opaque here.
  if (path.length === 3 && path[0] === "plugins" && path[2] === "options") return value
  if (Array.isArray(value)) return value.map((v, i) => dropNulls(v, [...path, i]))
  if (!isMapping(value)) return value
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => [k, dropNulls(v, [...path, k])])
  )
}

export const normalise = (input: unknown): unknown =>
  input === null || input === undefined ? {} : dropNulls(input, [])
