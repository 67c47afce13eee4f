/** Fleet progress off a terminal: one status line every few seconds, nothing in between. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { progressView, STATUS_EVERY_MS } from "../../agent/cli/fleet-progress.js";

afterEach(() => vi.useRealTimers());

describe("fleet progress off a terminal", () => {
  it("prints one status line every few seconds with done, failed and rate", () => {
    vi.useFakeTimers();
    const lines: string[] = [];
    const view = progressView(2000, { isTTY: false, write: (text: string) => (lines.push(text), true) } as never);
    vi.advanceTimersByTime(3000);
    view.update({ done: 300, failed: 2, total: 2000, elapsedMs: 3000 });
    vi.advanceTimersByTime(1000);
    view.update({ done: 500, failed: 3, total: 2000, elapsedMs: 4000 });
    expect(lines).toEqual([]);
    vi.advanceTimersByTime(STATUS_EVERY_MS - 4000);
    expect(lines).toEqual(["fleet: 500/2000 devices, 3 failed, 100.0/s, 5 s elapsed\n"]);
    vi.advanceTimersByTime(STATUS_EVERY_MS);
    expect(lines).toHaveLength(2);
    view.stop();
    vi.advanceTimersByTime(3 * STATUS_EVERY_MS);
    expect(lines).toHaveLength(2);
  });

  it("moves its elapsed time and rate on while no device finishes (a long --ramp)", () => {
    vi.useFakeTimers();
    const lines: string[] = [];
    const view = progressView(50, { isTTY: false, write: (text: string) => (lines.push(text), true) } as never);
    vi.advanceTimersByTime(4000);
    view.update({ done: 20, failed: 0, total: 50, elapsedMs: 4000 });
    vi.advanceTimersByTime(6 * STATUS_EVERY_MS);
    view.stop();
    // Before, every line repeated the last device's "20/50 devices, 0 failed, 5.0/s, 4 s elapsed".
    expect(lines.at(-1)).toBe("fleet: 20/50 devices, 0 failed, 0.7/s, 30 s elapsed\n");
    expect(new Set(lines).size).toBe(lines.length);
  });

  it("says how many devices are living their --life, which are not done until it ends", () => {
    vi.useFakeTimers();
    const lines: string[] = [];
    const view = progressView(4, { isTTY: false, write: (text: string) => (lines.push(text), true) } as never);
    view.update({ done: 0, failed: 0, total: 4, elapsedMs: 2000, living: 4 });
    vi.advanceTimersByTime(STATUS_EVERY_MS);
    view.stop();
    // Before, "fleet: 0/4 devices, 0 failed, 0.0/s, 5 s elapsed" for as long as the lives lasted.
    expect(lines).toEqual(["fleet: 0/4 devices, 0 failed, 4 living their --life, 0.0/s, 7 s elapsed\n"]);
  });

  it("counts elapsed time from its start before any device is done", () => {
    vi.useFakeTimers();
    const lines: string[] = [];
    const view = progressView(10, { isTTY: false, write: (text: string) => (lines.push(text), true) } as never);
    vi.advanceTimersByTime(2 * STATUS_EVERY_MS);
    view.stop();
    expect(lines).toEqual(["fleet: 0/10 devices, 0 failed, 0.0/s, 5 s elapsed\n", "fleet: 0/10 devices, 0 failed, 0.0/s, 10 s elapsed\n"]);
  });
});

/** A bar on a terminal `columns` wide, its writes kept, on fake timers. */
function onTerminal(total: number, columns: number) {
  vi.useFakeTimers();
  const written: string[] = [];
  const view = progressView(total, { isTTY: true, columns, write: (text: string) => (written.push(text), true) } as never);
  return { written, view };
}

