/**
 * What the console shows live: every device-API request and every remote action the service
 * answers, whoever sent it (a device, the admin API, the console). The console watches the
 * service's responses (an onResponse hook) instead of asking the domain services to report, so
 * the services stay as they are; it keeps the last few events per device for the device page
 * ("recent check-ins and actions") and tells open browser pages over server-sent events.
 *
 * The recent activity lives in this process's memory: it starts empty when the service starts.
 */
import { EventEmitter } from "node:events";
import type { FastifyReply, FastifyRequest } from "fastify";
import { DEVICE_API_PREFIX } from "../../agent/protocol/device-api.js";

export interface ActivityEntry {
  at: number;
  /** What happened, in the admin's words, e.g. "Check-in" or "Wipe requested". */
  what: string;
  /** The HTTP status the service answered. */
  status: number;
  /** A refusal's error code (`userNotLicensed`), so the page says why, not only that. */
  code?: string;
}

/** Entries kept per device, and devices remembered (the oldest forgotten beyond that). */
const PER_DEVICE = 20;
const MAX_DEVICES = 10_000;

const MANAGED_DEVICES = "/beta/deviceManagement/managedDevices";

/** The event of a user's sign-in on a device (its result says whether it was refused). */
export const SIGN_IN = "Sign-in";

/** The admin's words for each route that changes a device, by method and route pattern. */
const ROUTES: Record<string, string> = {
  [`POST ${DEVICE_API_PREFIX}/enroll`]: "Enrolled",
  // Not "User signed in": the same row says when the sign-in was refused (userNotLicensed).
  [`POST ${DEVICE_API_PREFIX}/devices/:deviceId/signIn`]: SIGN_IN,
  [`POST ${DEVICE_API_PREFIX}/devices/:deviceId/checkIn`]: "Check-in",
  // After a check-in that carried configurations: the device page's configuration states change.
  [`POST ${DEVICE_API_PREFIX}/devices/:deviceId/policyStates`]: "Device configuration reported",
  [`POST ${DEVICE_API_PREFIX}/devices/:deviceId/actions/:actionId/acknowledge`]: "Action acknowledged",
  [`POST ${DEVICE_API_PREFIX}/devices/:deviceId/logs`]: "Logs shared",
  [`POST ${MANAGED_DEVICES}/:id/wipe`]: "Wipe requested",
  [`DELETE ${MANAGED_DEVICES}/:id`]: "Delete requested",
};

export class Activity {
  private readonly recent = new Map<string, ActivityEntry[]>();
  private readonly events = new EventEmitter();

  constructor(private readonly now: () => number) {
    // One listener per open console page.
    this.events.setMaxListeners(0);
  }

  /** The error code of each refused request, from the error hook to the response hook. */
  private readonly refusals = new WeakMap<FastifyRequest, string>();

  /** Records a device event and tells the open pages. `deviceId` null: a device enrolled. */
  record(deviceId: string | null, what: string, status: number, code?: string): void {
    if (deviceId !== null) {
      let entries = this.recent.get(deviceId);
      if (!entries) {
        if (this.recent.size >= MAX_DEVICES) this.recent.delete(this.recent.keys().next().value!);
        entries = [];
        this.recent.set(deviceId, entries);
      }
      entries.unshift(code === undefined ? { at: this.now(), what, status } : { at: this.now(), what, status, code });
      entries.length = Math.min(entries.length, PER_DEVICE);
    }
    this.events.emit("devices", deviceId ?? "");
  }

  /** The device's recent events, newest first. */
  of(deviceId: string): readonly ActivityEntry[] {
    return this.recent.get(deviceId) ?? [];
  }

  subscribe(listener: (deviceId: string) => void): () => void {
    this.events.on("devices", listener);
    return () => this.events.off("devices", listener);
  }

