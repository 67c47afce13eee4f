/**
 * The embedded service's local socket: where it is made, and how devices reach the service
 * through it. The service listens on its TCP port as always (its URL, the QR code's download
 * address and the admin client's requests are unchanged); a fleet's devices send the same HTTP
 * requests, to the same URLs, over a connection to this socket instead (undici's
 * `connect.socketPath`). Loopback TCP runs the kernel's TCP stack on both ends of every exchange:
 * about 5 % of a fleet's CPU a device, devices and service together (`bench:fleet-cpu`;
 * docs/fleet-performance-log.md, the round after 74ebd00).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Agent, buildConnector } from "undici";
import { removeAtExit } from "../../protocol/leftovers.js";
import { socketPathFits } from "../../protocol/socket-path.js";
import { SOCKET_FILE, socketFolderPrefix, sweepOldSocketFolders, sweepSocketLeftovers } from "./socket-leftovers.js";

/**
 * A fresh path for the service's socket: a named pipe on Windows, else a socket in a new private
 * folder under the temporary directory `temp` (removed with it), named for this process
 * (`aosp-sim-<pid>-XXXXXX`). None where no such path can be made (an unwritable or very deep
 * temporary directory): the devices then use TCP, as with --service.
 */
export function localSocket(temp: string = tmpdir()): { path: string; remove(): void } | undefined {
  if (process.platform === "win32") return { path: `\\\\.\\pipe\\aosp-sim-${randomUUID()}`, remove: () => {} };
  // The folders of fleets killed outright first: nothing else removes them. Those of earlier
  // versions are asked over their sockets, meanwhile (a refused connect takes no time).
  sweepSocketLeftovers(temp);
  void sweepOldSocketFolders(temp);
  let folder: string;
  try {
    folder = mkdtempSync(join(temp, socketFolderPrefix()));
  } catch {
    return undefined;
  }
  const path = join(folder, SOCKET_FILE);
  // Removed when the fleet ends, and at the latest as the process ends (a second Ctrl-C ends it
  // without waiting for the fleet); a process killed outright leaves it for the next fleet's sweep.
  const remove = removeAtExit(() => rmSync(folder, { recursive: true, force: true }));
  if (!socketPathFits(path)) {
    remove();
    return undefined;
  }
  return { path, remove };
}

/** The dispatcher devices send their requests through: every origin, over the service's socket. */
export function socketDispatcher(path: string): Agent {
  return new Agent({ connect: retryingWhenBusy(buildConnector({ socketPath: path })) });
}

/**
 * How long a connection may wait for the service to take it: past the socket's backlog of
 * connections not yet accepted (SOCKET_BACKLOG, capped by the kernel's somaxconn), Linux refuses a
 * Unix socket's connect at once with EAGAIN, where TCP would retry quietly. Thousands of devices
 * connecting in the same instant (`--concurrency 3000`) then failed their downloads, although the
 * service was fine: such a connect is tried again, as TCP would, for up to this long.
 */
const BUSY_RETRY_MS = 10_000;

function retryingWhenBusy(connect: buildConnector.connector): buildConnector.connector {
  return (options, callback) => {
    const started = Date.now();
    const attempt = (tries: number) =>
      connect(options, (...result) => {
        const [error] = result;
        if (error && (error as NodeJS.ErrnoException).code === "EAGAIN" && Date.now() - started < BUSY_RETRY_MS) {
          // 1, 2, 4 ... ms, then every 50 ms: the service accepts a backlog's worth in milliseconds.
          setTimeout(() => attempt(tries + 1), Math.min(2 ** tries, 50));
          return;
        }
        callback(...result);
      });
    attempt(0);
  };
}
