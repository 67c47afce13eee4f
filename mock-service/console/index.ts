/**
 * The admin console: server-rendered pages at `/` that follow the admin center's click path
 * (Devices > Enrollment > Android > AOSP > Corporate-owned, user-associated devices, Groups,
 * Devices, Devices > Configuration and Compliance, Troubleshooting + support, Users, Tenant
 * administration and its Terms and conditions). Pages call the service's
 * domain services (mock-service/services) directly, so the console shows exactly what the admin
 * API would, and refuses with the API's own messages.
 *
 * `registerConsole(app, services, adminToken)` is the one line app.ts needs: it watches the
 * service's device traffic for the live views and registers the console's routes in their own
 * plugin (their form parser, headers and sign-in check apply to nothing else).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Services } from "../services/index.js";
import { constantTimeEqual } from "../domain/secrets.js";
import { Activity, streamEvents } from "./activity.js";
import { loadAssets } from "./assets.js";
import { html } from "./html.js";
import { field, FORM_BODY_LIMIT, parseForms, SIGN_IN_BODY_LIMIT, type FormBody } from "./form.js";
import { ASSETS, notFoundPage, signInPage, staleFormPage } from "./layout.js";
import { devicePages } from "./pages/devices.js";
import { enrollmentPages } from "./pages/enrollment.js";
import { groupPages } from "./pages/groups.js";
import { homePages } from "./pages/home.js";
import { policyPages } from "./pages/policies.js";
import { tenantPages } from "./pages/tenant.js";
import { consoleErrorHandler } from "./store-failure.js";
import { termsPages } from "./pages/terms.js";
import { backTo, sendPage, type ConsoleDeps } from "./route-helpers.js";
import { clearedSessionCookie, csrfTokenMatches, refuse, sameOrigin, sessionCookie, Sessions } from "./session.js";

/**
 * A strict policy: scripts and styles only from the console's own files (no inline code, no
 * eval), images from the service itself (the QR codes), no framing, forms only to the console.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join("; ");

/** Paths served without a session. */
const PUBLIC_PATHS = new Set(["/signin"]);

/**
 * Answers a request no route took, when it is a browser asking for a console page (a mistyped
 * or trimmed address): the console's own 404 page with its navigation, or, signed out, the
 * sign-in page first. Returns null for everything else, which keeps the APIs' JSON 404.
 */
export type ConsoleNotFound = (request: FastifyRequest, reply: FastifyReply) => FastifyReply | null;

/** Paths of the APIs and their documents: their 404 stays JSON whatever the client accepts. */
const API_PATHS = /^\/(beta|device|sim)(\/|$)|^\/openapi\.json$|^\/\$metadata$/;

export async function registerConsole(app: FastifyInstance, services: Services, adminToken: string): Promise<ConsoleNotFound> {
  const activity = new Activity(services.ctx.now);
  app.addHook("onError", activity.noteError);
  app.addHook("onResponse", activity.observe);
  const sessions = new Sessions(services.ctx.now);
  await app.register(consolePlugin({ services, activity }, adminToken, sessions));
  return (request, reply) => {
    const path = request.url.split("?")[0]!;
    const html = /\btext\/html\b/.test(request.headers.accept ?? "");
    if ((request.method !== "GET" && request.method !== "HEAD") || !html || API_PATHS.test(path)) return null;
    setConsoleHeaders(reply);
    const session = sessions.of(request);
    if (!session) return reply.redirect(`/signin?next=${encodeURIComponent(request.url)}`, 303);
    return reply.code(404).type("text/html; charset=utf-8").send(notFoundPage(session, path));
  };
}

/** The console's security headers, on each of its answers. */
function setConsoleHeaders(reply: FastifyReply): void {
  reply.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
  reply.header("X-Content-Type-Options", "nosniff");
  reply.header("Referrer-Policy", "same-origin");
  reply.header("X-Frame-Options", "DENY");
  if (!reply.hasHeader("Cache-Control")) reply.header("Cache-Control", "no-store");
}

