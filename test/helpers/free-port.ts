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
