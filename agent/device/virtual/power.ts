/**
 * The virtual device's power management: a factory reset erases the flash (and the system image
 * puts its apps back). Reset protection is a fact of the device's past (an account was left on
 * it before its last reset), set when the device is created. Pulling the battery is done by the
 * runtime (agent/device/runtime.ts), which stops the machine.
 */
import type { ClockPort, PowerPort, StoragePort } from "../ports.js";
import { signalFor, TAKES_LIGHT_SIGNALS, type LightSignal } from "../../protocol/light-abort.js";

export class VirtualPower implements PowerPort {
  /** Its signal parameters are typed LightSignal (agent/protocol/light-abort.ts). */
  readonly [TAKES_LIGHT_SIGNALS] = true;
  constructor(
    private readonly storage: StoragePort,
    private readonly clock: ClockPort,
    private readonly options: {
      resetProtection?: boolean;
      resetMs?: number;
      /** What the system image puts back after the erase (preinstalled apps). */
      afterErase?: () => void;
    } = {},
  ) {}

  async factoryReset(signal: LightSignal): Promise<void> {
    this.storage.eraseAll();
    this.options.afterErase?.();
    // Erasing and rebooting to the welcome screen takes a while on a real device.
    await this.clock.sleep(this.options.resetMs ?? 0, signalFor(this.clock, signal));
  }

  /** A restart keeps storage as it is; it takes the reset's time, the boot being most of both. */
  async restart(signal: LightSignal): Promise<void> {
    await this.clock.sleep(this.options.resetMs ?? 0, signalFor(this.clock, signal));
  }

  async resetProtectionActive(): Promise<boolean> {
    return this.options.resetProtection ?? false;
  }
}
