/**
 * The cores a fleet, the validate pool and the service's hashing size themselves to: the affinity
 * count capped by a container's CPU quota, read from the cgroup files as Linux lays them out.
 */
import { availableParallelism } from "node:os";
import { describe, expect, it } from "vitest";
import { cgroupCpuLimit, usableCores, type ReadText } from "../../agent/protocol/usable-cores.js";

/** A file system holding only `files`. */
function files(files: Record<string, string>): ReadText {
  return (path) => files[path] ?? null;
}

describe("cgroup v2 (one line, 0::/path)", () => {
  it("a container limited to 2 CPUs on a 64-core node may use 2", () => {
    const read = files({ "/proc/self/cgroup": "0::/\n", "/sys/fs/cgroup/cpu.max": "200000 100000\n" });
    expect(cgroupCpuLimit(read)).toBe(2);
    expect(usableCores(read, 64)).toBe(2);
  });

  it("no limit ('max') leaves the affinity count", () => {
    const read = files({ "/proc/self/cgroup": "0::/\n", "/sys/fs/cgroup/cpu.max": "max 100000\n" });
    expect(cgroupCpuLimit(read)).toBeNull();
    expect(usableCores(read, 8)).toBe(8);
  });

  it("a fractional quota rounds down, and never below one core", () => {
    const quota = (max: string) => files({ "/proc/self/cgroup": "0::/\n", "/sys/fs/cgroup/cpu.max": max });
    expect(cgroupCpuLimit(quota("250000 100000"))).toBe(2);
    expect(cgroupCpuLimit(quota("150000 100000"))).toBe(1);
    expect(cgroupCpuLimit(quota("50000 100000"))).toBe(1);
    expect(usableCores(quota("50000 100000"), 4)).toBe(1);
  });

  it("the tightest quota up the hierarchy counts, as the kernel enforces it", () => {
    const path = "/kubepods.slice/kubepods-pod1.slice/cri-containerd-abc.scope";
    const pod = files({
      "/proc/self/cgroup": `0::${path}\n`,
      [`/sys/fs/cgroup${path}/cpu.max`]: "max 100000",
      "/sys/fs/cgroup/kubepods.slice/kubepods-pod1.slice/cpu.max": "300000 100000",
      "/sys/fs/cgroup/kubepods.slice/cpu.max": "max 100000",
    });
    expect(cgroupCpuLimit(pod)).toBe(3);
    const tighterLeaf = files({
      "/proc/self/cgroup": `0::${path}\n`,
      [`/sys/fs/cgroup${path}/cpu.max`]: "100000 100000",
      "/sys/fs/cgroup/kubepods.slice/kubepods-pod1.slice/cpu.max": "300000 100000",
    });
    expect(cgroupCpuLimit(tighterLeaf)).toBe(1);
  });

  it("a path the container cannot see (no cgroup namespace) falls back to its mount point", () => {
    const read = files({ "/proc/self/cgroup": "0::/system.slice/docker-abc.scope\n", "/sys/fs/cgroup/cpu.max": "400000 100000" });
    expect(cgroupCpuLimit(read)).toBe(4);
  });

  it("a malformed cpu.max is no limit, not a crash", () => {
    for (const text of ["", "garbage", "-1 100000", "200000 0", "2e5 100000"]) {
      expect(cgroupCpuLimit(files({ "/proc/self/cgroup": "0::/\n", "/sys/fs/cgroup/cpu.max": text }))).toBeNull();
    }
  });
});

describe("cgroup v1 (a line per controller)", () => {
  const membership = "12:memory:/docker/abc\n4:cpu,cpuacct:/docker/abc\n0::/docker/abc\n";

  it("reads cpu.cfs_quota_us over cpu.cfs_period_us under the cpu controller's mount", () => {
    const read = files({
      "/proc/self/cgroup": membership,
      "/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us": "100000\n",
      "/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us": "-1\n",
      "/sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_period_us": "100000\n",
      "/sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_quota_us": "200000\n",
    });
    expect(cgroupCpuLimit(read)).toBe(2);
    expect(usableCores(read, 16)).toBe(2);
  });

  it("a quota of -1 is no limit", () => {
    const read = files({
      "/proc/self/cgroup": "1:cpu:/\n0::/\n",
      "/sys/fs/cgroup/cpu/cpu.cfs_period_us": "100000\n",
      "/sys/fs/cgroup/cpu/cpu.cfs_quota_us": "-1\n",
    });
    expect(cgroupCpuLimit(read)).toBeNull();
  });

  it("a container whose mount point is its own cgroup is limited by the mount point's files", () => {
    const read = files({
      "/proc/self/cgroup": membership,
      "/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us": "100000",
      "/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us": "150000",
    });
    expect(cgroupCpuLimit(read)).toBe(1);
  });

  it("cpu and cpuacct mounted apart (this machine's layout) are found at /sys/fs/cgroup/cpu", () => {
    const read = files({
      "/proc/self/cgroup": "2:cpuacct:/lab\n1:cpu:/lab\n0::/\n",
      "/sys/fs/cgroup/cpu/cpu.cfs_period_us": "100000",
      "/sys/fs/cgroup/cpu/cpu.cfs_quota_us": "-1",
      "/sys/fs/cgroup/cpu/lab/cpu.cfs_period_us": "100000",
      "/sys/fs/cgroup/cpu/lab/cpu.cfs_quota_us": "100000",
    });
    expect(cgroupCpuLimit(read)).toBe(1);
  });
});

describe("without cgroups", () => {
  it("no /proc/self/cgroup (not Linux), or no cpu controller, leaves the affinity count", () => {
    expect(cgroupCpuLimit(files({}))).toBeNull();
    expect(usableCores(files({}), 6)).toBe(6);
    expect(cgroupCpuLimit(files({ "/proc/self/cgroup": "3:memory:/x\n" }))).toBeNull();
  });

  it("a quota above the affinity count leaves the affinity count", () => {
    const read = files({ "/proc/self/cgroup": "0::/\n", "/sys/fs/cgroup/cpu.max": "800000 100000" });
    expect(usableCores(read, 2)).toBe(2);
  });

  it("on this machine: at least one core, at most what Node counts", () => {
    const cores = usableCores();
    expect(cores).toBeGreaterThanOrEqual(1);
    expect(cores).toBeLessThanOrEqual(availableParallelism());
  });
});
