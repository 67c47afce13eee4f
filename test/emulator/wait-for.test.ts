/**
 * waitFor's deadline on a fake clock (no real waiting): it polls until the deadline has really
 * passed, shortens its last sleep to land on the deadline, and says truthfully how long it waited.
 */
import { describe, expect, it } from "vitest";
import { ScriptFailure, waitFor, type WaitClock } from "../../emulator-scripts/common.js";

/** A clock that moves only when slept on, or when a check says it took time. */
function fakeClock(): WaitClock & { t: number } {
  const clock = {
    t: 0,
    now: () => clock.t,
    sleep: async (ms: number) => {
      clock.t += ms;
    },
  };
  return clock;
}

async function timedOut(promise: Promise<unknown>): Promise<ScriptFailure> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(ScriptFailure);
  return error as ScriptFailure;
}

describe("waitFor", () => {
  // Before, it gave up as soon as one more interval would cross the deadline: here at 8.5 s of 10 s, saying "10 s".
  it("keeps polling until the deadline, the last sleep shortened to land on it", async () => {
    const clock = fakeClock();
    const checks: number[] = [];
    const error = await timedOut(
      waitFor("the boot", async () => {
        checks.push(clock.t);
        clock.t += 100; // each check (an adb call) takes 0.1 s
        return undefined;
      }, { timeoutMs: 10_000, intervalMs: 2_000, clock }),
    );
    expect(checks).toEqual([0, 2_100, 4_200, 6_300, 8_400, 10_000]);
    expect(clock.t).toBe(10_100);
    expect(error.message).toBe("timed out after 10 s waiting for the boot");
  });

  it("counts a shared budget from its start, and still checks on the deadline", async () => {
    const clock = fakeClock();
    clock.t = 3_000; // earlier waits (adb wait-for-device) used 3 s of the 10
    const checks: number[] = [];
    const error = await timedOut(
      waitFor("the boot", async () => {
        checks.push(clock.t);
        return undefined;
      }, { timeoutMs: 10_000, deadline: 10_000, intervalMs: 3_000, clock }),
    );
    expect(checks).toEqual([3_000, 6_000, 9_000, 10_000]);
    expect(error.message).toBe("timed out after 10 s waiting for the boot");
  });

  it("says how long it really waited when the last check ran well past the deadline", async () => {
    const clock = fakeClock();
    const error = await timedOut(
      waitFor("the boot", async () => {
        clock.t += clock.t >= 9_000 ? 30_000 : 0; // the last adb call hangs until its own timeout
        return undefined;
      }, { timeoutMs: 10_000, intervalMs: 3_000, clock }),
    );
    expect(error.message).toBe("timed out after 39 s waiting for the boot (10 s allowed; its last check, begun in time, ran past it)");
  });

  it("returns what the check finds on the deadline itself", async () => {
    const clock = fakeClock();
    const found = await waitFor("the boot", async () => (clock.t >= 1_000 ? "booted" : undefined), { timeoutMs: 1_000, intervalMs: 400, clock });
    expect(found).toBe("booted");
    expect(clock.t).toBe(1_000);
  });
});
