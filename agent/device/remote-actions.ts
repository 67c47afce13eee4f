/**
 * The remote actions an enrolled device carries out during a check-in, beside the wipe and the
 * delete that end its management (the machine's states): Restart (Graph's rebootNow), Reset
 * passcode (resetPasscode) and Remote lock (remoteLock), which Intune's own pages list for
 * Android (AOSP). Each is acknowledged
 * once, "completed" or "failed" with why; an acknowledgement that cannot be delivered is left for
 * the service to offer the action again.
 */
import type { DeviceAction } from "../protocol/device-api.js";
import { signalFor, type LightSignal } from "../protocol/light-abort.js";
import type { DevicePorts, Session } from "./ports.js";

/** The actions of a check-in answer that end management: the machine takes them. */
export function isRemoval(action: DeviceAction): action is DeviceAction & { type: "wipe" | "delete" } {
  return action.type === "wipe" || action.type === "delete";
}

type Outcome = { status: "completed"; words: string } | { status: "failed"; message: string };

/**
 * Carries out the check-in's restarts, passcode resets and locks, in order; the words say what happened
 * (undefined when there were none). A wipe or delete in the same answer wins (Intune: they take
 * precedence over every other pending action), so nothing else is done then.
 */
export async function carryOutActions(
  ports: DevicePorts,
  session: Session,
  actions: readonly DeviceAction[],
  signal: LightSignal,
): Promise<string | undefined> {
  if (actions.some(isRemoval)) return undefined;
  const said: string[] = [];
  for (const action of actions) {
    const outcome = await carryOut(ports, action, signal);
    if (outcome === undefined) continue;
    const body = outcome.status === "completed" ? { status: outcome.status } : { status: outcome.status, message: outcome.message };
    try {
      await ports.service.acknowledge(session, action.id, body, signalFor(ports.service, signal));
    } catch {
      // Done on the device all the same; the service offers the action again at the next check-in.
    }
    said.push(outcome.status === "completed" ? outcome.words : `${action.type} failed: ${outcome.message}`);
  }
  return said.length === 0 ? undefined : said.join("; ");
}

async function carryOut(ports: DevicePorts, action: DeviceAction, signal: LightSignal): Promise<Outcome | undefined> {
  switch (action.type) {
    case "rebootNow": {
      if (!ports.power.restart) return { status: "failed", message: "this device cannot be restarted remotely" };
      await ports.power.restart(signalFor(ports.power, signal));
      return { status: "completed", words: "the device restarted (the admin's Restart)" };
    }
    case "resetPasscode": {
      const passcode = action.passcode;
      if (passcode === undefined || passcode === "") return { status: "failed", message: "the action carries no passcode" };
      // Intune's Reset passcode page: without a passcode requirement in force, the reset fails.
      if (ports.policy.devicePassword() === null) {
        return { status: "failed", message: "no device password policy is in force on this device, so its passcode cannot be reset" };
      }
      if (!ports.policy.resetPassword) return { status: "failed", message: "this device cannot reset its passcode remotely" };
      ports.policy.resetPassword(passcode);
      return { status: "completed", words: "the device passcode was reset by the admin" };
    }
    case "remoteLock": {
      if (!ports.policy.lockNow) return { status: "failed", message: "this device cannot be locked remotely" };
      return ports.policy.lockNow()
        ? { status: "completed", words: "the device locked (the admin's Remote lock): its passcode unlocks it" }
        : { status: "completed", words: "the screen turned off (the admin's Remote lock) but the device has no passcode, so it is not locked" };
    }
    default:
      return undefined;
  }
}
