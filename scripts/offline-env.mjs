// The tools our scripts run phone home unless told not to: turbo's telemetry, Deno's update
// check. Nothing our scripts start may send traffic off the machine, so every script that runs
// them sets these first (the processes it starts inherit them).
export const offlineEnv = {
  TURBO_TELEMETRY_DISABLED: "1",
  DO_NOT_TRACK: "1",
  DENO_NO_UPDATE_CHECK: "1"
}

export const goOffline = () => Object.assign(process.env, offlineEnv)
