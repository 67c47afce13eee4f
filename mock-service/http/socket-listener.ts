/**
 * The service on a local socket (a Unix domain socket, or a named pipe on Windows) as well as its
 * TCP port: a second Node HTTP server handing every request to the same fastify handler
 * (`app.routing`, fastify's public entry to its router, hooks and all), with the same timeouts and
 * the same answer to what Node's parser refuses. HTTP over it is the same HTTP, at less CPU a
 * request: loopback TCP runs the whole TCP stack twice per exchange, which cost a fleet's
 * devices and service about 8 % of their CPU (README, Benchmarks, Fleet).
 */
import { createServer, type Server } from "node:http";
import type { FastifyInstance } from "fastify";
import { InputError } from "../../agent/protocol/errors.js";
import { MAX_SOCKET_PATH_BYTES, socketPathFits } from "../../agent/protocol/socket-path.js";
import { clientErrorHandler } from "./errors.js";

export interface SocketListener {
  path: string;
  /** Stops listening; connections still open are cut after `graceMs`. */
  close(graceMs: number): Promise<void>;
}

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
      const why = error.code === "EADDRINUSE" ? "something already listens on it (or a file is in the way)" : error.code === "EACCES" ? "its folder is not writable" : error.message;
      reject(new InputError(`cannot listen on the socket: ${why}`, { where: path, hint: "use a path in a writable folder where nothing else is" }));
    });
    server.listen(path, () => resolve());
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