describe("fleet progress on a terminal", () => {
  it("shows the bar from the first device done, its ETA counted from then, not from the service's start-up", () => {
    const { written, view } = onTerminal(3000, 200);
    // The embedded service starting and the tenant set up: no device done yet, nothing to show.
    vi.advanceTimersByTime(1100);
    expect(written.join("")).not.toContain("devices");
    view.update({ done: 1, failed: 0, total: 3000, elapsedMs: 1100 });
    vi.advanceTimersByTime(1000);
    view.update({ done: 301, failed: 0, total: 3000, elapsedMs: 2100 });
    vi.advanceTimersByTime(150);
    view.stop();
    const frames = written.join("").split("\n").join("");
    // 300 devices in a second: 2,699 to go is about 9 s; counted from the start-up, 19 s.
    expect(frames).toMatch(/301\/3000 devices \| 0 failed \| [\d.]+\/s \| ETA (9|10)s/);
    expect(frames).not.toMatch(/ETA (1[1-9]|[2-9]\d)s|ETA \d+m/);
  });

  it("shows the devices living their --life on the bar", () => {
    const { written, view } = onTerminal(4, 200);
    view.update({ done: 1, failed: 0, total: 4, elapsedMs: 4000, living: 3 });
    vi.advanceTimersByTime(1000);
    view.stop();
    expect(written.join("")).toMatch(/1\/4 devices \| 0 failed \| 3 living \| 0\.\d\/s/);
  });

  it("counts its rate again while no device finishes", () => {
    const { written, view } = onTerminal(50, 200);
    vi.advanceTimersByTime(4000);
    view.update({ done: 20, failed: 1, total: 50, elapsedMs: 4000 });
    vi.advanceTimersByTime(1000);
    expect(written.join("")).toMatch(/20\/50 devices \| 1 failed \| 5\.0\/s/);
    vi.advanceTimersByTime(36_000);
    view.stop();
    // 20 devices in 40 s; before, the bar kept the last device's 5.0/s.
    expect(written.join("").split("\n").join("")).toMatch(/20\/50 devices \| 1 failed \| 0\.5\/s/);
  });

  /**
   * What a terminal shows after these writes, and every line of text the bar drew: the escapes
   * cli-progress uses (cursor to a column, erase to the end of the line or all of it, cursor
   * shown or hidden) played on a grid of lines, a line feed starting the next.
   */
  const screenOf = (written: string[]) => {
    const lines = [""];
    const drawn: string[] = [];
    let col = 0;
    for (const token of written.join("").split(/(\x1b\[[0-9;?]*[A-Za-z]|\n)/)) {
      const row = lines.length - 1;
      if (token === "\n") {
        lines.push("");
        col = 0;
      } else if (token.startsWith("\x1b[")) {
        const [, n, op] = /^\x1b\[([0-9;?]*)([A-Za-z])$/.exec(token)!;
        if (op === "G") col = Math.max(0, Number(n || 1) - 1);
        else if (op === "K") lines[row] = n === "2" ? "" : lines[row]!.slice(0, col);
      } else if (token !== "") {
        drawn.push(token);
        lines[row] = lines[row]!.slice(0, col).padEnd(col) + token + lines[row]!.slice(col + token.length);
        col += token.length;
      }
    }
    return { lines, drawn };
  };
  const screenLines = (written: string[]) => screenOf(written).lines;

  // Before, a fixed 40-cell bar made 90-odd cells: on 80 columns the rate and ETA were cut off.
  it("fits its line to the terminal, leaving the bar out when it is narrow", () => {
    vi.useFakeTimers();
    for (const columns of [80, 50]) {
      const { written, view } = onTerminal(2000, columns);
      view.update({ done: 1, failed: 0, total: 2000, elapsedMs: 1000 });
      vi.advanceTimersByTime(1000);
      view.update({ done: 1500, failed: 120, total: 2000, elapsedMs: 2000 });
      vi.advanceTimersByTime(400);
      view.stop();
      const frames = screenOf(written).drawn.filter((f) => f.includes("1500/2000"));
      expect(frames.length).toBeGreaterThan(0);
      for (const frame of frames) {
        expect(frame.length, frame).toBeLessThanOrEqual(columns);
        expect(frame).toMatch(/120 failed \| [\d.]+\/s \| ETA \d/);
      }
      expect(frames[0]!.includes("[")).toBe(columns >= 74);
    }
  });

  // Before, the first frame read "ETA 0s" for a fleet that had just begun.
  it("says it has no ETA yet until devices have been done over some time", () => {
    const { written, view } = onTerminal(2000, 120);
    view.update({ done: 1, failed: 0, total: 2000, elapsedMs: 1000 });
    vi.advanceTimersByTime(300);
    expect(screenLines(written).join("\n")).toMatch(/1\/2000 devices \| 0 failed \| [\d.]+\/s \| ETA …/);
    view.stop();
  });

  // Before, a stop's notice was written over the bar's line with wrapping off: cut at the edge,
  // and the summary's first line kept the tail of the last frame.
  it("writes a note whole, on a line of its own above the bar, and leaves a clean line after it stops", () => {
    const { written, view } = onTerminal(2000, 80);
    view.update({ done: 1, failed: 0, total: 2000, elapsedMs: 1000 });
    vi.advanceTimersByTime(1000);
    view.update({ done: 600, failed: 14, total: 2000, elapsedMs: 2000 });
    vi.advanceTimersByTime(400);
    const note = "fleet: SIGINT: starting no more devices, finishing those in flight (Ctrl-C again stops at once)";
    view.note(note);
    vi.advanceTimersByTime(400);
    view.update({ done: 663, failed: 14, total: 2000, elapsedMs: 3000 });
    view.stop();
    written.push("Fleet: 663 of 663 devices enrolled\n");
    const lines = screenLines(written);
    expect(lines).toContain(note);
    expect(written.join("")).not.toContain("\x1b[?7l");
    expect(lines.at(-2)).toBe("Fleet: 663 of 663 devices enrolled");
    expect(lines.at(-3)).toMatch(/^fleet \[.*\] 663\/2000 devices \| 14 failed/);
  });

  // Before, the ETA stood at its last figure ("ETA 1s") while no device finished for seconds.
  it("lets the time left grow while no device finishes", () => {
    const { written, view } = onTerminal(300, 120);
    view.update({ done: 1, failed: 0, total: 300, elapsedMs: 1000 });
    vi.advanceTimersByTime(1000);
    view.update({ done: 100, failed: 0, total: 300, elapsedMs: 2000 });
    vi.advanceTimersByTime(200);
    const early = screenLines(written).join("\n").match(/ETA (\d+)s/g)!.at(-1);
    vi.advanceTimersByTime(20_000);
    view.stop();
    const late = screenLines(written).join("\n").match(/ETA ([\dms ]+)$/m)![1]!;
    expect(early).toMatch(/ETA [23]s/);
    expect(late).toMatch(/^\d+m|^[4-9]\ds/);
  });
});
