/**
 * The socket folders of fleets killed outright (SIGKILL runs no exit handler): the next fleet's
 * localSocket removes them, and nothing else, from the temporary directory it is given.
 */
import { spawn, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { localSocket } from "../../agent/sim/fleet/service-socket.js";
import { sweepOldSocketFolders } from "../../agent/sim/fleet/socket-leftovers.js";

let root: string;
let temp: string;
beforeEach(() => {
  root ??= mkdtempSync(join(tmpdir(), "socket-leftovers-test-"));
  temp = mkdtempSync(join(root, "tmp-"));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The id of a process that has ended: a node that ran nothing, and was waited for. */
function endedPid(): number {
  const pid = spawnSync(process.execPath, ["-e", ""]).pid;
  if (pid === undefined) throw new Error("node -e did not start");
  return pid;
}

/** A socket file at `path` that nothing listens on (what a killed service leaves): renamed while bound, so closing the server does not remove it. */
async function leftSocket(path: string): Promise<void> {
  const bound = join(root, `bound-${process.hrtime.bigint()}.sock`);
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(bound, resolve));
  renameSync(bound, path);
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** A folder named as a fleet of process `pid` names its socket's, holding `service.sock` as a socket file. */
async function socketFolder(pid: number, letters = "Ab3dE9"): Promise<string> {
  const folder = join(temp, `aosp-sim-${pid}-${letters}`);
  mkdirSync(folder, { mode: 0o700 });
  await leftSocket(join(folder, "service.sock"));
  return folder;
}

/** Makes a fleet's socket folder in `temp`, as a fleet run does, and removes it again; what `temp` holds then. */
function afterAFleetStarts(): string[] {
  const socket = localSocket(temp);
  socket?.remove();
  expect(socket?.path).toMatch(new RegExp(`^${temp}/aosp-sim-${process.pid}-[A-Za-z0-9]{6}/service\\.sock$`));
  return readdirSync(temp).sort();
}

describe("the socket folders fleets killed outright leave behind", () => {
  it("are removed when the next fleet makes its own: the one of a process killed with SIGKILL", async () => {
    // A process that makes a folder of that form, listens there, and is killed outright.
    const child = spawn(
      process.execPath,
      ["-e", `const fs = require("node:fs"), path = require("node:path"); const folder = fs.mkdtempSync(path.join(process.argv[1], "aosp-sim-" + process.pid + "-")); require("node:net").createServer().listen(path.join(folder, "service.sock"), () => console.log(folder));`, temp],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    const folder = await new Promise<string>((resolve) => child.stdout.once("data", (d: Buffer) => resolve(d.toString().trim())));
    const ended = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await ended;
    expect(readdirSync(folder)).toEqual(["service.sock"]);
    expect(afterAFleetStarts()).toEqual([]);
  });

  it("are removed when they hold nothing (a process killed before its service listened)", async () => {
    mkdirSync(join(temp, `aosp-sim-${endedPid()}-xY12zW`));
    expect(afterAFleetStarts()).toEqual([]);
  });

  it("stay while their process runs: another fleet's, or this process's own", async () => {
    const running = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
    try {
      const theirs = await socketFolder(running.pid!);
      const ours = await socketFolder(process.pid);
      expect(afterAFleetStarts()).toEqual([theirs, ours].map((f) => f.slice(temp.length + 1)).sort());
    } finally {
      running.kill("SIGKILL");
    }
  });

  it("leave alone, of an ended process, whatever is more than its socket folder or not one", async () => {
    const pid = endedPid();
    const kept: string[] = [];
    const keep = (folder: string) => kept.push(folder.slice(temp.length + 1));
    // A folder holding something besides its socket.
    const more = await socketFolder(pid, "More01");
    writeFileSync(join(more, "notes.txt"), "mine");
    keep(more);
    // A folder whose service.sock is a plain file, or that holds another file alone.
    const plain = join(temp, `aosp-sim-${pid}-Plain1`);
    mkdirSync(plain);
    writeFileSync(join(plain, "service.sock"), "not a socket");
    keep(plain);
    const other = join(temp, `aosp-sim-${pid}-Other1`);
    mkdirSync(other);
    writeFileSync(join(other, "report.json"), "{}");
    keep(other);
    // A file, and a link to a socket folder, named as a socket folder.
    writeFileSync(join(temp, `aosp-sim-${pid}-File01`), "a file");
    keep(join(temp, `aosp-sim-${pid}-File01`));
    const target = await socketFolder(pid, "Target");
    const linkedTo = join(root, `linked-to-${pid}`);
    renameSync(target, linkedTo);
    symlinkSync(linkedTo, join(temp, `aosp-sim-${pid}-Link01`));
    keep(join(temp, `aosp-sim-${pid}-Link01`));
    // Names of other forms: adb's package folder, a longer or shorter tail (an earlier version's: below).
    for (const name of ["aosp-sim-apk-Ab3dE9", `aosp-sim-${pid}-Ab3dE9x`, `aosp-sim-${pid}-Ab3`, `aosp-sim-0${pid}-Ab3dE9`, `aosp-sim-${pid}-Ab-dE9`]) {
      const folder = join(temp, name);
      mkdirSync(folder);
      await leftSocket(join(folder, "service.sock"));
      keep(folder);
    }
    // And beside them all, a leftover: removed.
    await socketFolder(pid, "Stale1");
    expect(afterAFleetStarts()).toEqual(kept.sort());
    expect(readdirSync(more).sort()).toEqual(["notes.txt", "service.sock"]);
    expect(readdirSync(linkedTo)).toEqual(["service.sock"]);
  });

  it.runIf(process.getuid?.() === 0)("leave alone another user's folder", async () => {
    const folder = await socketFolder(endedPid());
    chownSync(folder, 65534, 65534);
    expect(afterAFleetStarts()).toEqual([folder.slice(temp.length + 1)]);
  });

  it("never fail a fleet: a temporary directory that cannot be listed gets no socket, as before", () => {
    const socket = localSocket(join(temp, "no-such-folder"));
    socket?.remove();
    expect(socket).toBeUndefined();
    expect(existsSync(join(temp, "no-such-folder"))).toBe(false);
  });
});

describe("the socket folders of earlier versions (aosp-sim-XXXXXX, no process id in the name)", () => {
  /** What `temp` holds once `check` holds, or after two seconds. */
  async function once(check: () => boolean): Promise<string[]> {
    for (let waited = 0; waited < 2_000 && !check(); waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
    return readdirSync(temp).sort();
  }

  it("are removed when the next fleet makes its own, if nothing listens on their socket", async () => {
    // Before: left in the temporary directory for good, whose process could not be told from the name.
    const folder = join(temp, "aosp-sim-Old123");
    mkdirSync(folder, { mode: 0o700 });
    await leftSocket(join(folder, "service.sock"));
    const socket = localSocket(temp);
    try {
      expect(await once(() => !existsSync(folder))).toEqual([socket!.path.slice(temp.length + 1, -"/service.sock".length)]);
    } finally {
      socket?.remove();
    }
  });

  it("stay while a service listens on their socket, when empty, or when they hold more", async () => {
    const live = join(temp, "aosp-sim-Live12");
    mkdirSync(live, { mode: 0o700 });
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(join(live, "service.sock"), resolve));
    try {
      const empty = join(temp, "aosp-sim-Empty1");
      mkdirSync(empty);
      const more = join(temp, "aosp-sim-More12");
      mkdirSync(more);
      await leftSocket(join(more, "service.sock"));
      writeFileSync(join(more, "notes.txt"), "mine");
      await sweepOldSocketFolders(temp);
      expect(readdirSync(temp).sort()).toEqual(["aosp-sim-Empty1", "aosp-sim-Live12", "aosp-sim-More12"]);
      expect(readdirSync(live)).toEqual(["service.sock"]);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
