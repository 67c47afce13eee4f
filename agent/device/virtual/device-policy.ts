/**
 * The virtual device's DevicePolicyManager: the configuration in force (restrictions, the
 * password requirement, the failed-unlock limit), the device password the user set, and the
 * count of failed unlocks. Kept in the device's storage, so it survives power loss and a factory
 * reset erases it, as on a real device.
 */
import { compliantPassword, type PolicyPlan, type Restriction } from "../policy-plan.js";
import type { DevicePolicyPort, StoragePort, UnlockAttempt } from "../ports.js";
import { utf8Text } from "../../protocol/utf8.js";

const KEY = "system/device-policy.json";

interface PolicyState {
  versions: string[];
  restrictions: Partial<Record<Restriction, boolean>>;
  failedUnlocksBeforeWipe: number | null;
  screenTimeoutMinutes: number | null;
  password: string | null;
  failedUnlocks: number;
}

const EMPTY: PolicyState = { versions: [], restrictions: {}, failedUnlocksBeforeWipe: null, screenTimeoutMinutes: null, password: null, failedUnlocks: 0 };

export class VirtualDevicePolicy implements DevicePolicyPort {
  constructor(private readonly storage: StoragePort) {}

  appliedVersions(): string[] {
    return this.state().versions;
  }

  async apply(plan: PolicyPlan, versions: string[]): Promise<{ passwordSet: boolean }> {
    const current = this.state();
    // The simulated user sets a compliant password when the requirement asks for one it does not meet.
    const needsPassword = plan.password !== null && (current.password === null || current.password.length < plan.password.minimumLength);
    const password = plan.password === null ? current.password : needsPassword ? compliantPassword(plan.password) : current.password;
    this.save({
      versions,
      restrictions: plan.restrictions,
      failedUnlocksBeforeWipe: plan.failedUnlocksBeforeWipe,
      screenTimeoutMinutes: plan.screenTimeoutMinutes,
      password,
      failedUnlocks: current.failedUnlocks,
    });
    return { passwordSet: needsPassword };
  }

  isRestricted(restriction: Restriction): boolean {
    return this.state().restrictions[restriction] === true;
  }

  /** The device password the user set (null: none). */
  devicePassword(): string | null {
    return this.state().password;
  }

  /** The admin reset the passcode: the new one unlocks the device, and the failed-unlock count starts again. */
  resetPassword(password: string): void {
    this.save({ ...this.state(), password, failedUnlocks: 0 });
  }

  /**
   * The admin's Remote lock: the virtual device has no screen to turn off, so it tells whether
   * the lock holds, which it does only with a password (without one, Intune's page says, "the
   * screen may simply turn off and the user can still access the device").
   */
  lockNow(): boolean {
    return this.state().password !== null;
  }

  /** The screen timeout the configurations in force set (null: none). */
  screenTimeoutMinutes(): number | null {
    return this.state().screenTimeoutMinutes;
  }

  /** Someone typed `password` at the lock screen. */
  unlock(password: string): UnlockAttempt | "unlocked" {
    const state = this.state();
    if (state.password === null || password === state.password) {
      this.save({ ...state, failedUnlocks: 0 });
      return "unlocked";
    }
    const failures = state.failedUnlocks + 1;
    this.save({ ...state, failedUnlocks: failures });
    const limit = state.failedUnlocksBeforeWipe;
    return { failures, limit, wipe: limit !== null && failures >= limit };
  }

  private state(): PolicyState {
    const bytes = this.storage.read(KEY);
    return bytes === null ? EMPTY : { ...EMPTY, ...(JSON.parse(utf8Text(bytes)) as PolicyState) };
  }

  private save(state: PolicyState): void {
    this.storage.write(KEY, Buffer.from(JSON.stringify(state), "utf8"));
  }
}
