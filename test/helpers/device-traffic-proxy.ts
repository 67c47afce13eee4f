/**
 * A mock service behind a proxy here (its QR codes and download URLs name the proxy), so a test
 * decides what becomes of each request: passed on, answered by the test (a service that went
 * down), or held with no answer at all (a place where a run waits for as long as the test likes).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { request } from "undici";
import { startMockService, type MockServiceOptions } from "../../mock-service/index.js";

/** What becomes of a request: passed on to the service, held unanswered, or answered here by the function. */
export type ProxyAction = "pass" | "hold" | ((res: ServerResponse) => void);

export interface ProxiedService {
  /** The proxy's base URL, for the admin API as for the devices. */
  url: string;
  adminToken: string;
  close(): Promise<void>;
}

/** Sends the request on to `url` and answers with what came back (502 when nothing did), as a proxy does. */
export function passOn(url: string, req: IncomingMessage, chunks: Buffer[], res: ServerResponse): void {
  const headers = { ...req.headers };
  delete headers.host;
  delete headers.connection;
  delete headers["proxy-connection"];
  request(url, { method: req.method as "GET", headers, body: chunks.length > 0 ? Buffer.concat(chunks) : undefined }).then(
    async (answer) => {
      const body = Buffer.from(await answer.body.arrayBuffer());
      const out = Object.fromEntries(Object.entries(answer.headers).filter(([k]) => !["transfer-encoding", "connection", "keep-alive"].includes(k)));
      res.writeHead(answer.statusCode, out as Record<string, string>).end(body);
    },
    () => res.writeHead(502).end(),
  );
}

export async function serviceBehindProxy(route: (path: string) => ProxyAction, options: MockServiceOptions = {}): Promise<ProxiedService> {
  let target = "";
  const proxy = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const action = route(req.url ?? "");
      if (action === "hold") return;
      if (action !== "pass") {
        action(res);
        return;
      }
      passOn(`${target}${req.url}`, req, chunks, res);
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  const service = await startMockService({ ...options, port: 0, publicUrl: url });
  target = service.url;
  return {
    url,
    adminToken: service.adminToken,
    close: async () => {
      proxy.closeAllConnections();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
      await service.close();
    },
  };
}