function consolePlugin(deps: ConsoleDeps, adminToken: string, sessions: Sessions) {
  return async (app: FastifyInstance): Promise<void> => {
    const { assets, missing } = loadAssets();
    if (missing) deps.services.ctx.log(`console: ${missing}`);
    const streams = new Set<() => void>();
    app.addHook("onClose", async () => {
      for (const close of [...streams]) close();
    });

    // The console's pages are not part of the APIs' OpenAPI document. Each route names its body
    // limit, so that a form over it gets the console's page with the limit it was read with.
    app.addHook("onRoute", (route) => {
      route.schema = { ...route.schema, hide: true };
      route.bodyLimit ??= route.url === "/signin" ? SIGN_IN_BODY_LIMIT : FORM_BODY_LIMIT;
    });
    parseForms(app);
    // A store failure (a full disk) is a console page here, not the admin API's JSON error.
    app.setErrorHandler(consoleErrorHandler(deps.services.ctx.log));
    app.decorateRequest("consoleSession", null);
    app.addHook("onSend", async (_request, reply, payload) => {
      setConsoleHeaders(reply);
      return payload;
    });
    app.addHook("onRequest", async (request, reply) => {
      const path = request.url.split("?")[0]!;
      if (PUBLIC_PATHS.has(path) || path.startsWith(`${ASSETS}/`)) return;
      request.consoleSession = sessions.of(request);
      if (request.consoleSession) return;
      if (request.method === "GET" && !request.headers["hx-request"] && path !== "/events") {
        return reply.redirect(`/signin?next=${encodeURIComponent(request.url)}`, 303);
      }
      // A form a browser posted (not the page's own script, not the event stream) gets the
      // sign-in page once its body is read (preHandler), so the page can show what was typed.
      if (request.method === "POST" && !request.headers["hx-request"] && path !== "/events") return;
      return refuse(reply, 401, "this console page needs a signed-in session (sign in at /signin)");
    });
    // State changes: from this console's own pages (Origin) and with the session's CSRF token.
    app.addHook("preHandler", async (request, reply) => {
      if (request.method === "GET" || request.method === "HEAD") return;
      if (!request.consoleSession && !PUBLIC_PATHS.has(request.url.split("?")[0]!)) {
        const next = safeNext(refererPath(request.headers.referer, request.headers.host));
        const page = signInPage({ next, ended: { typed: typedFields(request.body) } });
        return reply.code(401).type("text/html; charset=utf-8").send(page);
      }
      if (!sameOrigin(request)) return refuse(reply, 403, "the request's Origin is not this console");
      const session = request.consoleSession;
      if (session && !csrfTokenMatches(session, request.body)) {
        // A browser's form (not the page's own script) gets a page it can go back from.
        if (request.headers["hx-request"]) return refuse(reply, 403, "the form's CSRF token is missing or stale; reload the page and try again");
        return sendPage(reply, staleFormPage(session, backTo(request), typedFields(request.body)), 403);
      }
    });

    app.get<{ Params: { name: string } }>(`${ASSETS}/:name`, async (request, reply) => {
      const asset = assets.get(request.params.name);
      if (!asset) return reply.code(404).type("text/plain; charset=utf-8").send(missing ?? "no such console asset\n");
      reply.header("ETag", asset.etag).header("Cache-Control", "no-cache");
      if (request.headers["if-none-match"] === asset.etag) return reply.code(304).send();
      return reply.type(asset.type).send(asset.body);
    });

    app.get<{ Querystring: { next?: string } }>("/signin", async (request, reply) =>
      reply.type("text/html; charset=utf-8").send(signInPage({ next: safeNext(request.query.next) })),
    );

    app.post<{ Body: FormBody }>("/signin", async (request: FastifyRequest<{ Body: FormBody }>, reply: FastifyReply) => {
      const next = safeNext(field(request.body, "next"));
      if (!constantTimeEqual(field(request.body, "token"), adminToken)) {
        return reply
          .code(401)
          .type("text/html; charset=utf-8")
          .send(signInPage({ next, error: html`That is not this service's admin token. Copy it from the first line <code>aosp-sim serve</code> printed.` }));
      }
      const session = sessions.create();
      return reply.header("Set-Cookie", sessionCookie(request, session)).redirect(next, 303);
    });

    app.post("/signout", async (request, reply) => {
      if (request.consoleSession) sessions.end(request.consoleSession);
      return reply.header("Set-Cookie", clearedSessionCookie(request)).redirect("/signin", 303);
    });

    app.get("/events", async (request, reply) => streamEvents(deps.activity, request, reply, streams));

    homePages(app, deps);
    enrollmentPages(app, deps);
    groupPages(app, deps);
    devicePages(app, deps);
    policyPages(app, deps);
    tenantPages(app, deps);
    termsPages(app, deps);
  };
}

/** The path of a Referer of this console's own origin (the page a form was on), or "". */
function refererPath(referer: string | undefined, host: string | undefined): string {
  if (!referer || !host) return "";
  try {
    const url = new URL(referer);
    return url.host === host ? `${url.pathname}${url.search}` : "";
  } catch {
    return "";
  }
}

/**
 * Fields not shown back: secrets (the CSRF token, passwords, pre-shared keys, the admin token),
 * and the wizard's step and button, which are no one's typing.
 */
const SECRET_FIELDS = /^(_csrf|token|password|wifiPassword|step|go)$/i;

/** What a posted form held, as name and value, secrets left out (for the session-ended page). */
function typedFields(body: unknown): [string, string][] {
  if (body === null || typeof body !== "object") return [];
  return Object.entries(body as FormBody)
    .filter(([name]) => !SECRET_FIELDS.test(name))
    .flatMap(([name, value]) => (Array.isArray(value) ? value : [value]).map((v): [string, string] => [name, v]));
}

/** Any fixed origin: safeNext resolves `next` against it to see whether the result stays on it. */
const HERE = "http://console.invalid";

/**
 * Where to go after signing in: a path of this console only (never another site), else Home.
 * Control characters and backslashes are refused outright: a browser's URL parser (WHATWG)
 * drops tabs and newlines, so `/\t/evil.example` is `//evil.example`, another site, and reads a
 * backslash as a slash; Node refuses a newline in the Location header (a 500). What is left is
 * given as the URL parser resolves it (`/.//evil.example` is `//evil.example` too) and
 * percent-encoded, so the redirect's Location holds exactly the path a browser will follow.
 */
function safeNext(next: string | undefined): string {
  if (!next || !next.startsWith("/") || /[\u0000-\u001f\u007f-\u009f\\]/u.test(next)) return "/";
  let url: URL;
  try {
    url = new URL(next, HERE);
  } catch {
    return "/";
  }
  const path = `${url.pathname}${url.search}${url.hash}`;
  return url.origin === HERE && path.startsWith("/") && !path.startsWith("//") ? path : "/";
}
