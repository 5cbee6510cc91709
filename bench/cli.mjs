// The command line of the bench scripts that read a file: `--name value` options and the file,
// their first argument (a usage line and exit code 2 without it).

/** The value after `--name`, else `fallback`. */
export const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback
}

/** The first argument; without one, prints `usage: USAGE` and exits with 2. */
export const fileArg = (usage) => {
  const file = process.argv[2]
  if (file === undefined || file.startsWith("--")) {
    console.error(`usage: ${usage}`)
    process.exit(2)
  }
  return file
}
