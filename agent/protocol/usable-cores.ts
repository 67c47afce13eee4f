/**
 * How many cores this process may keep busy: the CPUs it may run on (`os.availableParallelism()`,
 * the affinity mask), capped by the CPU quota of the cgroup it runs in (a container's CPU limit:
 * `docker run --cpus 2`, a Kubernetes pod's `limits.cpu`).
 *
 * Why not `availableParallelism()` alone: Node 20 bundles libuv 1.46, which counts the affinity
 * mask only. libuv 1.49 (Node 22.10 and later) also reads the cgroup quota, as done here. A
 * Kubernetes pod limited to 2 CPUs on a 64-core node sees 64 in Node 20, and a fleet that started
 * a device thread per core there would start 64 isolates that the quota then throttles to two
 * cores' worth of time, each one compiling and collecting for itself.
 *
 * The rule is libuv's (src/unix/linux.c, `uv__get_constrained_cpu`): the quota over the period,
 * rounded down, at least 1; where several cgroups up the hierarchy set one, the tightest counts,
 * as the kernel enforces it. Anything unreadable or malformed means no limit: the affinity count stands.
 */
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";

/** Reads a small text file, or null when it cannot be read. */
export type ReadText = (path: string) => string | null;

function readText(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
}

/** Cores this process may use: the affinity count, capped by its cgroup's CPU quota. */
export function usableCores(read: ReadText = readText, affinity: number = availableParallelism()): number {
  const limit = cgroupCpuLimit(read);
  return Math.max(1, limit === null ? affinity : Math.min(affinity, limit));
}

/**
 * The whole CPUs the process's cgroup quota allows (at least 1), or null when no quota applies
 * (none set, "max", or the files are not there: not Linux, or no cgroup mounted).
 */
export function cgroupCpuLimit(read: ReadText = readText): number | null {
  const membership = read("/proc/self/cgroup");
  if (membership === null) return null;
  const lines = membership.split("\n").filter((line) => line !== "");
  // cgroup v2: one line, "0::/path" (docs.kernel.org, admin-guide/cgroup-v2).
  const unified = lines.find((line) => line.startsWith("0::"));
  if (unified !== undefined && lines.length === 1) {
    return tightest("/sys/fs/cgroup", unified.slice(3), (dir) => v2Quota(read(`${dir}/cpu.max`)));
  }
  // cgroup v1: "N:cpu,cpuacct:/path"; the cpu controller is mounted under one of these names.
  const cpuLine = lines.map((line) => line.split(":")).find((fields) => fields.length >= 3 && fields[1]!.split(",").includes("cpu"));
  if (cpuLine === undefined) return null;
  const path = cpuLine.slice(2).join(":");
  for (const mount of ["/sys/fs/cgroup/cpu,cpuacct", "/sys/fs/cgroup/cpuacct,cpu", "/sys/fs/cgroup/cpu"]) {
    if (read(`${mount}/cpu.cfs_period_us`) === null) continue;
    return tightest(mount, path, (dir) => v1Quota(read(`${dir}/cpu.cfs_quota_us`), read(`${dir}/cpu.cfs_period_us`)));
  }
  return null;
}

/**
 * The smallest limit from the process's own cgroup up to the mount point. Inside a container with
 * its own cgroup namespace the path is "/" and the mount point is the container's cgroup; without
 * one, the path names a cgroup the container cannot see, so the mount point itself is read too.
 */
function tightest(mount: string, path: string, quotaAt: (dir: string) => number | null): number | null {
  const parts = path.split("/").filter((p) => p !== "" && p !== "." && p !== "..");
  let limit: number | null = null;
  for (let depth = parts.length; depth >= 0; depth--) {
    const dir = depth === 0 ? mount : `${mount}/${parts.slice(0, depth).join("/")}`;
    const quota = quotaAt(dir);
    if (quota !== null) limit = limit === null ? quota : Math.min(limit, quota);
  }
  return limit;
}

/** cgroup v2 `cpu.max`: "QUOTA PERIOD" in microseconds, or "max PERIOD" for no limit. */
function v2Quota(text: string | null): number | null {
  if (text === null) return null;
  const [quota, period] = text.trim().split(/\s+/);
  return wholeCpus(quota, period ?? "100000");
}

/** cgroup v1: `cpu.cfs_quota_us` (-1 for no limit) over `cpu.cfs_period_us`. */
function v1Quota(quota: string | null, period: string | null): number | null {
  if (quota === null || period === null) return null;
  return wholeCpus(quota.trim(), period.trim());
}

function wholeCpus(quota: string | undefined, period: string): number | null {
  if (quota === undefined || !/^\d+$/.test(quota) || !/^\d+$/.test(period)) return null;
  const q = Number(quota);
  const p = Number(period);
  if (q <= 0 || p <= 0) return null;
  return Math.max(1, Math.floor(q / p));
}
