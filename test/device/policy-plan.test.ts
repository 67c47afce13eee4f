/**
 * What a device makes of its configuration policies: restrictions, the password its user must
 * set, the failed-unlock limit, and the state of each setting, including the seed's limits.
 */
import { describe, expect, it } from "vitest";
import { UNENFORCEABLE_PASSWORD_TYPES } from "../../agent/protocol/aosp-policy.js";
import { compliantPassword, meetsRequirement, planConfigurations } from "../../agent/device/policy-plan.js";

const policy = (settings: Record<string, unknown>, id = "p1") => ({ id, displayName: "Factory lockdown", version: 1, settings });

describe("planning the device's configuration", () => {
  it("blocks the camera and requires a numeric password of the policy's length", () => {
    const plan = planConfigurations([policy({ cameraBlocked: true, passwordRequiredType: "numeric", passwordMinimumLength: 6 })]);
    expect(plan.restrictions.cameraBlocked).toBe(true);
    expect(plan.password).toEqual({ type: "numeric", minimumLength: 6 });
    expect(plan.report.configurations[0]!.settings).toEqual([
      { setting: "cameraBlocked", state: "compliant", currentValue: "blocked" },
      { setting: "passwordRequiredType", state: "compliant", currentValue: "numeric, 6 digits" },
      { setting: "passwordMinimumLength", state: "compliant", currentValue: "6" },
    ]);
  });

  it.each(UNENFORCEABLE_PASSWORD_TYPES)("reports password type %s not applicable, with the reason, and requires no password", (type) => {
    const plan = planConfigurations([policy({ passwordRequiredType: type, passwordMinimumLength: 8 })]);
    expect(plan.password).toBeNull();
    expect(plan.report.configurations[0]!.settings).toEqual([
      { setting: "passwordRequiredType", state: "notApplicable", reason: expect.stringContaining(`password type ${type} cannot be enforced on Android (AOSP)`) },
      { setting: "passwordMinimumLength", state: "notApplicable", reason: expect.stringContaining("numeric or numericComplex") },
    ]);
  });

  it("combines policies the strict way: any block holds, the longest length and the lowest failure count win", () => {
    const plan = planConfigurations([
      policy({ cameraBlocked: false, passwordRequiredType: "numeric", passwordMinimumLength: 6, passwordSignInFailureCountBeforeFactoryReset: 10 }, "a"),
      policy({ cameraBlocked: true, passwordRequiredType: "numericComplex", passwordMinimumLength: 4, passwordSignInFailureCountBeforeFactoryReset: 5 }, "b"),
    ]);
    expect(plan.restrictions.cameraBlocked).toBe(true);
    expect(plan.password).toEqual({ type: "numericComplex", minimumLength: 6 });
    expect(plan.failedUnlocksBeforeWipe).toBe(5);
    expect(plan.report.configurations.map((c) => c.id)).toEqual(["a", "b"]);
  });

  it("reports a setting two policies set to different values as a conflict in both, each with its own value", () => {
    // The report's "Baseline" and "Strict": before, every setting read compliant, and "Baseline"
    // reported the merged password ("numericComplex, 8 digits") as its own.
    const plan = planConfigurations([
      policy({ passwordRequiredType: "numeric", passwordMinimumLength: 6, passwordSignInFailureCountBeforeFactoryReset: 10, cameraBlocked: true }, "baseline"),
      policy({ passwordRequiredType: "numericComplex", passwordMinimumLength: 8, passwordSignInFailureCountBeforeFactoryReset: 4, cameraBlocked: true }, "strict"),
    ]);
    const [baseline, strict] = plan.report.configurations;
    const conflict = (setting: string, currentValue: string) => ({ setting, state: "conflict", currentValue, reason: expect.stringContaining("another configuration policy") });
    expect(baseline!.settings).toEqual([
      conflict("passwordRequiredType", "numeric, 6 digits"),
      conflict("passwordMinimumLength", "6"),
      conflict("passwordSignInFailureCountBeforeFactoryReset", "wipe after 10 failed unlocks"),
      // The same value in both policies is no conflict.
      { setting: "cameraBlocked", state: "compliant", currentValue: "blocked" },
    ]);
    expect(strict!.settings.find((s) => s.setting === "passwordSignInFailureCountBeforeFactoryReset")).toEqual(
      conflict("passwordSignInFailureCountBeforeFactoryReset", "wipe after 4 failed unlocks"),
    );
    // What the device enforces meanwhile: the most restrictive values.
    expect(plan.password).toEqual({ type: "numericComplex", minimumLength: 8 });
    expect(plan.failedUnlocksBeforeWipe).toBe(4);
  });

  it("treats a restriction set to false as not configured: not reported, and no conflict with a policy that blocks", () => {
    const plan = planConfigurations([policy({ cameraBlocked: true }, "blocks"), policy({ cameraBlocked: false, screenCaptureBlocked: true }, "leaves")]);
    expect(plan.restrictions).toEqual({ cameraBlocked: true, screenCaptureBlocked: true });
    expect(plan.report.configurations[0]!.settings).toEqual([{ setting: "cameraBlocked", state: "compliant", currentValue: "blocked" }]);
    expect(plan.report.configurations[1]!.settings).toEqual([{ setting: "screenCaptureBlocked", state: "compliant", currentValue: "blocked" }]);
  });

  it("reports customPassword not applicable with why: AOSP offers only device default, numeric and numeric complex", () => {
    const plan = planConfigurations([policy({ passwordRequiredType: "customPassword" })]);
    expect(plan.report.configurations[0]!.settings).toEqual([
      { setting: "passwordRequiredType", state: "notApplicable", reason: expect.stringContaining("customPassword is not offered for Android (AOSP) devices") },
    ]);
  });
});

describe("the password the simulated user sets", () => {
  it.each([4, 6, 11, 16])("meets a numericComplex requirement of %i digits", (length) => {
    const requirement = { type: "numericComplex" as const, minimumLength: length };
    const password = compliantPassword(requirement);
    expect(password).toHaveLength(length);
    expect(meetsRequirement(password, requirement)).toBe(true);
  });

  it("is told apart from passwords that do not comply", () => {
    expect(meetsRequirement("123456", { type: "numericComplex", minimumLength: 6 })).toBe(false);
    expect(meetsRequirement("902468", { type: "numericComplex", minimumLength: 6 })).toBe(false);
    expect(meetsRequirement("911117", { type: "numericComplex", minimumLength: 6 })).toBe(false);
    expect(meetsRequirement("913579", { type: "numericComplex", minimumLength: 4 })).toBe(false);
    expect(meetsRequirement("124578", { type: "numericComplex", minimumLength: 6 })).toBe(true);
    expect(meetsRequirement("123456", { type: "numeric", minimumLength: 6 })).toBe(true);
    expect(meetsRequirement("12345", { type: "numeric", minimumLength: 6 })).toBe(false);
    expect(meetsRequirement("abcdef", { type: "numeric", minimumLength: 4 })).toBe(false);
  });
});
