/**
 * POST /beta/$batch: Graph's JSON batching (https://learn.microsoft.com/graph/json-batching), as the
 * Graph SDKs' BatchRequestContent sends it. Up to 20 requests, each answered as if sent alone: it
 * runs through the same routes, hooks, validation and errors (fastify's inject, with the batch's
 * admin token), and its answer comes back as `{id, status, headers, body}`.
 *
 * The rules Graph documents, and what the mock does with each:
 *   - `id`, `method` and `url` are required; ids are unique, ignoring case; `url` is relative to
 *     the version (`/users` or `users`): an absolute URL, or one that repeats `/beta`, is that
 *     request's 400, as Graph answers "Resource not found for the segment 'beta'" for it;
 *   - a `body` needs `headers` with a `Content-Type`; a JSON body is an object or array, any
 *     other is a base64 string;
 *   - `dependsOn` orders requests: a request runs after those it names, and is answered
 *     424 Failed Dependency when one of them failed. A batch is fully parallel (no `dependsOn`) or
 *     fully sequential (every request but the first names one), as Graph requires, and a request
 *     can only depend on one before it;
 *   - answers may come in any order (clients match them by id); the mock runs the requests one
 *     after the other in the order given, so a batch's outcome is deterministic, and lets other
 *     requests in between them.
 *
 * A batch still running when the service starts to stop is answered 200 like any other: each
 * request not yet served gets the stop's own 503 (serviceNotAvailable, Retry-After) as its
 * answer, as Graph answers a batched request it refuses (throttled, unavailable) in its place in
 * the batch, so a client retries just those.
 */
import { randomUUID } from "node:crypto";
import { setImmediate as nextTurn } from "node:timers/promises";
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from "fastify";
import { badRequest, echoedClientRequestId, innerErrorOf } from "../../http/errors.js";
import { serviceStopping } from "../../http/shutdown.js";
import { adminSecurity, errors, routeFamily } from "../../http/schemas.js";

/** Graph's limit on the requests of one batch. */
export const MAX_BATCH_REQUESTS = 20;

/** One request of a batch, as the client sends it. */
interface BatchStep {
  id: string;
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  dependsOn?: string[];
}

