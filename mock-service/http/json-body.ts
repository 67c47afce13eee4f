/**
 * Request bodies are JSON only: fastify's own parser (it refuses __proto__ and constructor keys),
 * except that an empty body reads as "no body". Graph clients send `Content-Type:
 * application/json` with no body on actions such as revokeToken and wipe; those must not fail.
 * Fastify's text/plain parser is removed too: a body sent as text would otherwise reach the
 * routes as a string and be refused as "not a JSON object" when it is one, sent with the wrong
 * type; it now gets 415 like every other type.
 */
import type { FastifyInstance } from "fastify";

export function parseJsonBodiesOnly(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser("error", "error");
  app.removeContentTypeParser(["application/json", "text/plain"]);
  app.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => {
    if (typeof body === "string" && body.trim() === "") {
      done(null, undefined);
      return;
    }
    parseJson(request, body as string, done);
  });
}
