/** The device's HTTP honours Retry-After on a throttled answer (429, or 503), as Graph's clients do. */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { HttpTransport } from "../../agent/client/http.js";
import { RealClock } from "../../agent/device/clock.js";
import type { TranscriptRecord } from "../../agent/report/transcript.js";

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A server that answers `throttled` times 429 with the given Retry-After, then 200. */
async function throttlingServer(throttled: number, retryAfter: string): Promise<{ url: string; hits: number[] }> {
  const hits: number[] = [];
  server = createServer((_req, res) => {
    hits.push(Date.now());
    if (hits.length <= throttled) {
      res.writeHead(429, { "content-type": "application/json", "retry-after": retryAfter });
      res.end(JSON.stringify({ error: { code: "TooManyRequests", message: "slow down" } }));
      return;
    }
    res.writeHead(200, { "content-type": "application/json" });
    res.end("{}");
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}/device/v1/x`, hits };
}

describe("Retry-After", () => {
  it("waits the seconds a 429 names, then sends the request again", async () => {
    const { url, hits } = await throttlingServer(1, "1");
    const records: TranscriptRecord[] = [];
    const http = new HttpTransport({ clock: new RealClock(), transcript: (r) => records.push(r) });
    const response = await http.send({ method: "GET", url, purpose: "device-api" });
    expect(response.status).toBe(200);
    expect(hits).toHaveLength(2);
    expect(hits[1]! - hits[0]!).toBeGreaterThanOrEqual(950);
    // Both exchanges are in the transcript.
    expect(records.map((r) => (r.type === "http" ? r.response?.status : undefined))).toEqual([429, 200]);
  });

  it("does not wait for an unreasonable Retry-After: the 429 goes to the caller (a retryable failure)", async () => {
    const { url, hits } = await throttlingServer(10, "3600");
    const http = new HttpTransport({ clock: new RealClock() });
    expect((await http.send({ method: "GET", url, purpose: "device-api" })).status).toBe(429);
    expect(hits).toHaveLength(1);
  });
});
