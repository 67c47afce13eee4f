/**
 * The socket folders of fleets killed outright. A fleet removes its service's socket folder as it
 * ends, and at the latest as its process exits (protocol/leftovers.ts); a process killed with
 * SIGKILL (`kill -9`, the kernel's out-of-memory killer, a CI job's timeout) runs nothing, and its
 * folder stayed in the temporary directory for good. The folder's name carries the process id
 * that made it, so the next fleet on the machine can tell a leftover from a running fleet's.
 */
import { lstatSync, readdirSync, rmdirSync, unlinkSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";

/** The socket's name in its folder. */
export const SOCKET_FILE = "service.sock";

/** What mkdtemp is given for a socket folder of process `pid`: "aosp-sim-1234-" (it adds six letters and digits). */
export function socketFolderPrefix(pid: number = process.pid): string {
  return `aosp-sim-${pid}-`;
}

/** A socket folder's name, as mkdtemp makes it from socketFolderPrefix: aosp-sim-<pid>-<6 of [A-Za-z0-9]>. */
const SOCKET_FOLDER = /^aosp-sim-([1-9]\d*)-[A-Za-z0-9]{6}$/;

/**
 * Removes, from `temp`, the socket folders whose process is gone and that hold nothing but their
 * socket (or nothing: a process killed before its service listened). Anything else stays: a
 * folder of a process still running (or one this process may not signal), one holding anything
 * more, a file or a link of that name, another user's folder, a name of another form (the
 * `aosp-sim-XXXXXX` of earlier versions, whose process cannot be known: sweepOldSocketFolders
 * asks their sockets instead). Best effort: one listing
 * of `temp`, a look at the few names of that form, and whatever fails is left as it is; it never
 * fails a run.
 */
export function sweepSocketLeftovers(temp: string): void {
  let names: string[];
  try {
    names = readdirSync(temp);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = SOCKET_FOLDER.exec(name)?.[1];
    if (pid === undefined || isRunning(Number(pid))) continue;
    try {
      removeIfOnlySocket(join(temp, name));
    } catch {
      // Gone meanwhile (another fleet swept it first), or not ours to remove: left as it is.
    }
  }
}

/** A socket folder's name as versions before the process id in it made it: aosp-sim-<6 of [A-Za-z0-9]>. */
const OLD_SOCKET_FOLDER = /^aosp-sim-[A-Za-z0-9]{6}$/;

/** How long a socket of an old folder may take to answer a connect: a service that is slow to accept is alive. */
const ANSWER_WAIT_MS = 1_000;

/**
 * Removes, from `temp`, the socket folders of earlier versions (`aosp-sim-XXXXXX`) that hold
 * nothing but a socket nobody listens on: its name does not say whose it was, but a connect to
 * it that is refused (ECONNREFUSED) does say its service is gone, as no process binds a socket
 * folder another made. Anything else stays, as sweepSocketLeftovers leaves it: an empty folder
 * (one may be between its making and its service's listening), a socket that answers or is busy
 * or slow, another user's folder, a folder holding more. Best effort, and never fails a run.
 */
export async function sweepOldSocketFolders(temp: string): Promise<void> {
  let names: string[];
  try {
    names = readdirSync(temp).filter((name) => OLD_SOCKET_FOLDER.test(name));
  } catch {
    return;
  }
  for (const name of names) {
    const folder = join(temp, name);
    try {
      if (!holdsOnlyOwnSocket(folder) || !(await nobodyListens(join(folder, SOCKET_FILE)))) continue;
      removeIfOnlySocket(folder);
    } catch {
      // Gone meanwhile, or not ours to remove: left as it is.
    }
  }
}

/** A folder of this user's holding nothing but its socket (service.sock, a socket file). */
function holdsOnlyOwnSocket(folder: string): boolean {
  const stat = lstatSync(folder);
  if (!stat.isDirectory() || process.getuid === undefined || stat.uid !== process.getuid()) return false;
  const inside = readdirSync(folder);
  return inside.length === 1 && inside[0] === SOCKET_FILE && lstatSync(join(folder, SOCKET_FILE)).isSocket();
}

/** Whether a connect to the socket at `path` is refused: nothing listens there. Any other outcome says no. */
function nobodyListens(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    const done = (refused: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(refused);
    };
    const timer = setTimeout(() => done(false), ANSWER_WAIT_MS);
    socket.once("connect", () => done(false));
    socket.once("error", (error: NodeJS.ErrnoException) => done(error.code === "ECONNREFUSED"));
  });
}

/**
 * Whether a process of that id runs: signal 0 checks without sending anything. Only ESRCH (no
 * such process) says it is gone; EPERM is a process of another user, running; anything else is
 * taken as running too, so that its folder stays. A process id reused since by another process
 * keeps the folder until that one ends too. A process id names a process only among those this
 * one sees: containers that share a temporary directory but not their process ids would take
 * each other's fleets for gone (the socket folder's default place, the container's own /tmp, is
 * not shared).
 */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

function removeIfOnlySocket(folder: string): void {
  // lstat: a link of that name is not followed (its target is not ours to judge).
  const stat = lstatSync(folder);
  if (!stat.isDirectory() || process.getuid === undefined || stat.uid !== process.getuid()) return;
  const inside = readdirSync(folder);
  if (inside.length > 1 || (inside.length === 1 && inside[0] !== SOCKET_FILE)) return;
  if (inside.length === 1) {
    const socket = join(folder, SOCKET_FILE);
    if (!lstatSync(socket).isSocket()) return;
    unlinkSync(socket);
  }
  // rmdir, not rm -r: should anything have appeared in the folder meanwhile, it fails and both stay.
  rmdirSync(folder);
}