/** One answer of a batch. */
interface BatchAnswer {
  id: string;
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

/** The methods the admin API's routes take. */
const METHODS = ["GET", "POST", "PATCH", "PUT", "DELETE"];

const route = routeFamily("admin: batch", adminSecurity);

const batchSchema = route({
  summary: `Send up to ${MAX_BATCH_REQUESTS} admin API requests in one (Graph JSON batching); each is answered as if sent alone`,
  body: {
    type: "object",
    additionalProperties: false,
    required: ["requests"],
    properties: {
      requests: {
        type: "array",
        minItems: 1,
        items: {
          type: "object",
          additionalProperties: false,
          required: ["id", "method", "url"],
          properties: {
            id: { type: "string", minLength: 1, maxLength: 200 },
            method: { type: "string", enum: [...METHODS, ...METHODS.map((method) => method.toLowerCase())] },
            url: { type: "string", minLength: 1, maxLength: 8192 },
            headers: { type: "object", additionalProperties: { type: "string" } },
            body: { description: "A JSON object or array, or a base64 string for another Content-Type" },
            dependsOn: { type: "array", items: { type: "string" }, maxItems: MAX_BATCH_REQUESTS },
          },
        },
      },
    },
  },
  response: {
    200: {
      type: "object",
      properties: {
        responses: {
          type: "array",
          items: {
            type: "object",
            required: ["id", "status"],
            properties: {
              id: { type: "string" },
              status: { type: "integer" },
              headers: { type: "object", additionalProperties: { type: "string" } },
              body: {},
            },
          },
        },
      },
    },
    ...errors(400, 401, 413, 415),
  },
});

/** The route of /beta/$batch. */
export function batchRoutes(): FastifyPluginAsync {
  return async (app) => {
    app.post<{ Body: { requests: BatchStep[] } }>("/beta/$batch", { schema: batchSchema }, async (request) => {
      const steps = request.body.requests;
      checkBatch(steps);
      const answers = new Map<string, BatchAnswer>();
      for (const [index, step] of steps.entries()) {
        // An injected request never returns to the event loop; between steps the service serves
        // other clients (its health check, the devices), so a batch of costly reads holds up
        // nobody for its whole length.
        if (index > 0) await nextTurn();
        const failed = (step.dependsOn ?? []).map((id) => answers.get(id.toLowerCase())!).find((answer) => answer.status >= 400);
        const answer = failed
          ? failedDependency(step, failed)
          : (stepProblem(step) ?? (await runStep(request.server, request, step)));
        answers.set(step.id.toLowerCase(), answer);
      }
      return { responses: [...answers.values()] };
    });
  };
}

/** Refuses, as a whole, a batch Graph would refuse: too many requests, repeated ids, bad dependencies. */
function checkBatch(steps: BatchStep[]): void {
  if (steps.length > MAX_BATCH_REQUESTS) {
    throw badRequest(`a batch holds at most ${MAX_BATCH_REQUESTS} requests; this one holds ${steps.length}: send the rest in another batch`);
  }
  const seen = new Set<string>();
  for (const [index, step] of steps.entries()) {
    const id = step.id.toLowerCase();
    if (seen.has(id)) throw badRequest(`requests[${index}].id "${step.id}" is used twice (ids are compared ignoring case); give each request its own id`);
    for (const dependency of step.dependsOn ?? []) {
      if (!seen.has(dependency.toLowerCase())) {
        throw badRequest(
          `requests[${index}].dependsOn names "${dependency}", which is not the id of a request before it; a request can depend only on one listed earlier`,
        );
      }
    }
    seen.add(id);
  }
  const sequential = steps.some((step) => step.dependsOn !== undefined && step.dependsOn.length > 0);
  const loose = steps.slice(1).findIndex((step) => (step.dependsOn ?? []).length === 0);
  if (sequential && loose >= 0) {
    throw badRequest(
      `requests[${loose + 1}] names no dependsOn while others do: a batch is either fully parallel (no dependsOn) or fully sequential (every request after the first names one)`,
    );
  }
}

/** The 400 a request gets alone when its url or body cannot be sent as Graph would take them. */
function stepProblem(step: BatchStep): BatchAnswer | undefined {
  const refuse = (message: string) => errorAnswer(step.id, 400, "BadRequest", message);
  if (/^[a-z][a-z0-9+.-]*:/i.test(step.url)) {
    return refuse(`the url of a batched request is relative to the version, e.g. /users; "${step.url}" is absolute`);
  }
  const path = relativePath(step.url);
  if (/^\/(beta|v1\.0)(\/|\?|$)/i.test(path)) {
    return refuse(`Resource not found for the segment '${path.split(/[/?]/)[1]}': the url of a batched request is relative to the version, e.g. /users, not /beta/users`);
  }
  if (/^\/\$batch(\/|\?|$)/i.test(path)) return refuse("a batch cannot hold another batch");
  if (step.body !== undefined && contentType(step) === undefined) {
    return refuse("a request with a body needs headers with its Content-Type, e.g. \"headers\": {\"Content-Type\": \"application/json\"}");
  }
  if (step.body !== undefined && !isJson(contentType(step)!) && typeof step.body !== "string") {
    return refuse(`a body sent as ${contentType(step)} is given as a base64 string`);
  }
  return undefined;
}

/** Runs one request through the service's own routes, with the batch's credentials. */
async function runStep(server: FastifyInstance, batch: FastifyRequest, step: BatchStep): Promise<BatchAnswer> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(step.headers ?? {})) {
    // The batch's own credentials stand for every request in it, as in Graph; the connection's
    // headers belong to the batch's connection, and the length follows the body sent.
    if (!HOP_HEADERS.has(name.toLowerCase()) && name.toLowerCase() !== "authorization" && name.toLowerCase() !== "host") headers[name.toLowerCase()] = value;
  }
  if (batch.headers.authorization !== undefined) headers["authorization"] = batch.headers.authorization;
  // A next page's link is built on the address the client used: the batch's, not the default
  // `localhost:80` an injected request would otherwise have.
  if (batch.headers.host !== undefined) headers["host"] = batch.headers.host;
  const type = contentType(step);
  const payload =
    step.body === undefined ? undefined : type !== undefined && isJson(type) && typeof step.body !== "string" ? JSON.stringify(step.body) : Buffer.from(String(step.body), "base64");
  let reply: Awaited<ReturnType<FastifyInstance["inject"]>>;
  try {
    reply = await server.inject({ method: step.method.toUpperCase() as "GET", url: `/beta${relativePath(step.url)}`, headers, ...(payload === undefined ? {} : { payload }) });
  } catch (error) {
    // Once the service starts to stop, fastify injects nothing more: the request gets the 503 it
    // would get sent alone then.
    if ((error as { code?: unknown }).code === "FST_ERR_REOPENED_CLOSE_SERVER") return stoppingAnswer(step.id, headers["client-request-id"]);
    throw error;
  }
  const answerHeaders: Record<string, string> = {};
  for (const [name, value] of Object.entries(reply.headers)) {
    if (value === undefined || HOP_HEADERS.has(name)) continue;
    answerHeaders[headerName(name)] = Array.isArray(value) ? value.join(", ") : String(value);
  }
  const answer: BatchAnswer = { id: step.id, status: reply.statusCode, headers: answerHeaders };
  if (reply.rawPayload.length > 0) {
    answer.body = isJson(String(reply.headers["content-type"] ?? "")) ? JSON.parse(reply.body) : reply.rawPayload.toString("base64");
  }
  return answer;
}

