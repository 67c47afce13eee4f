/**
 * Ctrl-C or SIGTERM during `aosp-sim replay` (a real-clock recording replays in real time): the
 * replay says how far it compared and where the replayed device was stopped (with --device-dir,
 * that it is left there), on stderr, and --json still prints its document. The built CLI; the
 * recording is made against a live service started here.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { aospSim, deviceTempDir } from "../helpers/device-cli.js";
import { ANN, serviceWithAnn } from "../helpers/live-account.js";

const temp = deviceTempDir("aosp-replay-interrupted-");
const USER = ANN;
const recording = temp.file("real-clock.jsonl");

beforeAll(async () => {
  const payload = temp.file("payload.json");
  const live = await serviceWithAnn(payload);
  try {
    // A real clock and one 503: the device waits 2 s before it tries again, in the replay too.
    const recorded = await aospSim(["enroll", payload, "--seed", "2", "--user", USER.upn, "--password", USER.password, "--fault", "service-5xx=1", "--transcript", recording]);
    expect(recorded.code, recorded.stdout + recorded.stderr).toBe(0);
  } finally {
    await live.close();
  }
}, 120_000);

/** Signals the replay once its device, kept in `dir`, waits to retry. */
function signalWhenWaiting(dir: string, name: NodeJS.Signals) {
  return (signal: (name: NodeJS.Signals) => void) => {
    const snapshot = join(dir, "system__machine-snapshot.json");
    const timer = setInterval(() => {
      if (existsSync(snapshot) && readFileSync(snapshot, "utf8").includes('"waitingToRetry"')) {
        clearInterval(timer);
        signal(name);
      }
    }, 20);
    setTimeout(() => clearInterval(timer), 60_000).unref();
  };
}

describe("replay interrupted by a signal", { timeout: 120_000 }, () => {
  it("Ctrl-C: says how far it compared and where the device is left, exit 130", async () => {
    const dir = temp.file("dev-int");
    const result = await aospSim(["replay", recording, "--device-dir", dir], { onSpawn: signalWhenWaiting(dir, "SIGINT"), killAfterMs: 60_000 });
    // Before: exit 130 and nothing at all on stdout or stderr.
    expect(result.code).toBe(130);
    expect(result.stdout).toBe("");
    // Before, it added "`aosp-sim enroll --device-dir DIR` continues it": an offline replay's
    // device holds its ended service's token, and continued so it failed tokenUnknown.
    expect(result.stderr).toMatch(/^replay: interrupted at enrolling\.waitingToRetry \(SIGINT\); after \d+ steps, identical so far; the replayed device is left in .*dev-int at enrolling\.waitingToRetry, holding the token of the replay's own service, which ended with it: `enroll --device-dir` cannot continue it \(to continue a replayed device, replay a transcript recorded with --transcript-secrets keep against a live service, --service URL\); remove the folder to replay into it again\n$/);
    expect(result.stderr).not.toContain("continues it");
  });

  it("SIGTERM with --json: the document still comes, with interrupted, exit 143", async () => {
    const dir = temp.file("dev-term");
    const result = await aospSim(["replay", recording, "--device-dir", dir, "--json"], { onSpawn: signalWhenWaiting(dir, "SIGTERM"), killAfterMs: 60_000 });
    expect(result.code).toBe(143);
    expect(JSON.parse(result.stdout)).toMatchObject({ identical: true, interrupted: "SIGTERM", finalStatePath: "enrolling.waitingToRetry", divergence: null });
    expect(result.stderr).toMatch(/^replay: interrupted at enrolling\.waitingToRetry \(SIGTERM\)/);
  });
});
