/**
 * A stand-in for the Android SDK's `adb` and `emulator`, put first on PATH by the tests. It
 * records every call (one JSON line per call in $FAKE_ANDROID_LOG) and answers from a scenario
 * ($FAKE_ANDROID_SCENARIO, JSON) of recorded outputs:
 *
 *   { "fixtures": "/dir", "rules": [
 *       { "tool": "adb", "args": "-s emulator-5554 shell getprop sys.boot_completed",
 *         "replies": [{ "stdout": "\n" }, { "stdout": "1\n" }] },          // the last reply repeats
 *       { "tool": "adb", "prefix": "-s emulator-5554 install", "sets": ["installed"],
 *         "replies": [{ "stdoutFile": "install-success.txt" }] },
 *       { "tool": "adb", "args": "...", "when": ["installed"], "unless": ["owner"], ... } ] }
 *
 * A reply is { stdout | stdoutFile, stderr, exit (default 0), sleepMs (wait before answering),
 * holdMs (keep running after answering, as the emulator does) }. `sets`/`clears` change
 * flags that later rules test with `when`/`unless`, so a device's answers can change as it is
 * driven (a package appears after `adb install`). Counters and flags live in $FAKE_ANDROID_STATE.
 * A call no rule answers prints "no recorded answer" and exits 97, so a test cannot pass by accident.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The scripts call adb while the emulator is still starting, so two fake tools can touch the
 * state file at once: take a directory lock around read-modify-write, and replace the file by
 * rename so a reader never sees it half written.
 */
function withStateLock(stateFile, body) {
  if (!stateFile) return body();
  const lock = `${stateFile}.lock`;
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  for (let tries = 0; ; tries++) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if (error.code !== "EEXIST") throw error;
      // A holder killed inside this short section would leave the lock behind: take it over.
      if (tries > 400) {
        rmdirSync(lock);
        tries = 0;
      }
      Atomics.wait(sleeper, 0, 0, 5);
    }
  }
  try {
    return body();
  } finally {
    rmdirSync(lock);
  }
}

export function main(tool) {
  const args = process.argv.slice(2);
  const line = args.join(" ");
  const logFile = process.env.FAKE_ANDROID_LOG;
  if (logFile) appendFileSync(logFile, `${JSON.stringify({ tool, args })}\n`);
  const scenario = JSON.parse(readFileSync(process.env.FAKE_ANDROID_SCENARIO, "utf8"));
  const stateFile = process.env.FAKE_ANDROID_STATE;
  const { rule, reply } = withStateLock(stateFile, () => {
    const state = stateFile && existsSync(stateFile) ? JSON.parse(readFileSync(stateFile, "utf8")) : { counts: {}, flags: [] };
    const flags = new Set(state.flags);
    const index = scenario.rules.findIndex(
      (candidate) =>
        candidate.tool === tool &&
        (candidate.args !== undefined ? candidate.args === line : line.startsWith(candidate.prefix)) &&
        (candidate.when ?? []).every((f) => flags.has(f)) &&
        !(candidate.unless ?? []).some((f) => flags.has(f)),
    );
    if (index < 0) return { rule: undefined, reply: undefined };
    const matched = scenario.rules[index];
    const count = state.counts[index] ?? 0;
    const chosen = matched.replies[Math.min(count, matched.replies.length - 1)];
    state.counts[index] = count + 1;
    for (const f of matched.sets ?? []) flags.add(f);
    for (const f of matched.clears ?? []) flags.delete(f);
    state.flags = [...flags];
    if (stateFile) {
      writeFileSync(`${stateFile}.${process.pid}`, JSON.stringify(state));
      renameSync(`${stateFile}.${process.pid}`, stateFile);
    }
    return { rule: matched, reply: chosen };
  });
  if (!rule) {
    process.stderr.write(`fake ${tool}: no recorded answer for: ${line}\n`);
    process.exit(97);
  }
  const respond = () => {
    if (reply.stdoutFile) process.stdout.write(readFileSync(join(scenario.fixtures, reply.stdoutFile)));
    else if (reply.stdout) process.stdout.write(reply.stdout);
    if (reply.stderr) process.stderr.write(reply.stderr);
    process.exitCode = reply.exit ?? 0;
    if (reply.holdMs) setTimeout(() => {}, reply.holdMs);
  };
  if (reply.sleepMs) setTimeout(respond, reply.sleepMs);
  else respond();
}
