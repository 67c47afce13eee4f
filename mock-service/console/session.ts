/**
 * Console sign-in and request forgery protection.
 *
 * The admin signs in once with the service's admin token; the console then keeps a random
 * session id in an HttpOnly, SameSite=Strict cookie (the admin token itself never leaves the
 * sign-in form: not in a cookie, not in a URL). Every state-changing request must
 *   1. come from a page of this console: its Origin (or, lacking one, its Referer) is the
 *      console's own origin, and
 *   2. carry the session's CSRF token in the form field `_csrf` (synchronizer token),
 * so a page elsewhere cannot act with the admin's cookie even in a browser that ignores SameSite.
 * The admin and device APIs are not affected: they keep their bearer tokens.
 */
import { randomBytes } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import { constantTimeEqual } from "../domain/secrets.js";

export const SESSION_COOKIE = "aospsim_console";

/**
 * The session cookie's name for the service a request reached: the base name and the port the
 * service listens on. Cookies are not port-scoped (RFC 6265 section 8.5), so two services on one
 * host (a `--tenant new` one beside a ready one) would otherwise share one cookie, and signing in
 * to either would sign the browser out of the other. Before the service listens (requests
 * injected in process) the base name alone.
 */
export function sessionCookieName(request: FastifyRequest): string {
  // The listening socket's port, not the request's: in-process requests (inject) reach the same
  // service, and the Host header is the client's to write.
  const address = request.server.server.address();
  return address !== null && typeof address === "object" ? `${SESSION_COOKIE}_${address.port}` : SESSION_COOKIE;
}
export const CSRF_FIELD = "_csrf";
/** A session ends after this long without a request. */
export const SESSION_IDLE_MS = 8 * 3600_000;
/** Sign-ins kept at once; the oldest is dropped beyond this (bounded memory). */
const MAX_SESSIONS = 1000;

export interface Session {
  id: string;
  csrfToken: string;
  lastSeen: number;
}

export class Sessions {
  private readonly byId = new Map<string, Session>();

  constructor(private readonly now: () => number) {}

  create(): Session {
    const session: Session = { id: secret(), csrfToken: secret(), lastSeen: this.now() };
    if (this.byId.size >= MAX_SESSIONS) this.byId.delete(this.byId.keys().next().value!);
    this.byId.set(session.id, session);
    return session;
  }

  /** The live session the request's cookie names, or null. */
  of(request: FastifyRequest): Session | null {
    const id = readCookie(request.headers.cookie, sessionCookieName(request));
    if (id === null) return null;
    const session = this.byId.get(id);
    if (!session) return null;
    if (this.now() - session.lastSeen > SESSION_IDLE_MS) {
      this.byId.delete(id);
      return null;
    }
    session.lastSeen = this.now();
    return session;
  }

  end(session: Session): void {
    this.byId.delete(session.id);
  }
}

function secret(): string {
  return randomBytes(32).toString("base64url");
}

export function sessionCookie(request: FastifyRequest, session: Session): string {
  return `${sessionCookieName(request)}=${session.id}; Path=/; HttpOnly; SameSite=Strict`;
}

export function clearedSessionCookie(request: FastifyRequest): string {
  return `${sessionCookieName(request)}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`;
}

/** The value of one cookie in a Cookie header, or null. */
export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

/**
 * Whether a state-changing request was sent by a page of this console: its Origin header, or its
 * Referer's origin when a browser sent no Origin, equals the origin the request was sent to.
 * A request with neither is refused (browsers send Origin on every form POST).
 */
export function sameOrigin(request: FastifyRequest): boolean {
  const host = request.headers.host;
  if (!host) return false;
  const own = `${request.protocol}://${host}`;
  const origin = request.headers.origin;
  if (typeof origin === "string") return origin === own;
  const referer = request.headers.referer;
  if (typeof referer !== "string") return false;
  try {
    return new URL(referer).origin === own;
  } catch {
    return false;
  }
}

export function csrfTokenMatches(session: Session, body: unknown): boolean {
  const sent = body !== null && typeof body === "object" ? (body as Record<string, unknown>)[CSRF_FIELD] : undefined;
  return typeof sent === "string" && constantTimeEqual(sent, session.csrfToken);
}

/** A refusal page body for forged or unauthenticated state-changing requests. */
export function refuse(reply: FastifyReply, status: 401 | 403, why: string): FastifyReply {
  return reply.code(status).type("text/plain; charset=utf-8").send(`${status === 401 ? "Sign in first" : "Refused"}: ${why}\n`);
}
