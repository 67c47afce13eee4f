/**
 * The HTTP application: fastify with ajv validation, one plugin per route family, one error
 * shape for every failure and the OpenAPI document of both APIs. This file only wires things.
 */
import { randomUUID } from "node:crypto";
import swagger from "@fastify/swagger";
import Fastify, { type FastifyInstance } from "fastify";
import { registerConsole, type ConsoleNotFound } from "./console/index.js";
import { requireAdmin } from "./http/auth.js";
import { canonicalPathIds } from "./http/ids.js";
import { clientErrorHandler, innerError, makeErrorHandler, MAX_PATH_PARAMETER_LENGTH, setTraceHeaders } from "./http/errors.js";
import { parseJsonBodiesOnly } from "./http/json-body.js";
import { lazySchemas } from "./http/lazy-schemas.js";
import { rewriteGraphUrl } from "./http/graph-url.js";
import { refuseUnsupportedQueryOptions, setODataVersion } from "./http/odata.js";
import { rawCountRoutes } from "./odata/collection.js";
import { errorBodySchema } from "./http/schemas.js";
import { chaosHook, type ChaosOptions } from "./http/chaos.js";
import { injectedAnswersHook, type AnswerInjector } from "./http/injected-answers.js";
import { routeFamilyOf } from "./http/route-family.js";
import { refuseWhileStopping, ShutdownGate, trackHandlers } from "./http/shutdown.js";
import { throttleHook, type ThrottleBudget } from "./http/throttle.js";
import { RouteTemplates, v1PathMessage } from "./http/unknown-routes.js";
import { unsimulatedRoute } from "./odata/unsimulated-routes.js";
import { nameOperations } from "./http/operation-ids.js";
import { batchRoutes } from "./routes/admin/batch.js";
import { groupRoutes } from "./routes/admin/groups.js";
import { managedDeviceRoutes } from "./routes/admin/managed-devices.js";
import { metadataRoutes } from "./routes/admin/metadata.js";
import { organizationRoutes } from "./routes/admin/organization.js";
import { policyRoutes } from "./routes/admin/policies.js";
import { profileRoutes } from "./routes/admin/profiles.js";
import { roleScopeTagRoutes } from "./routes/admin/role-scope-tags.js";
import { termsRoutes } from "./routes/admin/terms.js";
import { deviceManagementRoutes } from "./routes/admin/device-management.js";
import { directoryObjectRoutes } from "./routes/admin/directory-objects.js";
import { directoryNavigationRoutes } from "./routes/admin/directory-navigation.js";
import { directoryDeviceRoutes } from "./routes/admin/devices.js";
import { userRoutes } from "./routes/admin/users.js";
import { deviceRoutes } from "./routes/device/device.js";
import { packageRoutes } from "./routes/device/packages.js";
import { publicRoutes } from "./routes/public.js";
import { simRoutes } from "./routes/sim/sim.js";
import type { Services } from "./services/index.js";

const RESPONSE_NOTES: Record<string, string> = {
  "429": "Throttled (a request budget with --throttle, or --chaos): wait the seconds in the Retry-After header, then retry",
  "503": "Service unavailable (injected with --chaos, or the service is stopping): retry after the Retry-After seconds, with backoff",
};

/** Admin and device bodies are small; the log upload route raises its own limit. */
export const DEFAULT_BODY_LIMIT = 256 * 1024;

