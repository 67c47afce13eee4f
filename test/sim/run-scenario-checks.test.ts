/**
 * runScenario called from code checks its scenario as `aosp-sim run` checks a scenario file:
 * before, an unknown key or a bad value was ignored, the default enrollment ran, and the result
 * said passed.
 */
import { describe, expect, it } from "vitest";
import { DEFAULT_SCENARIO, InputError, runScenario, type Scenario } from "../../agent/index.js";

async function refusal(scenario: unknown): Promise<InputError> {
  const outcome = await runScenario(scenario as Scenario).then(
    (result) => new Error(`ran, passed: ${result.passed}`),
    (error: unknown) => error,
  );
  if (outcome instanceof InputError) return outcome;
  throw outcome;
}

describe("runScenario's scenario", () => {
  it("is refused, naming the call and where, for an unknown key or a bad value", async () => {
    const unknown = await refusal({ faults: ["bogus"] });
    expect(unknown.message).toBe('runScenario scenario: has an unknown key "faults"');
    expect(unknown.where).toBe("runScenario scenario");

    const until = await refusal({ until: "nowhere" });
    expect(until.where).toBe("runScenario scenario at /until");
    expect(until.message).toMatch(/^runScenario scenario at \/until: must be one of "welcome", "enrolled" or a duration/);

    expect((await refusal({ user: 5 })).where).toBe("runScenario scenario at /user");
    expect((await refusal({ device: { faults: ["bogus"] } })).where).toBe("runScenario scenario at /device/faults/0");
    expect((await refusal(null)).where).toBe("runScenario scenario");
  });

  it("runs when it is one the checks take (the exported default)", async () => {
    const result = await runScenario(DEFAULT_SCENARIO);
    expect(result.passed).toBe(true);
  });
});
