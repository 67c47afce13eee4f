/**
 * JSON bodies: fastify's own parser (it refuses __proto__ and constructor keys), except that an
 * empty body reads as "no body". Graph clients send `Content-Type: application/json` with no body
 * on actions such as revokeToken and wipe; those must not fail.
 */
import type { FastifyInstance } from "fastify";

export function acceptEmptyJsonBodies(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser("error", "error");
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => {
    if (typeof body === "string" && body.trim() === "") {
      done(null, undefined);
      return;
    }
    parseJson(request, body as string, done);
  });
}
