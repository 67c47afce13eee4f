/**
 * A signal that comes while the CLI is still loading its modules (commander, the command's own):
 * before, the handlers were installed only after the program's imports had loaded, and a Ctrl-C
 * meanwhile ended the process silently, by Node's default. The entry point now handles the
 * signals before it imports anything heavy. To signal at that moment every time, a module hook
 * (node --import) holds the import of commander back and says so on stderr; the test signals then.
 */
import { writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { aospSim, deviceTempDir } from "../helpers/device-cli.js";

const temp = deviceTempDir("aosp-early-signal-");
const HELD = "held: the import of commander";

/** NODE_OPTIONS that hold the import of commander for 30 s, after saying HELD on stderr. */
function holdingCommander(): Record<string, string> {
  const hooks = temp.file("hooks.mjs");
  writeFileSync(
    hooks,
    `import { writeSync } from "node:fs";
export async function resolve(specifier, context, next) {
  if (specifier === "commander") {
    writeSync(2, ${JSON.stringify(`${HELD}\n`)});
    await new Promise((done) => setTimeout(done, 30000));
  }
  return next(specifier, context);
}
`,
  );
  const register = temp.file("register.mjs");
  writeFileSync(register, `import { register } from "node:module";\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
  return { NODE_OPTIONS: `--import ${pathToFileURL(register).href}` };
}

describe("a signal while the CLI loads", { timeout: 60_000 }, () => {
  it.each([
    ["enroll", "SIGINT", ["enroll", "payload.json"], 130, "enroll: interrupted before the device started (SIGINT); no device was started: run the same command again"],
    ["fleet", "SIGTERM", ["fleet", "--devices", "2"], 143, "fleet: SIGTERM stopped the fleet as it started, before any device started: no report written"],
    ["validate", "SIGINT", ["validate", "payload.json"], 130, "aosp-sim validate: interrupted as it started (SIGINT); nothing was done: run the command again"],
  ] as const)("%s says so in one line and exits 128 + the signal's number (%s)", async (_name, name, args, code, line) => {
    let sent = false;
    const result = await aospSim([...args], {
      env: holdingCommander(),
      killAfterMs: 40_000,
      onStderr: (stderr, signal) => {
        if (!sent && stderr.includes(HELD)) {
          sent = true;
          signal(name);
        }
      },
    });
    expect(sent).toBe(true);
    expect(result.code).toBe(code);
    expect(result.stderr.replace(`${HELD}\n`, "")).toBe(`${line}\n`);
    expect(result.stdout).toBe("");
  });
});