/** Headers of the connection, not of the answer: a batched answer has none of them. */
const HOP_HEADERS = new Set(["connection", "keep-alive", "content-length", "transfer-encoding", "date"]);

/**
 * A header's name as Graph writes it in a batched answer (`Content-Type`, `Location`,
 * `OData-Version`): the Graph client's BatchResponseContent looks for "Content-Type" in exactly
 * that case to read a JSON body back.
 */
function headerName(name: string): string {
  if (name === "odata-version") return "OData-Version";
  return name.replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => dash + letter.toUpperCase());
}

/** `url` as a path under the version: a leading slash added when left out. */
function relativePath(url: string): string {
  return url.startsWith("/") ? url : `/${url}`;
}

/** The Content-Type the step's headers name, whatever their case. */
function contentType(step: BatchStep): string | undefined {
  return Object.entries(step.headers ?? {}).find(([name]) => name.toLowerCase() === "content-type")?.[1];
}

/** Whether a Content-Type names JSON (application/json, or a +json type). */
function isJson(type: string): boolean {
  return /^application\/([\w.+-]+\+)?json\b/i.test(type.trim());
}

/** The answer of a request one of whose dependencies failed: it is not run. */
function failedDependency(step: BatchStep, failed: BatchAnswer): BatchAnswer {
  return errorAnswer(step.id, 424, "failedDependency", `not run: request "${failed.id}", which this one depends on, failed with ${failed.status}`);
}

/** The answer of a request the stopping service did not run: the stop's 503, with its own request-id. */
function stoppingAnswer(id: string, clientRequestIdHeader: string | undefined): BatchAnswer {
  const refusal = serviceStopping(false);
  const requestId = randomUUID();
  const clientRequestId = echoedClientRequestId(clientRequestIdHeader, requestId);
  return {
    id,
    status: refusal.statusCode,
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Request-Id": requestId,
      "Client-Request-Id": clientRequestId,
      "OData-Version": "4.0",
      ...refusal.headers,
    },
    body: { error: { code: refusal.code, message: refusal.message, innerError: innerErrorOf(requestId, clientRequestId) } },
  };
}

/** An answer carrying the documented error body. */
function errorAnswer(id: string, status: number, code: string, message: string): BatchAnswer {
  return { id, status, headers: { "Content-Type": "application/json" }, body: { error: { code, message } } };
}
