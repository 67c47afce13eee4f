/**
 * The device's HTTP: undici requests with a timeout on the device's clock, every exchange written
 * to the transcript, and a middleware hook where the virtual network applies faults (a 503, a
 * request that is never answered, a corrupted download) before or after the real request.
 *
 * Timeouts: a timer on the device clock aborts the request (so a simulated clock turns a
 * never-answered request into a timeout in no real time), and undici's own headers/body timeouts
 * stop a real request that hangs (the simulated clock does not move while real I/O is in flight).
 */
import { ProxyAgent, type Dispatcher } from "undici";
import { httpDispatcher } from "../protocol/http-dispatcher.js";
import { StepError } from "../machine/step-error.js";
import { sha256Base64Url } from "../protocol/package-archive.js";
import { utf8Text } from "../protocol/utf8.js";
import { LightAbort, type LightSignal } from "../protocol/light-abort.js";

/** Why a request is made: lets faults and transcripts tell the device API from downloads. */
export type HttpPurpose = "device-api" | "agent-download" | "app-download" | "admin-api";

/**
 * One HTTP exchange as recorded (a transcript's `http` line, and part of a step record): what
 * was asked, what came back or what went wrong. Package bodies are summarised as size and SHA-256.
 */
export interface HttpRecord {
  type: "http";
  at: string;
  durationMs: number;
  purpose: HttpPurpose;
  method: string;
  url: string;
  request: { headers: Record<string, string>; body?: unknown };
  response?: { status: number; headers: Record<string, string>; body?: unknown };
  error?: string;
  fault?: string;
}

/** The `error` of an exchange the device's own stop cut short (an `--until` reached, a signal, a power cut): no answer the service failed to give. */
export const STEP_INTERRUPTED = "aborted (the step was interrupted)";

/**
 * The part of the device's clock the transport needs (agent/device/ports.ts ClockPort has it):
 * timeouts run on it, and real I/O is marked so a simulated clock waits for the answer.
 */
export interface TransportClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  track<T>(work: Promise<T>): Promise<T>;
}

export interface HttpRequest {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  url: string;
  headers?: Record<string, string>;
  /** Sent as JSON. */
  json?: unknown;
  purpose: HttpPurpose;
  signal?: LightSignal;
  /** Overrides the transport's default timeout. */
  timeoutMs?: number;
  /**
   * Whether a 429/503 with Retry-After is waited out and sent again (default true). A request whose
   * 429 is an answer for the person, not throttling (a sign-in refused by the account lockout),
   * opts out: sending the same password again after the wait would only lock the account longer.
   */
  retryThrottled?: boolean;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
  /** Set by a middleware that shaped this response (for the transcript). */
  fault?: string;
}

/** Runs the next step of the chain (ultimately the real request). */
export type HttpNext = (req: HttpRequest, signal: LightSignal) => Promise<HttpResponse>;
/** Sees every request; may answer itself, delay, or alter the real response. */
export type HttpMiddleware = (req: HttpRequest, signal: LightSignal, next: HttpNext) => Promise<HttpResponse>;

export interface HttpTransportOptions {
  clock: TransportClock;
  /** Receives every exchange, as it completes. */
  transcript?: (record: HttpRecord) => void;
  middleware?: HttpMiddleware[];
  /** Rewrites request origins: { "http://old:8080": "http://127.0.0.1:53121" } (enroll --service). */
  originMap?: Record<string, string>;
  /** Default timeout per request, on the device clock. */
  timeoutMs?: number;
  dispatcher?: Dispatcher;
  /** Identifies the device in User-Agent. */
  userAgent?: string;
  /** Give `transcript` request bodies with their passwords in clear (a transcript kept with its secrets); default "(redacted)". */
  recordPasswords?: boolean;
}

/**
 * The HTTP proxy of the network the device is on (agent/android/proxy.ts builds it from the Wi-Fi
 * configuration): requests go through it unless it bypasses their host.
 */
export interface HttpProxy {
  /** "proxy.example.com:3128", as messages name it. */
  label: string;
  /** The proxy's URL, or null when no connection to it can be made. */
  uri: string | null;
  /** Why the proxy cannot be used (null when it can). */
  problem: string | null;
  bypasses(host: string): boolean;
}

/** Retries of a request answered 429/503 with a Retry-After of at most MAX_RETRY_AFTER_MS. */
const MAX_RETRY_AFTER_ATTEMPTS = 3;
const MAX_RETRY_AFTER_MS = 60_000;

function retryAfterMs(response: HttpResponse): number | undefined {
  if (response.status !== 429 && response.status !== 503) return undefined;
  const header = (response.headers["retry-after"] ?? "").trim();
  const ms = /^\d+(\.\d+)?$/.test(header) ? Number(header) * 1000 : Number.NaN;
  return Number.isFinite(ms) && ms <= MAX_RETRY_AFTER_MS ? ms : undefined;
}

