/**
 * How many device threads a fleet starts when not told: one per core it may use, which in a
 * container is its CPU limit, not the node's core count. The machine is faked here: Node's core
 * count, and the cgroup files a container's limit is read from (a Kubernetes pod limited to 2 CPUs
 * on an 8-core node).
 */
import { beforeEach, describe, expect, it, vi } from "vitest";

const machine = vi.hoisted(() => ({ cores: 8, cgroupFiles: {} as Record<string, string> }));

vi.mock("node:os", async (original) => ({ ...(await original<typeof import("node:os")>()), availableParallelism: () => machine.cores }));
vi.mock("node:fs", async (original) => {
  const fs = await original<typeof import("node:fs")>();
  const readFileSync = ((path: unknown, ...rest: unknown[]) => {
    if (typeof path === "string" && (path.startsWith("/proc/self/cgroup") || path.startsWith("/sys/fs/cgroup"))) {
      const text = machine.cgroupFiles[path];
      if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: "ENOENT" });
      return text;
    }
    return (fs.readFileSync as (...args: unknown[]) => unknown)(path, ...rest);
  }) as typeof fs.readFileSync;
  return { ...fs, readFileSync, default: { ...fs, readFileSync } };
});

const { defaultDeviceThreads } = await import("../../agent/sim/fleet/device-threads.js");

describe("a fleet's device threads by default", () => {
  beforeEach(() => {
    machine.cores = 8;
    machine.cgroupFiles = {};
  });

  it("outside a container: one per core, less one for the embedded service", () => {
    machine.cgroupFiles = { "/proc/self/cgroup": "0::/\n", "/sys/fs/cgroup/cpu.max": "max 100000\n" };
    expect(defaultDeviceThreads(true)).toBe(7);
    expect(defaultDeviceThreads(false)).toBe(8);
  });

  it("in a pod limited to 2 CPUs (cgroup v2): two, not the node's eight", () => {
    machine.cgroupFiles = { "/proc/self/cgroup": "0::/\n", "/sys/fs/cgroup/cpu.max": "200000 100000\n" };
    expect(defaultDeviceThreads(true)).toBe(2);
    expect(defaultDeviceThreads(false)).toBe(2);
  });

  it("in a container limited to 1 CPU (cgroup v1): one", () => {
    machine.cgroupFiles = {
      "/proc/self/cgroup": "4:cpu,cpuacct:/docker/abc\n0::/docker/abc\n",
      "/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us": "100000\n",
      "/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us": "100000\n",
    };
    expect(defaultDeviceThreads(true)).toBe(1);
    expect(defaultDeviceThreads(false)).toBe(1);
  });
});
