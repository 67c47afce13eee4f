/**
 * The virtual network between the device and the service: where the HTTP faults happen.
 * Each fault is an HttpMiddleware on the device's transport:
 *   service-5xx        device-API requests answer 503 (the service is not reached)
 *   service-timeout    device-API requests are never answered (the device's timeout fires)
 *   download-http-error the agent download answers an HTTP error status
 *   corrupt-download   the agent download's bytes are altered on the way
 */
import type { HttpMiddleware, HttpResponse } from "../../client/http.js";
import { findFault, Strikes, type Fault } from "../faults.js";

export function faultMiddleware(faults: readonly Fault[]): HttpMiddleware[] {
  const middleware: HttpMiddleware[] = [];
  const fiveHundreds = findFault(faults, "service-5xx");
  if (fiveHundreds) {
    const strikes = new Strikes(fiveHundreds.times);
    middleware.push(async (req, signal, next) =>
      req.purpose === "device-api" && strikes.take() ? errorResponse(fiveHundreds.status, "serviceUnavailable", "fault service-5xx") : next(req, signal),
    );
  }
  const timeouts = findFault(faults, "service-timeout");
  if (timeouts) {
    const strikes = new Strikes(timeouts.times);
    middleware.push(async (req, signal, next) => {
      if (req.purpose !== "device-api" || !strikes.take()) return next(req, signal);
      // The request goes nowhere: only the device's timeout (or an abort) ends the wait.
      return new Promise<HttpResponse>((_, reject) => {
        signal.addEventListener("abort", () => reject(Object.assign(new Error("no answer"), { fault: "service-timeout" })), { once: true });
      });
    });
  }
  const httpError = findFault(faults, "download-http-error");
  if (httpError) {
    middleware.push(async (req, signal, next) =>
      req.purpose === "agent-download" ? errorResponse(httpError.status, "downloadError", "fault download-http-error") : next(req, signal),
    );
  }
  if (findFault(faults, "corrupt-download")) {
    middleware.push(async (req, signal, next) => {
      const response = await next(req, signal);
      if (req.purpose !== "agent-download" || response.status !== 200) return response;
      return { ...response, body: corrupt(response.body), fault: "corrupt-download" };
    });
  }
  return middleware;
}

function errorResponse(status: number, code: string, fault: string): HttpResponse {
  const body = JSON.stringify({ error: { code, message: `HTTP ${status} (injected: ${fault})` } });
  return {
    status,
    headers: { "content-type": "application/json" },
    body: new Uint8Array(Buffer.from(body, "utf8")),
    fault,
  };
}

/**
 * Alters one character inside the first signing certificate (base64 text in the archive). The
 * file still parses, but its SHA-256 and its certificate's SHA-256 both change: whichever
 * checksum the payload gives, the device sees a mismatch, as it would for a damaged APK.
 */
export function corrupt(bytes: Uint8Array): Uint8Array {
  const text = Buffer.from(bytes).toString("utf8");
  const marker = text.indexOf('"signingCertificates":["');
  const copy = new Uint8Array(bytes);
  if (marker < 0) {
    const middle = Math.floor(copy.length / 2);
    copy[middle] = (copy[middle] ?? 0) ^ 0x01;
    return copy;
  }
  const index = Buffer.byteLength(text.slice(0, marker + '"signingCertificates":["'.length), "utf8") + 40;
  const current = String.fromCharCode(copy[index] ?? 65);
  copy[index] = (current === "A" ? "B" : "A").charCodeAt(0);
  return copy;
}