/** Thrown inside the transport when the device-clock timer fires. */
class DeviceTimeout extends Error {
  override readonly name = "DeviceTimeout";
}

/**
 * What undici is told when the device itself withdraws a request it no longer wants (power lost
 * mid-request, the step stopped), as opposed to its timeout (no answer in time) or the network
 * failing: request counts (agent/sim/fleet/http-counts.ts) tell the service's errors from the
 * device's own choices by it. The caller still gets the abort's own reason.
 */
export class WithdrawnByDevice extends Error {
  override readonly name = "WithdrawnByDevice";
}

export const DEFAULT_HTTP_TIMEOUT_MS = 30_000;
/** Bodies larger than this are refused (a device API answer or a package is far smaller). */
const MAX_BODY_BYTES = 64 * 1024 * 1024;

export class HttpTransport {
  private readonly clock: TransportClock;
  private readonly middleware: HttpMiddleware[];
  private readonly timeoutMs: number;
  /** The network's proxy and the dispatcher that goes through it; null (the usual case) costs a request nothing. */
  private proxy: { proxy: HttpProxy; agent: ProxyAgent | null } | null = null;

  constructor(private readonly options: HttpTransportOptions) {
    this.clock = options.clock;
    this.middleware = options.middleware ?? [];
    this.timeoutMs = options.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS;
  }

  /**
   * Sends a request. HTTP error statuses are returned, not thrown; a timeout throws
   * StepError("serviceTimeout"), a network failure StepError("networkError") (both retryable);
   * the caller's abort propagates as is.
   */
  async send(req: HttpRequest): Promise<HttpResponse> {
    // A throttled answer (429, or 503) with Retry-After is retried after the wait it names, on the
    // device's clock, a few times: what Graph's clients and the Intune agent do.
    for (let attempt = 0; ; attempt++) {
      const response = await this.sendOnce(req);
      const wait = req.retryThrottled === false ? undefined : retryAfterMs(response);
      if (wait === undefined || attempt >= MAX_RETRY_AFTER_ATTEMPTS) return response;
      await this.wait(wait, req.signal);
    }
  }

  /** Resolves after `ms` on the device's clock; rejects when the caller aborts. */
  private wait(ms: number, signal?: LightSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.clock.clearTimeout(handle);
        reject(signal?.reason);
      };
      const handle = this.clock.setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      if (signal?.aborted) onAbort();
      else signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  private async sendOnce(req: HttpRequest): Promise<HttpResponse> {
    const timeoutMs = req.timeoutMs ?? this.timeoutMs;
    const cancel = new LightAbort();
    const timer = this.clock.setTimeout(() => cancel.abort(new DeviceTimeout(`no answer within ${timeoutMs} ms`)), timeoutMs);
    const onCallerAbort = () => cancel.abort(req.signal?.reason);
    if (req.signal?.aborted) onCallerAbort();
    req.signal?.addEventListener("abort", onCallerAbort, { once: true });

    const url = this.routedUrl(req.url);
    const routed: HttpRequest = { ...req, url };
    const startedAt = this.clock.now();
    const started = performance.now();
    const via = this.proxy === null ? null : this.proxyFor(url);
    const chain = this.middleware.reduceRight<HttpNext>(
      (next, mw) => (r, signal) => mw(r, signal, next),
      (r, signal) => this.clock.track(this.realRequest(r, signal, timeoutMs, via)),
    );
    try {
      const response = await chain(routed, cancel);
      this.record(routed, startedAt, started, { response });
      return response;
    } catch (error) {
      const timedOut = cancel.reason instanceof DeviceTimeout || isUndiciTimeout(error);
      if (req.signal?.aborted && !timedOut) {
        this.record(routed, startedAt, started, { error: STEP_INTERRUPTED });
        throw error;
      }
      const failure = timedOut
        ? new StepError("serviceTimeout", `${req.method} ${url}: ${via ? `through the proxy ${via.proxy.label}: ` : ""}no answer within ${Math.round(timeoutMs / 1000)} s`, { retryable: true })
        : new StepError("networkError", `${req.method} ${url}: ${via ? `through the proxy ${via.proxy.label}: ${describeProxyError(error)}` : describeNetworkError(error)}`, { retryable: true, cause: error });
      this.record(routed, startedAt, started, { error: failure.message, fault: (error as { fault?: string }).fault });
      throw failure;
    } finally {
      this.clock.clearTimeout(timer);
      req.signal?.removeEventListener("abort", onCallerAbort);
    }
  }

