/** What the console's page modules share: their dependencies, the session, and sending a page. */
import type { FastifyReply, FastifyRequest } from "fastify";
import type { Services } from "../services/index.js";
import type { Activity } from "./activity.js";
import type { Session } from "./session.js";

declare module "fastify" {
  interface FastifyRequest {
    /** The signed-in console session (console routes only). */
    consoleSession: Session | null;
  }
}

/** What every console page module gets. */
export interface ConsoleDeps {
  services: Services;
  activity: Activity;
}

/** The signed-in session of a console route (the console's onRequest hook guarantees one). */
export function sessionOf(request: FastifyRequest): Session {
  if (!request.consoleSession) throw new Error("a console page ran without a session");
  return request.consoleSession;
}

/** Sends a full page. */
export function sendPage(reply: FastifyReply, body: string, status = 200): FastifyReply {
  return reply.code(status).type("text/html; charset=utf-8").send(body);
}

/** The console page to go back to: the same-origin page the form was on (its Referer), else the home page. */
export function backTo(request: FastifyRequest): string {
  const referer = request.headers.referer;
  if (typeof referer !== "string") return "/";
  try {
    const url = new URL(referer);
    // Origins compared as URLs: a Host of localhost:80 is the origin http://localhost.
    return url.origin === new URL(`${request.protocol}://${request.headers.host}`).origin ? `${url.pathname}${url.search}` : "/";
  } catch {
    return "/";
  }
}
