// vitest setupFiles entry of every package: runs before each test file (also with isolate: false)
// and removes, once the file ends, the temporary folders it made through test/support/temp-dirs.ts.
// Registered before the file's own hooks, so it runs after them (see temp-dirs.ts).
import { afterAll } from "vitest"
import { removeTempDirs } from "./temp-dirs.ts"

afterAll(removeTempDirs)
