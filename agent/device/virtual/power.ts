/**
 * The virtual device's power: the battery can be pulled (and put back) from outside, and a
 * factory reset erases the flash. Reset protection is a fact of the device's past (an account
 * was left on it before its last reset), set when the device is created.
 */
import type { ClockPort, PowerEvent, PowerPort, StoragePort } from "../ports.js";

export class VirtualPower implements PowerPort {
  private readonly listeners = new Set<(event: PowerEvent) => void>();
  private on = true;

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

  async factoryReset(signal: AbortSignal): Promise<void> {
    this.storage.eraseAll();
    this.options.afterErase?.();
    // Erasing and rebooting to the welcome screen takes a while on a real device.
    await this.clock.sleep(this.options.resetMs ?? 0, signal);
  }

  async resetProtectionActive(): Promise<boolean> {
    return this.options.resetProtection ?? false;
  }

  onPowerEvent(listener: (event: PowerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get isOn(): boolean {
    return this.on;
  }

  /** Pulls the battery. */
  cut(at: number): void {
    if (!this.on) return;
    this.on = false;
    this.emit({ type: "powerLost", at });
  }

  /** Puts it back: the device boots. */
  restore(at: number): void {
    if (this.on) return;
    this.on = true;
    this.emit({ type: "powerRestored", at });
  }

  private emit(event: PowerEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }
}
