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
