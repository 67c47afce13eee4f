/** Fleet progress off a terminal: one status line every few seconds, nothing in between. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { progressView, STATUS_EVERY_MS } from "../../agent/cli/fleet-progress.js";

afterEach(() => vi.useRealTimers());

describe("fleet progress off a terminal", () => {
  it("prints one status line every few seconds with done, failed and rate", () => {
    vi.useFakeTimers();
    const lines: string[] = [];
    const view = progressView(2000, { isTTY: false, write: (text: string) => (lines.push(text), true) } as never);
    view.update({ done: 300, failed: 2, total: 2000, elapsedMs: 3000 });
    view.update({ done: 500, failed: 3, total: 2000, elapsedMs: 4000 });
    expect(lines).toEqual([]);
    vi.advanceTimersByTime(STATUS_EVERY_MS);
    expect(lines).toEqual(["fleet: 500/2000 devices, 3 failed, 125.0/s, 4 s elapsed\n"]);
    vi.advanceTimersByTime(STATUS_EVERY_MS);
    expect(lines).toHaveLength(2);
    view.stop();
    vi.advanceTimersByTime(3 * STATUS_EVERY_MS);
    expect(lines).toHaveLength(2);
  });
});

describe("fleet progress on a terminal", () => {
  it("shows the bar from the first device done, its ETA counted from then, not from the service's start-up", () => {
    vi.useFakeTimers();
    const written: string[] = [];
    const view = progressView(3000, { isTTY: true, columns: 200, write: (text: string) => (written.push(text), true) } as never);
    // The embedded service starting and the tenant set up: no device done yet, nothing to show.
    vi.advanceTimersByTime(1100);
    expect(written.join("")).not.toContain("devices");
    view.update({ done: 1, failed: 0, total: 3000, elapsedMs: 1100 });
    vi.advanceTimersByTime(10);
    view.update({ done: 4, failed: 0, total: 3000, elapsedMs: 1110 });
    vi.advanceTimersByTime(400);
    view.stop();
    const frames = written.join("").split("\n").join("");
    // 3 devices in 10 ms: 2,996 to go is about 10 s; counted from the start-up it read 13m51s.
    expect(frames).toMatch(/4\/3000 devices \| 0 failed \| [\d.]+\/s \| ETA 10s/);
    expect(frames).not.toMatch(/ETA \d+m/);
  });
});
