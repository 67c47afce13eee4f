/**
 * Power over adb. A factory reset cannot be started from `adb shell` on a production build (it
 * needs the MASTER_CLEAR permission), so the port refuses it and points at the emulator script
 * that restarts the AVD with -wipe-data. Factory reset protection is not readable over adb; it
 * is assumed off, and the timeline says so.
 */
import { StepError } from "../../machine/step-error.js";
import type { PowerPort } from "../ports.js";
import type { Adb } from "./adb.js";
import type { AdbNotes } from "./notes.js";

export class AdbPower implements PowerPort {
  constructor(
    private readonly adb: Adb,
    private readonly notes: AdbNotes,
  ) {}

  async factoryReset(): Promise<void> {
    throw new StepError(
      "factoryResetUnavailable",
      `adb cannot factory reset ${this.adb.serial}; run \`aosp-sim emulator reset --serial ${this.adb.serial}\` (restarts the AVD with -wipe-data)`,
    );
  }

  async resetProtectionActive(): Promise<boolean> {
    this.notes.say("factory reset protection cannot be read over adb: assumed off");
    return false;
  }
}