export interface AppOptions {
  services: Services;
  adminToken: string;
  /** Log a line per request (method, path, status, time). */
  logRequests?: boolean;
  version: string;
  /** A request budget for the admin API (429 with Retry-After past it). */
  throttle?: ThrottleBudget;
  /** Injected latency, failures and throttling per route family. */
  chaos?: ChaosOptions;
  /** Answers given in the service's place, before anything else sees the request (http/injected-answers.ts). */
  injectAnswers?: AnswerInjector;
  /** Refuses requests once the service stops, and tracks running handlers so the stop can wait for them. */
  shutdown?: ShutdownGate;
  /**
   * Compile every route's validators and serializers while starting, as fastify does by default,
   * instead of at each route's first request (http/lazy-schemas.ts): a test's way to check them all.
   */
  compileSchemasAtStart?: boolean;
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { services, adminToken } = options;
  const { ctx } = services;
  const handleError = makeErrorHandler(ctx.log, ctx.store.fileOption);
  const schemas = lazySchemas();
  const shutdown = options.shutdown ?? new ShutdownGate();
  const app = Fastify({
    logger: false,
    // A request that comes while the service stops gets the documented 503 body (refuseWhileStopping),
    // not fastify's own `{"error": "Service Unavailable", ...}` without request-id or Retry-After.
    return503OnClosing: false,
    // Errors found while routing (a bad %-escape, an over-long path segment) get the same body.
    frameworkErrors: handleError,
    // And what Node's HTTP parser refuses before there is a request (a URL over 16 KB).
    clientErrorHandler,
    bodyLimit: DEFAULT_BODY_LIMIT,
    genReqId: () => randomUUID(),
    requestTimeout: 60_000,
    // Path parameters include user principal names (up to 113 characters) and ids.
    routerOptions: { maxParamLength: MAX_PATH_PARAMETER_LENGTH },
    ajv: {
      // Validate exactly: no silent removal of unknown properties, no type coercion.
      customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false, allowUnionTypes: true },
    },
    schemaController: { compilersFactory: schemas.compilersFactory },
    // A /beta URL in Graph's other spellings (option names without `$` or in another case, keys
    // in parentheses, a trailing slash) is brought to the routes' own before routing.
    rewriteUrl: rewriteGraphUrl,
  });
  if (options.compileSchemasAtStart) app.addHook("onReady", async () => schemas.compileAll());
  app.decorateRequest("device", null);
  app.decorateRequest("faultInjected", false);
  // Graph's tracing headers on every answer: its own request-id, and the client's id echoed;
  // and on a /beta answer, the OData version.
  app.addHook("onRequest", async (request, reply) => {
    setTraceHeaders(request, reply);
    setODataVersion(request, reply);
  });
  parseJsonBodiesOnly(app);
  app.setErrorHandler(handleError);
  // A path under /beta without a route is answered as Graph does (an unknown segment, a method the path does not take).
  const betaRoutes = new RouteTemplates();
  app.addHook("onRoute", betaRoutes.learn);
  const authenticateAdmin = requireAdmin(adminToken);
  // Set once the console's routes are registered, below.
  let consoleNotFound: ConsoleNotFound = () => null;
  app.setNotFoundHandler(async (request, reply) => {
    const consolePage = consoleNotFound(request, reply);
    if (consolePage) return consolePage;
    const path = request.url.split("?")[0];
    if (path?.startsWith("/beta/")) {
      await authenticateAdmin(request);
      // A Graph route the mock does not simulate says so (501); a path Graph lacks gets Graph's own refusal.
      throw unsimulatedRoute(request.method, path, (item) => betaRoutes.servedUnder(item)) ?? betaRoutes.error(request.method, path);
    }
    const message = v1PathMessage(request.method, path ?? "") ?? `there is no route ${request.method} ${path}; see /openapi.json for the routes`;
    reply.code(404).send({
      error: { code: "notFound", message, ...(path?.startsWith("/device/") ? {} : { innerError: innerError(request) }) },
    });
  });
  app.addHook("onRoute", nameOperations);
  // Every route of the APIs may answer 429 (throttling) and 5xx (with --chaos): say so in OpenAPI.
  app.addHook("onRoute", (route) => {
    const response = route.schema?.response as Record<string, unknown> | undefined;
    if (!response || !routeFamilyOf(route.url)) return;
    for (const status of ["429", "503"]) response[status] ??= { $ref: "ErrorBody#", description: RESPONSE_NOTES[status] };
  });
  if (options.injectAnswers) app.addHook("onRequest", injectedAnswersHook(options.injectAnswers));
  if (options.chaos) app.addHook("onRequest", chaosHook(options.chaos, shutdown.signal));
  // After chaos: a request whose --chaos latency the stop cut short is refused here too.
  app.addHook("onRequest", refuseWhileStopping(shutdown));
  app.addHook("preClose", async () => shutdown.begin());
  app.addHook("onRoute", trackHandlers(shutdown));
  if (options.logRequests) {
    app.addHook("onResponse", async (request, reply) => {
      const injected = request.faultInjected ? " (injected by --chaos)" : "";
      ctx.log(`${request.method} ${request.url} ${reply.statusCode} ${reply.elapsedTime.toFixed(1)}ms${injected}`);
    });
  }

  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "aosp-sim mock enrollment service",
        version: options.version,
        description:
          "Admin API shaped like Microsoft Graph beta (bearer admin token), the simulator's own admin " +
          "extensions under /sim/v1, and the device API under /device/v1 (bearer device credential).",
      },
      components: {
        securitySchemes: {
          adminToken: { type: "http", scheme: "bearer", description: "The admin token serve prints on its first line" },
          deviceCredential: { type: "http", scheme: "bearer", description: "The credential issued at enrollment" },
          downloadCookie: { type: "apiKey", in: "cookie", name: "aospsim_download", description: "From the QR payload" },
        },
      },
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === "string" ? json.$id : `def-${i}`) },
    transformObject: (document) =>
      "openapiObject" in document
        ? { ...document.openapiObject, servers: [{ url: ctx.baseUrl() }] }
        : document.swaggerObject,
  });
  app.addSchema(errorBodySchema);
  consoleNotFound = await registerConsole(app, services, adminToken);

  await app.register(async (admin) => {
    admin.addHook("onRequest", authenticateAdmin);
    if (options.throttle) admin.addHook("onRequest", throttleHook(options.throttle, ctx.now));
    admin.addHook("onRequest", refuseUnsupportedQueryOptions);
    admin.addHook("onRequest", canonicalPathIds);
    admin.addHook("onRequest", betaRoutes.refuseLiteralAsParameter);
    // Every list route registered below gets its GET .../$count twin.
    admin.addHook("onRoute", rawCountRoutes);
    await admin.register(metadataRoutes());
    await admin.register(userRoutes(services));
    await admin.register(profileRoutes(services));
    await admin.register(roleScopeTagRoutes(services));
    await admin.register(managedDeviceRoutes(services));
    await admin.register(groupRoutes(services));
    await admin.register(simRoutes(services));
    await admin.register(organizationRoutes(services));
    await admin.register(policyRoutes(services));
    await admin.register(termsRoutes(services));
    await admin.register(deviceManagementRoutes(services));
    await admin.register(directoryObjectRoutes(services));
    await admin.register(directoryNavigationRoutes(services));
    await admin.register(directoryDeviceRoutes(services));
    await admin.register(batchRoutes());
  });
  await app.register(deviceRoutes(services));
  await app.register(packageRoutes(services, adminToken));
  await app.register(publicRoutes());
  return app;
}
