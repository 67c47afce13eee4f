/**
 * Route schemas compiled at first use (mock-service/http/lazy-schemas.ts): the service answers as
 * fastify's own compilers make it answer, and every one of its schemas still compiles.
 */
import Fastify from "fastify";
import { describe, expect, it } from "vitest";
import { buildApp } from "../../mock-service/app.js";
import { lazySchemas } from "../../mock-service/http/lazy-schemas.js";
import { memoryServices } from "../helpers/service-app.js";

/** A fastify app with one route whose body and response have schemas. */
async function appWith(responseSchema: object, options: { eager?: boolean } = {}) {
  const schemas = lazySchemas();
  const app = Fastify({ schemaController: { compilersFactory: schemas.compilersFactory } });
  if (options.eager) app.addHook("onReady", async () => schemas.compileAll());
  app.post(
    "/echo",
    {
      schema: {
        body: { type: "object", required: ["n"], properties: { n: { type: "integer", minimum: 1 } } },
        response: { 200: responseSchema },
      },
    },
    async (request) => ({ n: (request.body as { n: number }).n, secret: "not in the schema" }),
  );
  return app;
}

const GOOD_RESPONSE = { type: "object", properties: { n: { type: "integer" } } };
// fast-json-stringify refuses a $ref it cannot resolve.
const BROKEN_RESPONSE = { $ref: "nowhere#/nothing" };

describe("lazy route schemas", () => {
  it("validate and serialize as fastify's own compilers do", async () => {
    const app = await appWith(GOOD_RESPONSE);
    const ok = await app.inject({ method: "POST", url: "/echo", payload: { n: 3 } });
    expect(ok.statusCode).toBe(200);
    // The serializer drops what the response schema does not name.
    expect(ok.json()).toEqual({ n: 3 });
    const bad = await app.inject({ method: "POST", url: "/echo", payload: { n: 0 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toBe("body/n must be >= 1");
    const missing = await app.inject({ method: "POST", url: "/echo", payload: {} });
    expect(missing.json().message).toBe("body must have required property 'n'");
    // The reasons belong to the request that failed, not to an earlier one.
    expect((await app.inject({ method: "POST", url: "/echo", payload: { n: 5 } })).statusCode).toBe(200);
    await app.close();
  });

  it("start without compiling: a broken schema shows at its first request, or at once with compileAll", async () => {
    const lazy = await appWith(BROKEN_RESPONSE);
    await expect(lazy.ready()).resolves.toBeDefined();
    expect((await lazy.inject({ method: "POST", url: "/echo", payload: { n: 1 } })).statusCode).toBe(500);
    await lazy.close();
    const eager = await appWith(BROKEN_RESPONSE, { eager: true });
    await expect(eager.ready()).rejects.toThrow(/nowhere/);
  });

  it("every schema of the mock service compiles", async () => {
    const { services, store } = memoryServices();
    const app = await buildApp({ services, adminToken: "t", version: "0", compileSchemasAtStart: true });
    await expect(app.ready()).resolves.toBeDefined();
    await app.close();
    store.close();
  });
});