  /**
   * Sends later requests through `proxy` (a network joined with one), or directly (null). Plain
   * HTTP goes to the proxy in absolute form and HTTPS through a CONNECT tunnel, as Java's
   * HttpURLConnection does on the device.
   */
  useProxy(proxy: HttpProxy | null): void {
    void this.proxy?.agent?.close().catch(() => {});
    this.proxy = proxy === null ? null : { proxy, agent: proxy.uri === null ? null : new ProxyAgent({ uri: proxy.uri, proxyTunnel: false }) };
  }

  /** The URL a request for `url` actually goes to (after `originMap`): what messages should name. */
  routedUrl(url: string): string {
    const map = this.options.originMap;
    if (!map) return url;
    try {
      const parsed = new URL(url);
      const target = map[parsed.origin];
      if (!target) return url;
      const base = new URL(target);
      return `${base.origin}${parsed.pathname}${parsed.search}`;
    } catch {
      return url;
    }
  }

  /** The proxy ("host:port") a request for `url` would go through, or null when it goes direct: for messages about its answer. */
  proxyLabel(url: string): string | null {
    return this.proxyFor(this.routedUrl(url))?.proxy.label ?? null;
  }

  /** The proxy a request for `url` goes through, or null when it goes direct. */
  private proxyFor(url: string): { proxy: HttpProxy; agent: ProxyAgent | null } | null {
    const current = this.proxy;
    if (current === null) return null;
    try {
      return current.proxy.bypasses(new URL(url).hostname) ? null : current;
    } catch {
      return current;
    }
  }

  /**
   * The request itself, dispatched to undici with a handler that gathers the body into one buffer:
   * a device reads every answer whole, so `request()`'s body stream (a Readable read by async
   * iteration, for every request of every fleet device) is work for nothing. Aborting (the
   * device-clock timeout, the caller) settles at once, even for a request still waiting for a
   * connection, and stops undici's side of it as soon as it has one.
   */
  private realRequest(req: HttpRequest, signal: LightSignal, timeoutMs: number, via: { proxy: HttpProxy; agent: ProxyAgent | null } | null): Promise<HttpResponse> {
    const headers: Record<string, string> = {
      "user-agent": this.options.userAgent ?? "aosp-sim",
      ...req.headers,
    };
    let body: string | undefined;
    if (req.json !== undefined) {
      body = JSON.stringify(req.json);
      headers["content-type"] = "application/json";
    }
    const url = new URL(req.url);
    const dispatcher = via ? via.agent : this.options.dispatcher ?? httpDispatcher();
    return new Promise<HttpResponse>((resolve, reject) => {
      if (signal.aborted) {
        reject(signal.reason);
        return;
      }
      if (dispatcher === null) {
        reject(new Error(via?.proxy.problem ?? "the proxy cannot be used"));
        return;
      }
      let controller: Dispatcher.DispatchController | null = null;
      let settled = false;
      let status = 0;
      let responseHeaders: Record<string, string> = {};
      const chunks: Buffer[] = [];
      let received = 0;
      const settle = (error: unknown, response?: HttpResponse) => {
        if (settled) return;
        settled = true;
        signal.removeEventListener("abort", onAbort);
        if (response) resolve(response);
        else reject(error);
      };
      // What undici is told, now or when it starts the request (it may not have yet).
      let told: Error | null = null;
      const stop = (error: Error, tellUndici: Error = error) => {
        settle(error);
        told = tellUndici;
        controller?.abort(tellUndici);
      };
      const onAbort = () => {
        const reason = signal.reason as Error;
        stop(reason, reason instanceof DeviceTimeout ? reason : new WithdrawnByDevice("withdrawn by the device", { cause: reason }));
      };
      signal.addEventListener("abort", onAbort, { once: true });
      const tooLarge = (size: string) => new Error(`the response is ${size}, more than a device accepts (${MAX_BODY_BYTES} bytes)`);
      dispatcher.dispatch(
        {
          origin: url.origin,
          path: `${url.pathname}${url.search}`,
          method: req.method,
          headers,
          ...(body === undefined ? {} : { body }),
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
        },
        {
          onRequestStart(c) {
            controller = c;
            if (settled) c.abort(told ?? new Error("aborted before it was sent"));
          },
          onResponseStart(_c, statusCode, answered) {
            status = statusCode;
            responseHeaders = flattenHeaders(answered);
            const length = Number(responseHeaders["content-length"] ?? 0);
            if (length > MAX_BODY_BYTES) stop(tooLarge(`${length} bytes`));
          },
          // Counted as it arrives: a body without a length (chunked) must not grow without bound either.
          onResponseData(_c, chunk) {
            if (settled) return;
            received += chunk.length;
            if (received > MAX_BODY_BYTES) stop(tooLarge("larger"));
            else chunks.push(chunk);
          },
          onResponseEnd() {
            // One copy (the chunks are undici's), seen as a plain Uint8Array without a second one.
            const whole = Buffer.concat(chunks, received);
            settle(null, { status, headers: responseHeaders, body: new Uint8Array(whole.buffer, whole.byteOffset, whole.byteLength) });
          },
          onResponseError(_c, error) {
            settle(error);
          },
        },
      );
    });
  }

