/**
 * A loopback port nothing listens on now: for a service that must know its address before it
 * starts, or for a URL where nothing answers (the OS will not hand the port out again at once).
 */
import { createServer, type AddressInfo } from "node:net";

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Ports WHATWG fetch refuses to connect to ("bad port", https://fetch.spec.whatwg.org/#port-blocking),
 * those at 1024 and above, which any user may listen on.
 */
export const FETCH_BLOCKED_PORTS = [1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080];

/** One of FETCH_BLOCKED_PORTS that nothing listens on now (on loopback), for a service fetch would refuse. */
export async function freeFetchBlockedPort(): Promise<number> {
  for (const port of FETCH_BLOCKED_PORTS) {
    const server = createServer();
    const free = await new Promise<boolean>((resolve) => {
      server.once("error", () => resolve(false));
      server.listen(port, "127.0.0.1", () => resolve(true));
    });
    if (free) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      return port;
    }
  }
  throw new Error(`every port fetch blocks (${FETCH_BLOCKED_PORTS.join(", ")}) is in use on 127.0.0.1`);
}