  /** onResponse hook for the whole service: records the requests that change devices. */
  observe = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const what = ROUTES[`${request.method} ${request.routeOptions.url ?? ""}`];
    if (what === undefined) return;
    // Refused requests that never reached a device (no credential, unknown id) change nothing.
    if (reply.statusCode === 401 || reply.statusCode === 404) return;
    const params = (request.params ?? {}) as { deviceId?: string; id?: string };
    const deviceId = params.deviceId ?? params.id ?? null;
    this.record(deviceId, what, reply.statusCode, this.refusals.get(request));
  };

  /**
   * onError hook for the whole service: keeps a refused request's error code for `observe` (the
   * response hook sees only the status). Errors are the rare path: a device's usual traffic never
   * comes here.
   */
  noteError = async (request: FastifyRequest, _reply: FastifyReply, error: Error): Promise<void> => {
    const code = (error as { code?: unknown }).code;
    if (typeof code === "string" && /^[a-z][A-Za-z]*$/.test(code)) this.refusals.set(request, code);
  };
}

/** How long an idle event stream waits before a comment line keeps proxies from closing it. */
const KEEPALIVE_MS = 15_000;

/**
 * The shortest time between two `devices` events on one stream. Every device request (each
 * enrollment, check-in, report) is a change, and each event makes the page re-fetch what it shows:
 * a fleet's thousand requests a second would otherwise have each open tab re-fetch back to back.
 */
export const EVENT_INTERVAL_MS = 1_000;

/**
 * Tells a stream of device changes at most once per EVENT_INTERVAL_MS: the first change at once,
 * the ones that follow within the interval in one event at its end (the trailing edge), so the
 * last change of a burst is always told, after it happened, and the page's re-fetch sees it.
 * The event names the device when every change it stands for is of that one device, else none.
 */
function coalesced(send: (deviceId: string) => void): { change(deviceId: string): void; stop(): void } {
  let quiet: ReturnType<typeof setTimeout> | null = null;
  // The devices changed since the last event (null: none); "" stands for an enrollment.
  let pending: Set<string> | null = null;
  const flush = (changed: Set<string>) => {
    send(changed.size === 1 ? [...changed][0]! : "");
    quiet = setTimeout(() => {
      quiet = null;
      const next = pending;
      pending = null;
      if (next) flush(next);
    }, EVENT_INTERVAL_MS);
  };
  return {
    change(deviceId) {
      if (quiet === null) return flush(new Set([deviceId]));
      (pending ??= new Set()).add(deviceId);
    },
    stop() {
      if (quiet !== null) clearTimeout(quiet);
      quiet = null;
      pending = null;
    },
  };
}

/**
 * GET /events: a server-sent event `devices` (data: the device id, empty for an enrollment or
 * for changes of several devices) when devices change, at most one a second (see `coalesced`).
 * htmx's SSE extension turns it into a re-fetch of the parts that show them.
 */
export function streamEvents(activity: Activity, request: FastifyRequest, reply: FastifyReply, open: Set<() => void>): void {
  reply.hijack();
  const out = reply.raw;
  out.writeHead(200, {
    "Content-Type": "text/event-stream; charset=utf-8",
    "Cache-Control": "no-store",
    Connection: "keep-alive",
    "X-Content-Type-Options": "nosniff",
  });
  out.write("retry: 2000\n\n");
  const events = coalesced((deviceId) => out.write(`event: devices\ndata: ${deviceId}\n\n`));
  // A first event at once: the page re-fetches what it shows, so a change made between the
  // page's rendering and this connection (or while a dropped connection was re-opened) is not missed.
  events.change("");
  const unsubscribe = activity.subscribe(events.change);
  const keepAlive = setInterval(() => out.write(": keep-alive\n\n"), KEEPALIVE_MS);
  const close = () => {
    clearInterval(keepAlive);
    events.stop();
    unsubscribe();
    open.delete(close);
    out.end();
  };
  open.add(close);
  request.raw.on("close", close);
}
