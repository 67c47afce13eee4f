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