  private record(
    req: HttpRequest,
    startedAt: number,
    started: number,
    outcome: { response?: HttpResponse; error?: string; fault?: string | undefined },
  ): void {
    const sink = this.options.transcript;
    if (!sink) return;
    const record: HttpRecord = {
      type: "http",
      at: new Date(startedAt).toISOString(),
      durationMs: Math.round((performance.now() - started) * 10) / 10,
      purpose: req.purpose,
      method: req.method,
      url: req.url,
      request: { headers: req.headers ?? {}, ...(req.json === undefined ? {} : { body: this.options.recordPasswords ? req.json : redactPasswords(req.json) }) },
    };
    if (outcome.response) {
      record.response = {
        status: outcome.response.status,
        headers: outcome.response.headers,
        body: summariseBody(outcome.response),
      };
      if (outcome.response.fault) record.fault = outcome.response.fault;
    }
    if (outcome.error !== undefined) record.error = outcome.error;
    if (outcome.fault) record.fault = outcome.fault;
    sink(record);
  }
}

/**
 * Transcripts are shared (attached to bug reports, kept by CI): a sign-in's password is replaced,
 * so the exchange is still there to read but the account is not given away.
 */
export function redactPasswords(body: unknown): unknown {
  // Nearly every body has no password: it is returned as it is (records never mutate what they
  // hold), and only a body with one is copied, which a fleet's millions of records need not pay for.
  return holdsPassword(body) ? redactedCopy(body) : body;
}

function isPasswordField(key: string, value: unknown): boolean {
  return typeof value === "string" && /password/i.test(key);
}

function holdsPassword(body: unknown): boolean {
  if (typeof body !== "object" || body === null || ArrayBuffer.isView(body)) return false;
  if (Array.isArray(body)) return body.some(holdsPassword);
  for (const key in body) {
    if (!Object.hasOwn(body, key)) continue;
    const value = (body as Record<string, unknown>)[key];
    if (isPasswordField(key, value) || holdsPassword(value)) return true;
  }
  return false;
}

function redactedCopy(body: unknown): unknown {
  if (Array.isArray(body)) return body.map(redactPasswords);
  if (typeof body !== "object" || body === null) return body;
  return Object.fromEntries(Object.entries(body).map(([key, value]) => [key, isPasswordField(key, value) ? "(redacted)" : redactPasswords(value)]));
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v !== undefined) flat[k] = Array.isArray(v) ? v.join(", ") : v;
  }
  return flat;
}

/** JSON bodies as JSON; anything else (a package, or JSON that does not parse) as its size and SHA-256. */
function summariseBody(response: HttpResponse): unknown {
  if (response.body.length === 0) return undefined;
  const json = (response.headers["content-type"] ?? "").includes("json") ? jsonBody(response) : undefined;
  return json !== undefined ? json : { bytes: response.body.length, sha256: sha256Base64Url(response.body) };
}

function isUndiciTimeout(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT" || code === "UND_ERR_CONNECT_TIMEOUT";
}

function describeNetworkError(error: unknown): string {
  const e = error as { code?: string; message?: string; cause?: { code?: string; message?: string } } | null;
  const code = e?.code ?? e?.cause?.code;
  if (code === "ECONNREFUSED") return "connection refused (is the service running?)";
  if (code === "ENOTFOUND") return "host not found";
  if (code === "ECONNRESET") return "connection reset";
  return e?.cause?.message ?? e?.message ?? String(error);
}

/** A request through the proxy failed: the network's words name the proxy, not the service. */
function describeProxyError(error: unknown): string {
  const e = error as { code?: string; message?: string; cause?: { code?: string; message?: string } } | null;
  const code = e?.code ?? e?.cause?.code;
  if (code === "ECONNREFUSED") return "the proxy refused the connection";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "the proxy's host name does not resolve";
  if (code === "ECONNRESET") return "the proxy reset the connection";
  return e?.cause?.message ?? e?.message ?? String(error);
}

/** Parses a JSON body, or returns undefined. */
export function jsonBody(response: HttpResponse): unknown {
  if (response.body.length === 0) return undefined;
  try {
    return JSON.parse(utf8Text(response.body));
  } catch {
    return undefined;
  }
}
