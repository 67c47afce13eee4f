/**
 * The service on a local socket (a Unix domain socket, or a named pipe on Windows) as well as its
 * TCP port: a second Node HTTP server handing every request to the same fastify handler
 * (`app.routing`, fastify's public entry to its router, hooks and all), with the same timeouts and
 * the same answer to what Node's parser refuses. HTTP over it is the same HTTP, at less CPU a
 * request: loopback TCP runs the whole TCP stack twice per exchange, which cost a fleet's
 * devices and service about 5 % of their CPU a device (docs/fleet-performance-log.md, the
 * round after 74ebd00).
 */
import { existsSync, lstatSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { connect } from "node:net";
import { dirname } from "node:path";
import type { FastifyInstance } from "fastify";
import { InputError } from "../../agent/protocol/errors.js";
import { folderProblem } from "../../agent/protocol/make-folder.js";
import { MAX_SOCKET_PATH_BYTES, socketPathFits } from "../../agent/protocol/socket-path.js";
import { clientErrorHandler } from "./errors.js";

export interface SocketListener {
  path: string;
  /** Stops listening; connections still open are cut after `graceMs`. */
  close(graceMs: number): Promise<void>;
}

/** Connections the socket holds before the service accepts them (Node's default is 511). */
export const SOCKET_BACKLOG = 4096;

export async function listenOnSocket(app: FastifyInstance, path: string): Promise<SocketListener> {
  if (!socketPathFits(path)) {
    throw new InputError(`a socket path is at most ${MAX_SOCKET_PATH_BYTES} bytes; this one is ${Buffer.byteLength(path)}`, {
      where: path,
      hint: "use a shorter path (a folder under /tmp)",
    });
  }
  const tcp = app.server;
  const server: Server = createServer(
    { requestTimeout: tcp.requestTimeout, headersTimeout: tcp.headersTimeout, keepAliveTimeout: tcp.keepAliveTimeout },
    app.routing,
  );
  server.on("clientError", clientErrorHandler);
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      void whyNotListening(path, error).then((why) => reject(new InputError(`cannot listen on the socket: ${why.problem}`, { where: path, hint: why.hint })));
    });
    // A large backlog (the kernel caps it at its somaxconn): past it, a Unix socket's connect is
    // refused at once (EAGAIN), where TCP's would be retried; a fleet's devices connect in bursts.
    server.listen({ path, backlog: SOCKET_BACKLOG }, () => resolve());
  });
  return {
    path,
    close: (graceMs) =>
      new Promise<void>((resolve) => {
        const cut = setTimeout(() => server.closeAllConnections(), graceMs);
        server.close(() => {
          clearTimeout(cut);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}

/**
 * Why a path could not be listened on, in words: its folder missing or not writable, or something
 * at the path. A socket file nothing answers on is what a service killed without closing leaves
 * behind; it is named as such (and left alone: it is not this service's to delete).
 */
async function whyNotListening(path: string, error: NodeJS.ErrnoException): Promise<{ problem: string; hint: string }> {
  const elsewhere = { hint: "use a path in a folder you can write to, where nothing else is" };
  // Node reports a missing folder as EACCES or ENOENT, depending on the platform: looked at here.
  // What else stops a file being made there (a file in the way, no write permission, a kernel
  // filesystem) is make-folder's to say.
  const folder = dirname(path);
  if (!existsSync(folder)) return { problem: `its folder ${folder} does not exist`, ...elsewhere };
  const inTheWay = folderProblem(folder);
  if (inTheWay !== null) return { problem: inTheWay.reason, ...elsewhere };
  if (error.code === "EACCES" || error.code === "EPERM") return { problem: `its folder ${folder} is not writable`, ...elsewhere };
  if (error.code !== "EADDRINUSE") return { problem: error.message, ...elsewhere };
  let isSocket = false;
  try {
    isSocket = lstatSync(path).isSocket();
  } catch {
    // Gone since: said as in use, below.
  }
  if (!isSocket) return { problem: "a file that is not a socket is in the way", ...elsewhere };
  const answers = await new Promise<boolean>((resolve) => {
    const probe = connect(path);
    probe.once("connect", () => {
      probe.destroy();
      resolve(true);
    });
    probe.once("error", () => resolve(false));
  });
  return answers
    ? { problem: "another server listens on it", ...elsewhere }
    : { problem: "a socket file is left there that nothing listens on (a server stopped without closing it)", hint: `remove it (rm ${path}) and start again, or use another path` };
}
