/**
 * Where a process's CPU goes, thread by thread (Linux): preload it, and at exit it prints the CPU
 * time of every thread it saw, in the order they started, read from /proc/self/task/<tid>/stat
 * every 100 ms (a thread that ended shows its last reading).
 *
 *   node --import ./bench/thread-cpu.mjs dist/agent/cli/main.js fleet --devices 3000 --json >/dev/null
 *
 * Node 20 names nearly all of its threads "node", so they are told apart by order and use: the
 * main thread first; then the four V8 helpers (garbage collection, concurrent compilation) that
 * start with the process; libuv's pool of four (crypto.scrypt for sign-ins, file I/O), started at
 * its first use; worker threads (a fleet's service and device threads) when they are created.
 */
import { readdirSync, readFileSync } from "node:fs";
import { isMainThread } from "node:worker_threads";

if (isMainThread) {
  const seen = new Map();
  const sample = () => {
    let tids = [];
    try {
      tids = readdirSync("/proc/self/task");
    } catch {
      return;
    }
    for (const tid of tids) {
      try {
        const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
        const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        // utime and stime, in clock ticks of 10 ms (USER_HZ 100).
        seen.set(Number(tid), { name, ms: (Number(fields[11]) + Number(fields[12])) * 10 });
      } catch {
        // The thread ended between the listing and the read.
      }
    }
  };
  setInterval(sample, 100).unref();
  process.on("exit", () => {
    sample();
    const threads = [...seen].sort((a, b) => a[0] - b[0]).map(([tid, { name, ms }]) => `${tid === process.pid ? "main" : name} ${ms}`);
    process.stderr.write(`thread CPU (ms), in the order the threads started: ${threads.join(", ")}\n`);
  });
}
