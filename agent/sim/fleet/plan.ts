/**
 * Which devices a fleet run drives, and who each one is: deterministic from the fleet's seed and
 * the device's index in the whole fleet, so shards 0..n-1 on n machines are one fleet without
 * collisions, and any device can be run again alone (`--only INDEX`) with the same identity and
 * the same faults.
 */
import { InputError } from "../../protocol/errors.js";
import { identityFromSeed, seededRandom } from "../../device/identity.js";
import { spacesIn } from "../../device/faults.js";
import type { DeviceIdentity } from "../../machine/types.js";

export interface Shard {
  /** 0-based. */
  index: number;
  count: number;
}

/** Parses `--shard i/n` (0 <= i < n). */
export function parseShard(text: string): Shard {
  const where = `--shard ${text}`;
  // " 0/2" is refused, as " 5" is for --devices, never read as 0/2.
  if (text.trim() !== text && /^\d+\/\d+$/.test(text.trim())) {
    throw new InputError(`"${text}" is not a shard: it ${spacesIn(text)}`, { where, hint: `write --shard ${text.trim()}, without spaces` });
  }
  const match = /^(\d+)\/(\d+)$/.exec(text);
  if (!match) throw new InputError("is not a shard", { where, hint: "write INDEX/COUNT with INDEX from 0 to COUNT-1, e.g. --shard 0/4" });
  const index = Number(match[1]);
  const count = Number(match[2]);
  // Past 2^53 a number is no longer exact: 0/9007199254740993 would run as 0/9007199254740992.
  if (!Number.isSafeInteger(count)) throw new InputError(`${match[2]} shards are more than can be counted exactly`, { where, hint: "use at most one shard per device, e.g. --shard 0/4" });
  if (count < 1) {
    throw new InputError(`there are no shards of ${count}`, { where, hint: "COUNT is how many shards the fleet is split into, at least 1: e.g. --shard 0/1 (the whole fleet) or --shard 0/4" });
  }
  if (index >= count) {
    throw new InputError(`shard ${index} of ${count} does not exist`, {
      where,
      hint: count === 1 ? "INDEX counts from 0: use 0/1, the whole fleet" : `INDEX counts from 0: use 0/${count} to ${count - 1}/${count}`,
    });
  }
  return { index, count };
}

/**
 * A summary's shard ("i/n"): the schema checks its form, not that shard i of n exists. One that
 * does not is refused naming the summary's `file`.
 */
export function summaryShard(text: string, file?: string): Shard {
  try {
    return parseShard(text);
  } catch {
    throw new InputError(`holds shard ${text}, which does not exist`, { ...(file === undefined ? {} : { where: file }), hint: "give the --json output of aosp-sim fleet, as it wrote it" });
  }
}

/** Shards in the fleet's order, by where their devices start (0/4, 1/4, 1/2), not as text (0/4, 1/2, 1/4). */
export function byFleetOrder(a: Shard, b: Shard): number {
  return a.index * b.count - b.index * a.count || a.count - b.count;
}

/** The fleet indexes a shard runs: a contiguous block, the blocks of all shards covering 0..devices-1. */
export function shardRange(devices: number, shard: Shard): { first: number; end: number } {
  return {
    first: Math.floor((devices * shard.index) / shard.count),
    end: Math.floor((devices * (shard.index + 1)) / shard.count),
  };
}

/**
 * Why a shard would run nothing (more shards than devices, and this one got none), or null: the
 * CLI's `--shard` and `runFleet`'s `shard` refuse it alike. Before, it ran no device and passed,
 * `failed==0` holding on none of none.
 */
export function emptyShardProblem(devices: number, shard: Shard): { problem: string; hint: string } | null {
  const { first, end } = shardRange(devices, shard);
  if (end > first) return null;
  return {
    problem: `shard ${shard.index}/${shard.count} of ${devices === 1 ? "a fleet of 1 device" : `a fleet of ${devices} devices`} holds none of them`,
    hint: `run fewer shards: at most ${devices}, one device each (${devices === 1 ? "0/1" : `0/${devices} to ${devices - 1}/${devices}`})`,
  };
}

/** A device's own seed: the fleet seed and the index mixed (splitmix32), so neighbours differ. */
export function deviceSeed(fleetSeed: number, index: number): number {
  let z = (Math.imul(fleetSeed >>> 0, 0x9e3779b1) + index * 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * The device's identity: model and Android version from its seed, and a serial number that holds
 * the fleet seed and the index, so no two devices of one fleet (in any shard) share one.
 */
export function fleetIdentity(fleetSeed: number, index: number): DeviceIdentity {
  const { serialNumber: _ignored, ...model } = identityFromSeed(deviceSeed(fleetSeed, index));
  return { ...model, serialNumber: `F${fleetSeed.toString(36).toUpperCase()}-${String(index).padStart(6, "0")}` };
}

/** A random number in [0, 1) for a decision about a device (its own stream per purpose). */
export function deviceDraws(fleetSeed: number, index: number): () => number {
  return seededRandom(deviceSeed(fleetSeed ^ 0x5bd1e995, index));
}
