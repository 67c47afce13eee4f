/** Routes without authentication: the OpenAPI document and a health check. */
import type { FastifyPluginAsync } from "fastify";

export function publicRoutes(): FastifyPluginAsync {
  return async (app) => {
    app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());

    // Also the baseline of the check-in benchmark: the cheapest route on the same server.
    app.get(
      "/health",
      {
        schema: {
          tags: ["service"],
          summary: "Liveness",
          response: { 200: { type: "object", properties: { status: { type: "string" } } } },
        },
      },
      async () => ({ status: "ok" }),
    );
  };
}
