/**
 * Every error answer has the body `{"error": {"code", "message", ...}}`: Graph-style codes on
 * the admin API, DeviceApiErrorCode values on the device API (agent/protocol/device-api.ts).
 * Nothing else ever reaches the client: no stack traces, no framework wording.
 */
import { typeWords } from "../../agent/protocol/schema-words.js";
import { randomUUID } from "node:crypto";
import { STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { DEVICE_API_PREFIX, DEVICE_ERROR_STATUS, type DeviceApiErrorCode } from "../../agent/protocol/device-api.js";
import { isCorruptionError, isStorageFullError } from "../store/database.js";

/** The longest path parameter the router accepts (user principal names are up to 113 characters). */
export const MAX_PATH_PARAMETER_LENGTH = 512;

/** A refusal the service means to give: status, code and a message that says how to fix it. */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    /** Extra members of the error object, e.g. minimumVersion or details. */
    readonly extra: Record<string, unknown> = {},
    /** Response headers the refusal needs, e.g. Retry-After. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function deviceError(
  code: DeviceApiErrorCode,
  message: string,
  extra?: Record<string, unknown>,
  headers?: Record<string, string>,
): ApiError {
  return new ApiError(DEVICE_ERROR_STATUS[code], code, message, extra, headers);
}

/** The challenge of every 401, on both APIs. */
export const BEARER_CHALLENGE = 'Bearer realm="aosp-sim"';

/** Graph-style error codes the admin API uses. */
export const GRAPH_CODES = {
  badRequest: "invalidRequest",
  unauthenticated: "InvalidAuthenticationToken",
  notFound: "itemNotFound",
  internal: "generalException",
  unavailable: "serviceNotAvailable",
} as const;

export function badRequest(message: string, extra?: Record<string, unknown>): ApiError {
  return new ApiError(400, GRAPH_CODES.badRequest, message, extra);
}

/** A 404 for an id no object of its kind has; the directory's routes word it as Entra ID does (entraError). */
export class NotFoundError extends ApiError {
  constructor(
    readonly kind: string,
    readonly id: string,
  ) {
    super(404, GRAPH_CODES.notFound, `no ${kind} has the id '${id}'`);
  }
}

export function itemNotFound(kind: string, id: string): NotFoundError {
  return new NotFoundError(kind, id);
}

/**
 * Entra ID's codes. Graph passes the directory's own errors through: users, groups, devices,
 * directoryObjects, organization and subscribedSkus answer `Request_BadRequest` and
 * `Request_ResourceNotFound` where Intune's routes (deviceManagement) answer `invalidRequest` and
 * `itemNotFound` (README's "Admin API" cites the answers this follows).
 */
export const ENTRA_CODES = {
  badRequest: "Request_BadRequest",
  notFound: "Request_ResourceNotFound",
  /** A query option the directory cannot answer (an unsortable property, an unfilterable clause, $search without ConsistencyLevel). */
  unsupportedQuery: "Request_UnsupportedQuery",
} as const;

/** The first segments after /beta of the entity sets Entra ID serves. */
const DIRECTORY_SETS = new Set(["users", "groups", "devices", "directoryobjects", "organization", "subscribedskus"]);

/** Whether the request is for one of the directory's (Entra ID's) entity sets. */
export function isDirectoryRequest(url: string): boolean {
  const match = /^\/beta\/([^/?(]+)/.exec(url);
  return match !== null && DIRECTORY_SETS.has(match[1]!.toLowerCase());
}

/**
 * An admin error body as the directory words it: Intune's codes become Entra ID's, and a missing
 * object is Entra ID's sentence with the id asked for. Other codes (401, 413, 415, 503...) stay.
 */
export function entraError(body: ErrorContent, error: unknown): ErrorContent {
  if (body.code === GRAPH_CODES.badRequest) return { ...body, code: ENTRA_CODES.badRequest };
  if (body.code === GRAPH_CODES.notFound) {
    const id = error instanceof NotFoundError ? error.id : undefined;
    return {
      ...body,
      code: ENTRA_CODES.notFound,
      message:
        id === undefined ? body.message : `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
    };
  }
  return body;
}

/** Whether the request is for the device API, whose error bodies have their own codes and no innerError. */
export function isDeviceApi(request: FastifyRequest): boolean {
  return request.url.startsWith(`${DEVICE_API_PREFIX}/`) || request.url === DEVICE_API_PREFIX;
}

/**
 * Turns any error into the documented body. `log` receives unexpected errors (with stack); a
 * fault --chaos injected is no failure of the service's (the request line says it, with --log).
 * `fileOption` names the database file in a full disk's log line as the service's starter named
 * it (`--db`, or startMockService's `dbFile`), as the store's refusals at start do.
 */
export function makeErrorHandler(log: (line: string) => void, fileOption: string) {
  return (error: FastifyError | ApiError, request: FastifyRequest, reply: FastifyReply): void => {
    const device = isDeviceApi(request);
    // The route's own body limit (the log upload raises it); routing errors have no route yet.
    const described = describeError(error, device, request.routeOptions?.bodyLimit, request.routeOptions?.schema?.body, request.body);
    const { status } = described;
    const body = !device && isDirectoryRequest(request.url) ? entraError(described.body, error) : described.body;
    // A full disk fails every write alike until space returns: one line a request, not a stack
    // trace each. A refusal the service means to give (an ApiError: a stopping service's 503) is
    // no failure of its own.
    if (isStorageFullError(error)) {
      log(`disk full on ${request.method} ${request.url}: the disk holding the file given as ${fileOption} is full (${error.message}); free space there`);
    } else if (status >= 500 && !request.faultInjected && !(error instanceof ApiError)) {
      log(`internal error on ${request.method} ${request.url}: ${error.stack ?? error.message}`);
    }
    setTraceHeaders(request, reply);
    // RFC 9110 wants a challenge on every 401, on both APIs: the device API's credential (and a
    // package download's alternative to the cookie) is a Bearer one too. Its 401s for a refused
    // enrollment token or sign-in carry it as well: the body's code says what was refused.
    if (status === 401) reply.header("WWW-Authenticate", BEARER_CHALLENGE);
    if (error instanceof ApiError) reply.headers(error.headers);
    reply.code(status).type("application/json; charset=utf-8").send({
      error: device ? body : { ...body, innerError: innerError(request) },
    });
  };
}

/**
 * Graph's tracing headers: its own request-id, and the client's id echoed. Set by an onRequest
 * hook on every answer, and again by the error handler, which also answers what the router refuses
 * before any hook runs (a bad %-escape, an over-long path segment).
 */
export function setTraceHeaders(request: FastifyRequest, reply: FastifyReply): void {
  reply.header("request-id", request.id);
  reply.header("client-request-id", clientRequestIdOf(request));
}

/** Graph's innerError: when, and the ids a support case quotes (the client's own id echoed). */
export function innerError(request: FastifyRequest): Record<string, string> {
  return innerErrorOf(request.id, clientRequestIdOf(request));
}

/** Graph's innerError for a request known by its ids alone (one refused before it was served). */
export function innerErrorOf(requestId: string, clientRequestId: string): Record<string, string> {
  return { date: new Date().toISOString(), "request-id": requestId, "client-request-id": clientRequestId };
}

/**
 * The client-request-id header a Graph client sends (a GUID), when it is a sane value to echo;
 * otherwise the request-id, as Graph answers a request that came without one.
 */
export function clientRequestIdOf(request: FastifyRequest): string {
  return echoedClientRequestId(request.headers["client-request-id"], request.id);
}

/** The client-request-id header's value to echo, or `requestId` when it is missing or not sane. */
export function echoedClientRequestId(value: unknown, requestId: string): string {
  return typeof value === "string" && /^[\x21-\x7e]{1,128}$/.test(value) ? value : requestId;
}

/**
 * fastify's clientErrorHandler: what Node's HTTP parser refuses before there is a request (a URL
 * and headers over its 16 KB, bytes that are not HTTP, a request not finished in time) gets the
 * documented error body too, not the framework's `{"error", "message", "statusCode"}`.
 */
export function clientErrorHandler(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === "ECONNRESET" || socket.destroyed) return;
  const [status, message] =
    error.code === "HPE_HEADER_OVERFLOW"
      ? [431, "the request's URL and headers are longer than the 16 KB the service reads; shorten the URL (a long $filter can be split into several requests)"]
      : error.code === "ERR_HTTP_REQUEST_TIMEOUT"
        ? [408, "the request was not received in full in time; send it again"]
        : [400, "the request is not valid HTTP"];
  if (socket.writable) {
    const requestId = randomUUID();
    const body = JSON.stringify({ error: { code: GRAPH_CODES.badRequest, message, innerError: innerErrorOf(requestId, requestId) } });
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nrequest-id: ${requestId}\r\nclient-request-id: ${requestId}\r\n` +
        `Connection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

/** The `error` object of an answer: its code, its message and any extra members. */
export interface ErrorContent {
  code: string;
  message: string;
  [extra: string]: unknown;
}

/** A size as people write it: 256 KiB, 10 MiB, 1000 bytes. */
export function sizeText(count: number): string {
  if (count % (1024 * 1024) === 0) return `${count / (1024 * 1024)} MiB`;
  if (count % 1024 === 0) return `${count / 1024} KiB`;
  return `${count} bytes`;
}

/** What a 503 says when the database cannot serve the request (damaged, or its disk full), or null. */
function storeFailure(error: unknown): string | null {
  if (isCorruptionError(error)) {
    return "the service's database file is damaged, so this request cannot be served; the admin must restore it (the service log has the details)";
  }
  if (isStorageFullError(error)) {
    return "the disk holding the service's database is full, so this request could not be saved; try again once the admin frees space (the service log has the details)";
  }
  return null;
}

function describeError(
  error: FastifyError | ApiError,
  device: boolean,
  bodyLimit: number | undefined,
  bodySchema: unknown,
  body: unknown,
): { status: number; body: ErrorContent } {
  if (error instanceof ApiError) {
    return { status: error.statusCode, body: { code: error.code, message: error.message, ...error.extra } };
  }
  const unavailable = storeFailure(error);
  if (unavailable !== null) {
    // Graph answers 503 serviceNotAvailable when its store cannot serve; the cause is logged.
    return { status: 503, body: { code: device ? "serviceUnavailable" : GRAPH_CODES.unavailable, message: unavailable } };
  }
  const invalid = (message: string) => ({ status: 400, body: { code: "invalidRequest", message } });
  if (error.validation) return invalid(validationMessage(error, bodySchema, body));
  switch (error.code) {
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return invalid("the request body is empty; send a JSON object");
    case "FST_ERR_CTP_INVALID_CONTENT_LENGTH":
      return invalid("the Content-Length header does not match the body");
    case "FST_ERR_BAD_URL":
      return invalid("the URL path is not valid: a % must start an escape such as %20 or %40");
    case "FST_ERR_MAX_PARAM_LENGTH":
      return invalid(`a segment of the URL path is longer than ${MAX_PATH_PARAMETER_LENGTH} characters; no id is that long`);
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return {
        status: 413,
        body: {
          code: "payloadTooLarge",
          message: `the request body is larger than the ${bodyLimit === undefined ? "size" : sizeText(bodyLimit)} this route accepts; send a smaller one`,
        },
      };
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return {
        status: 415,
        body: {
          code: "unsupportedMediaType",
          message: "send the body as JSON with the header Content-Type: application/json",
        },
      };
  }
  const status = typeof error.statusCode === "number" ? error.statusCode : 500;
  if (status >= 400 && status < 500) {
    return invalid(`the request cannot be processed (${status})`);
  }
  return {
    status: 500,
    body: {
      code: device ? "internalError" : GRAPH_CODES.internal,
      message: "the service failed to handle this request; its log has the details",
    },
  };
}

/**
 * One sentence from ajv's first complaint, naming the field the way the caller wrote it. With the
 * route's body schema, a missing property that takes a fixed set of values lists them; with the
 * body, a property sent in another case (`DisplayName`, as PowerShell hashtables are often
 * written) is named with the spelling the route takes, since JSON property names in a Graph body
 * are case-sensitive and "is required" alone hides the typo.
 */
export function validationMessage(error: FastifyError, bodySchema?: unknown, body?: unknown): string {
  const first = error.validation?.[0];
  if (!first) return "the request is invalid";
  const context = error.validationContext ?? "body";
  const pointer = first.instancePath.replace(/^\//, "").replaceAll("/", ".");
  const params = first.params as Record<string, unknown>;
  const where = (field: string) => {
    if (context === "querystring") return `query parameter ${field}`;
    if (context === "params") return `path parameter ${field}`;
    return field === "" ? "the request body" : `"${field}"`;
  };
  const join = (field: unknown) => (pointer ? `${pointer}.${String(field)}` : String(field));
  switch (first.keyword) {
    case "required": {
      const missing = String(params["missingProperty"]);
      const values = context === "body" ? allowedValues(bodySchema, first.instancePath, missing) : undefined;
      const sent = context === "body" ? sameNameInOtherCase(Object.keys(objectAt(body, first.instancePath) ?? {}), missing) : undefined;
      const hint = sent === undefined ? "" : ` (the body has "${join(sent)}": property names are case-sensitive; write "${missing}")`;
      return `${where(join(missing))} is required${values ? `: one of ${values.join(", ")}` : ""}${hint}`;
    }
    case "additionalProperties": {
      const extra = String(params["additionalProperty"]);
      const declared = context === "body" ? sameNameInOtherCase(Object.keys(schemaAt(bodySchema, first.instancePath)?.properties ?? {}), extra) : undefined;
      const hint = declared === undefined ? "" : `; property names are case-sensitive: write "${declared}"`;
      return `${where(join(extra))} is not a property this route accepts${hint}`;
    }
    case "enum":
      return `${where(pointer)} must be one of: ${(params["allowedValues"] as unknown[]).map((value) => (value === null ? "null" : String(value))).join(", ")}`;
    case "type":
      return pointer === "" && context === "body"
        ? "the request body must be a JSON object"
        : `${where(pointer)} must be ${typeWords(String(params["type"]))}`;
    case "format":
      return `${where(pointer)} must be ${FORMATS[String(params["format"])] ?? `in the format ${String(params["format"])}`}`;
    case "maxLength":
      return `${where(pointer)} is longer than ${String(params["limit"])} characters`;
    case "minLength":
      return Number(params["limit"]) === 1
        ? `${where(pointer)} must not be empty`
        : `${where(pointer)} must be at least ${String(params["limit"])} characters`;
    default:
      return `${where(pointer)} ${first.message ?? "is invalid"}`;
  }
}

/** What each JSON schema format the routes use asks for, in words. */
const FORMATS: Record<string, string> = {
  date: "a day the calendar has, written YYYY-MM-DD (2024-02-30 and 2024-13-01 are none), e.g. 2024-02-01",
  "date-time": "a date and time written as ISO 8601, e.g. 2030-01-01T00:00:00Z",
};

/** The object schema at a JSON pointer into the body (properties only, as the routes' bodies nest). */
function schemaAt(bodySchema: unknown, instancePath: string): { properties?: Record<string, unknown> } | undefined {
  let schema = bodySchema as { properties?: Record<string, unknown> } | undefined;
  for (const segment of instancePath.split("/").slice(1)) {
    schema = schema?.properties?.[segment] as typeof schema;
  }
  return schema;
}

/** The object at a JSON pointer into the body, or undefined. */
function objectAt(body: unknown, instancePath: string): Record<string, unknown> | undefined {
  let value = body;
  for (const segment of instancePath.split("/").slice(1)) {
    value = value !== null && typeof value === "object" ? (value as Record<string, unknown>)[segment] : undefined;
  }
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** The name among `names` that is `name` in another case, if any. */
function sameNameInOtherCase(names: readonly string[], name: string): string | undefined {
  return names.find((candidate) => candidate !== name && candidate.toLowerCase() === name.toLowerCase());
}

/** The values the body schema allows for property `name` of the object at `instancePath`, if it lists them. */
function allowedValues(bodySchema: unknown, instancePath: string, name: string): string[] | undefined {
  const schema = schemaAt(bodySchema, instancePath);
  const values = (schema?.properties?.[name] as { enum?: unknown[] } | undefined)?.enum;
  return values?.filter((value) => value !== null).map(String);
}
