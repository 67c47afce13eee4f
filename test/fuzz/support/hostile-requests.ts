/**
 * Hostile requests for the admin and device APIs, as fast-check arbitraries. Every route comes
 * from the service's own OpenAPI document, so a route added later is fuzzed too. A request is
 * right (the route's method, its path with real ids, the right credential, a known-good JSON body)
 * but for one or two hostile parts, sometimes none or most: another method, hostile or mangled
 * path segments, OData options and other query parameters with near-valid or garbage values, an
 * Authorization header that is wrong, huge or malformed, a Content-Type that lies, odd extra
 * headers, and a body with hostile edits (wrong types, huge or odd strings, dropped and extra
 * keys) or hostile text (broken JSON, deep nesting, __proto__, oversized).
 */
import fc from "fast-check";
import { realIdFor, validBodies, type Fixtures } from "./world.js";

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  format?: string;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
}

export interface Route {
  method: string;
  /** OpenAPI path template, e.g. /beta/groups/{id}/members. */
  path: string;
  body: JsonSchema | null;
  /** The query options the route declares. */
  query: string[];
}

/** The routes of /openapi.json (the admin API, the simulator's extensions, the device API). */
export function routesOf(document: { paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: JsonSchema }> }; parameters?: { in: string; name: string }[] }>> }): Route[] {
  const routes: Route[] = [];
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      routes.push({
        method: method.toUpperCase(),
        path,
        body: operation.requestBody?.content["application/json"]?.schema ?? null,
        query: (operation.parameters ?? []).filter((p) => p.in === "query").map((p) => p.name),
      });
    }
  }
  return routes;
}

export interface HostileRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** What the request aims at, for the failure message. */
  route: string;
}

// ---- strings ----

/** Header-safe text (what an HTTP client can put in a header value: tab, printable ASCII and Latin-1). */
const headerText = (maxLength: number) =>
  fc.string({ unit: fc.oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0xa0, max: 0xff })).map((c) => String.fromCharCode(c)), maxLength });

const long = (unit: string, max: number) => fc.integer({ min: 1, max }).map((n) => unit.repeat(n));

/** Strings that have broken parsers: escapes, lone surrogates, control characters, numbers out of range. */
const oddString = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: "binary", maxLength: 30 }),
  fc.constantFrom("", " ", "'", "''", '"', "\\", "\u0000", "\uD800", "\uFEFF", "\u202E", "%", "%zz", "%00", "%C0%AF", "..", "../..", "null", "undefined", "NaN", "1e400", "-0", "9007199254740993", "__proto__", "constructor", "toString", "hasOwnProperty", "$ref", "@odata.id", "*", "(", ")", "{}", "[]", ","),
  long("a", 3000),
  long("\u00e9", 500),
  long("(", 3000),
);

/** encodeURIComponent, which throws on a lone surrogate: those go as the bytes UTF-8 makes of them. */
function encode(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return [...Buffer.from(text, "utf8")].map((byte) => `%${byte.toString(16).padStart(2, "0")}`).join("");
  }
}

// ---- path ----

/** The route's path with real ids. */
function realPath(route: Route, fixtures: () => Fixtures): fc.Arbitrary<string> {
  const segments = route.path.split("/");
  return fc.nat().map((n) =>
    segments
      .map((segment, i) => {
        const param = /^\{(.+)\}$/.exec(segment)?.[1];
        return param === undefined ? segment : encode(realIdFor(fixtures(), segments[i - 1] ?? "", param, n));
      })
      .join("/"),
  );
}

function pathArbitrary(route: Route, fixtures: () => Fixtures): fc.Arbitrary<string> {
  const segments = route.path.split("/").slice(1);
  const parts = segments.map((segment, i) => {
    const param = /^\{(.+)\}$/.exec(segment)?.[1];
    if (param === undefined) return fc.constant(segment);
    const previous = segments[i - 1] ?? "";
    return fc.oneof(
      { weight: 6, arbitrary: fc.nat().map((n) => encode(realIdFor(fixtures(), previous, param, n))) },
      { weight: 2, arbitrary: oddString.map(encode) },
      { weight: 1, arbitrary: fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 20 }) },
      { weight: 1, arbitrary: fc.constantFrom("%", "%zz", "%E0%A4%A", "..", "'abc'", "('x')", "%2F", "a%2Fb", "%00", "") },
      { weight: 1, arbitrary: fc.integer({ min: 500, max: 3000 }).map((n) => "x".repeat(n)) },
    );
  });
  const clean = fc.tuple(...parts).map((p) => `/${p.join("/")}`);
  const mangle = fc.constantFrom(
    (p: string) => p,
    (p: string) => `${p}/`,
    (p: string) => p.replace("/", "//"),
    (p: string) => p.toUpperCase(),
    (p: string) => `${p}/extra`,
    (p: string) => p.slice(0, Math.max(1, p.lastIndexOf("/"))),
    (p: string) => `${p}%2e%2e/`,
    (p: string) => `${p};x=1`,
    (p: string) => p.replace(/\/[^/]*$/, "/%ZZ"),
  );
  return fc.oneof({ weight: 5, arbitrary: clean }, { weight: 1, arbitrary: fc.tuple(clean, mangle).map(([p, m]) => m(p)) });
}

// ---- query ----

/** OData-shaped garbage: tokens of the grammar in random order. */
const odataGarbage = fc
  .array(
    fc.constantFrom(
      "eq", "ne", "gt", "ge", "lt", "le", "and", "or", "not", "in", "has", "(", ")", "'", "''", "'x'", ",", " ", "/", "$it", "any(d:d", "startswith(", "endswith(", "contains(",
      "userPrincipalName", "deviceName", "displayName", "managementState", "enrolledDateTime", "id", "groupTypes", "accountEnabled", "cameraBlocked",
      "microsoft.graph.managementState'wipePending'", "2026-03-01T00:00:00Z", "2026-13-45T99:99:99Z", "1e400", "-9223372036854775809", "null", "true", "asc", "desc", "*", "@odata.type",
    ),
    { maxLength: 25 },
  )
  .map((tokens) => tokens.join(" "));

const numberish = fc.constantFrom("-1", "0", "1", "999", "1000", "1001", "1e400", "99999999999999999999999", "1.5", "0x10", " 1", "", "NaN", "Infinity", "+5", "01", "1,2");

/** Property names of the collections (and some that are no one's). */
const propertyName = fc.constantFrom(
  "id", "displayName", "deviceName", "userPrincipalName", "managementState", "enrolledDateTime", "lastSyncDateTime", "model", "manufacturer", "serialNumber",
  "operatingSystem", "accountEnabled", "groupTypes", "membershipRule", "tokenExpirationDateTime", "enrollmentMode", "wifiSsid", "cameraBlocked", "passwordMinimumLength",
  "version", "createdDateTime", "applicationVersion", "skuPartNumber", "DEVICENAME", "nope", "__proto__", "constructor", "@odata.type", "value",
);

/** A filter value: text, numbers, dates, enums, GUIDs, right or wrong for the property. */
const filterValue = fc.oneof(
  oddString.map((text) => `'${text.replaceAll("'", "''")}'`),
  fc.constantFrom("true", "false", "null", "0", "-1", "4", "1e400", "2147483648", "9007199254740993", "1.5", "2026-03-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-03-01", "-271821-04-20T00:00:00Z",
    "00000000-0000-0000-0000-000000000000", "microsoft.graph.managementState'wipePending'", "'managed'", "'wipePending'", "'corporateOwnedAOSPUserlessDevice'", "'Unified'"),
);

/** Filters that parse, or nearly: comparisons, functions, `in`, and/or/not, nested. */
const nearValidFilter: fc.Arbitrary<string> = fc.letrec<{ filter: string }>((tie) => ({
  filter: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.tuple(propertyName, fc.constantFrom("eq", "ne", "gt", "ge", "lt", "le", "EQ", "has"), filterValue).map(([p, op, v]) => `${p} ${op} ${v}`),
    fc.tuple(fc.constantFrom("startswith", "endswith", "contains", "STARTSWITH", "substringof"), propertyName, filterValue).map(([f, p, v]) => `${f}(${p},${v})`),
    fc.tuple(propertyName, fc.array(filterValue, { maxLength: 4 })).map(([p, vs]) => `${p} in (${vs.join(",")})`),
    fc.tuple(fc.constantFrom("groupTypes", "roleScopeTagIds"), filterValue).map(([p, v]) => `${p}/any(c:c eq ${v})`),
    fc.tuple(tie("filter"), fc.constantFrom("and", "or", "AND"), tie("filter")).map(([a, op, b]) => `${a} ${op} ${b}`),
    tie("filter").map((f) => `not (${f})`),
    tie("filter").map((f) => `(${f})`),
    fc.tuple(fc.integer({ min: 1, max: 900 }), tie("filter")).map(([n, f]) => `${"(".repeat(n)}${f}${")".repeat(n)}`),
  ),
})).filter;

const propertyList = fc.array(fc.tuple(fc.oneof(propertyName, oddString), fc.constantFrom("", " asc", " desc", " DESC", " sideways")), { minLength: 1, maxLength: 6 });

/** A value for the query option `name`, shaped like what the option takes, then spoiled. */
function queryValueFor(name: string): fc.Arbitrary<string> {
  const garbage = fc.oneof({ weight: 3, arbitrary: odataGarbage }, { weight: 2, arbitrary: oddString }, { weight: 1, arbitrary: long("(", 3000) }, { weight: 1, arbitrary: long("x", 8000) });
  switch (name) {
    case "$filter":
      return fc.oneof({ weight: 4, arbitrary: nearValidFilter }, { weight: 2, arbitrary: garbage });
    case "$select":
      return fc.oneof({ weight: 4, arbitrary: propertyList.map((names) => names.map(([n]) => n).join(",")) }, { weight: 1, arbitrary: garbage });
    case "$orderby":
      return fc.oneof({ weight: 4, arbitrary: propertyList.map((names) => names.map(([n, d]) => `${n}${d}`).join(",")) }, { weight: 1, arbitrary: garbage });
    case "$top":
    case "$skip":
      return fc.oneof({ weight: 4, arbitrary: numberish }, { weight: 1, arbitrary: garbage });
    case "$count":
      return fc.constantFrom("true", "false", "TRUE", "1", "", "yes");
    default:
      return fc.oneof({ weight: 2, arbitrary: garbage }, { weight: 1, arbitrary: numberish });
  }
}

function queryArbitrary(route: Route): fc.Arbitrary<string> {
  const names = fc.oneof(
    { weight: 3, arbitrary: route.query.length > 0 ? fc.constantFrom(...route.query) : fc.constant("$filter") },
    { weight: 2, arbitrary: fc.constantFrom("$filter", "$select", "$top", "$skip", "$orderby", "$expand", "$count", "$skiptoken", "$search", "$format", "$apply", "$FILTER", "filter", "top", "$", "") },
    { weight: 1, arbitrary: oddString },
  );
  const pair = names.chain((name) =>
    fc.tuple(queryValueFor(name), fc.boolean()).map(([value, raw]) => (raw && /^[\x21-\x7e]*$/.test(value) ? `${name}=${value}` : `${encode(name)}=${encode(value)}`)),
  );
  return fc.oneof(
    // Mostly none where the route takes none: the rest of the request gets its turn.
    { weight: route.query.length > 0 ? 2 : 8, arbitrary: fc.constant("") },
    { weight: 5, arbitrary: fc.array(pair, { minLength: 1, maxLength: 4 }).map((pairs) => `?${pairs.join("&")}`) },
    { weight: 1, arbitrary: fc.constantFrom("?", "?&&", "?=", "?$top", "?$top=1&$top=2", "?%", "?$filter=%zz", "?a[b]=1", "?__proto__[x]=1", "?$count=true&$filter=displayName%20ne%20'x'") },
  );
}

// ---- body ----

/** A value that satisfies `schema`, roughly (the shapes the routes' schemas use). */
export function sampleOf(schema: JsonSchema | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 6) return fc.constant(null);
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const choices = schema.oneOf ?? schema.anyOf;
  if (choices) return fc.oneof(...choices.map((s) => sampleOf(s, depth + 1)));
  const types = Array.isArray(schema.type) ? schema.type : [schema.type ?? "object"];
  return fc.constantFrom(...types).chain((type): fc.Arbitrary<unknown> => {
    switch (type) {
      case "string":
        if (schema.format === "date-time") return fc.date({ min: new Date("2026-01-01"), max: new Date("2090-01-01"), noInvalidDate: true }).map((d) => d.toISOString());
        return fc.string({ minLength: 1, maxLength: Math.min(schema.maxLength ?? 20, 20) });
      case "integer":
        return fc.integer({ min: schema.minimum ?? 0, max: Math.min(schema.maximum ?? 1000, 1_000_000) });
      case "number":
        return fc.double({ noNaN: true });
      case "boolean":
        return fc.boolean();
      case "null":
        return fc.constant(null);
      case "array":
        return fc.array(sampleOf(schema.items, depth + 1), { maxLength: 3 });
      default: {
        const properties = schema.properties ?? {};
        const required = new Set(schema.required ?? []);
        const optional = Object.keys(properties).filter((key) => !required.has(key));
        return fc.tuple(fc.subarray(optional), ...Object.keys(properties).map((key) => sampleOf(properties[key], depth + 1))).map(([chosen, ...values]) => {
          const keys = Object.keys(properties);
          const object: Record<string, unknown> = {};
          keys.forEach((key, i) => {
            if (required.has(key) || chosen.includes(key)) object[key] = values[i];
          });
          return object;
        });
      }
    }
  });
}

/** Values of the wrong kind for any field. */
const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  oddString,
  fc.constantFrom(null, true, false, 0, -1, 1.5, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, [], {}, [null], { "": "" }),
  fc.json({ maxDepth: 3 }).map((text) => JSON.parse(text) as unknown),
  fc.integer({ min: 1, max: 3000 }).map((n) => JSON.parse(`${"[".repeat(n)}${"]".repeat(n)}`) as unknown),
);

/** A body with up to three hostile edits: a field dropped, replaced, added or wrapped. */
function edited(body: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  const edit = fc.record({ kind: fc.constantFrom("drop", "replace", "add", "nest"), pick: fc.nat(), value: wrongValue, key: oddString });
  return fc.tuple(body, fc.array(edit, { maxLength: 3 })).map(([sample, edits]) => {
    if (sample === null || typeof sample !== "object" || Array.isArray(sample)) return sample;
    const object = structuredClone(sample) as Record<string, unknown>;
    for (const e of edits) {
      const keys = Object.keys(object);
      const key = keys.length > 0 ? keys[e.pick % keys.length]! : e.key;
      if (e.kind === "drop") delete object[key];
      else if (e.kind === "replace") object[key] = e.value;
      else if (e.kind === "add") object[e.key] = e.value;
      else object[key] = { [e.key]: object[key] };
    }
    return object;
  });
}

/** Body text that is not what a JSON route expects. */
const hostileText = fc.oneof(
  fc.string({ maxLength: 50 }),
  fc.constantFrom("{", "}", "[", "{\"a\":", "{\"a\":1,}", "nul", "'x'", "{\"__proto__\":{\"admin\":true}}", "{\"constructor\":{\"prototype\":{\"x\":1}}}", "\uFEFF{}", "{}\u0000", "1e400", "[]", "\"x\"", "null", "true", "{} {}", "\u00ff\u00fe"),
  fc.integer({ min: 1, max: 20_000 }).map((n) => `${"[".repeat(n)}${"]".repeat(n)}`),
  fc.integer({ min: 1, max: 20_000 }).map((n) => `${'{"a":'.repeat(n)}1${"}".repeat(n)}`),
  fc.integer({ min: 1, max: 20_000 }).map((n) => "[".repeat(n)),
  fc.json({ maxDepth: 4 }),
);

/** Bodies over a route's limit: 256 KiB for most, 6 MiB for logs. */
const oversized = fc.constantFrom(300 * 1024, 7 * 1024 * 1024).map((size) => JSON.stringify({ logs: "x".repeat(size) }));

function bodyArbitrary(route: Route, fixtures: () => Fixtures): fc.Arbitrary<string | undefined> {
  const key = `${route.method} ${route.path}`;
  const fromSchema = route.body ? edited(sampleOf(route.body)).map((value) => JSON.stringify(value)) : fc.constant("{}");
  // Read as each request is made: the fixtures' ids change when the world is rebuilt.
  const fromValid = edited(fc.constant(null).map(() => validBodies(fixtures())[key] ?? {})).map((value) => JSON.stringify(value));
  return fc.oneof(
    { weight: route.body ? 4 : 10, arbitrary: fromSchema },
    { weight: route.body ? 6 : 1, arbitrary: fromValid },
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 3, arbitrary: hostileText },
    // Rare: building a 7 MiB body costs time.
    { weight: 1, arbitrary: fc.oneof({ weight: 1, arbitrary: oversized }, { weight: 9, arbitrary: fc.constant("") }) },
  );
}

// ---- headers ----

/** The right credential for the route, or (hostile) mostly a wrong, malformed or huge one. */
function authorizationArbitrary(route: Route, adminToken: string, fixtures: () => Fixtures, hostile: boolean): fc.Arbitrary<string | undefined> {
  const device = route.path.startsWith("/device/");
  const right = device ? fc.nat().map((n) => `Bearer ${fixtures().devices[n % 2]!.credential}`) : fc.constant(`Bearer ${adminToken}`);
  const wrong = fc.oneof(
    fc.constant(undefined),
    fc.constantFrom("", "Bearer", "Bearer ", "bearer", "Basic Zm9vOmJhcg==", "Negotiate x", `Bearer ${adminToken} extra`, `Bearer  ${adminToken}  `, `BEARER ${adminToken}`, `Bearer ${adminToken}\t`),
    fc.constant(null).map(() => (device ? `Bearer ${adminToken}` : `Bearer ${fixtures().devices[0]!.credential}`)),
    headerText(60).map((text) => `Bearer ${text}`),
    headerText(60),
    fc.integer({ min: 1000, max: 60_000 }).map((n) => `Bearer ${"A".repeat(n)}`),
  );
  return hostile ? fc.oneof({ weight: 1, arbitrary: right }, { weight: 4, arbitrary: wrong }) : right;
}

const contentType = fc.oneof(
  { weight: 6, arbitrary: fc.constant("application/json") },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      "application/json; charset=utf-8",
      "application/json; charset=utf-16",
      "application/json; charset=latin1",
      "APPLICATION/JSON",
      "application/json;;",
      "application/json; a=\"",
      "application/merge-patch+json",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
      "text/plain",
      "text/html",
      "application/octet-stream",
      "*/*",
      "",
      "json",
      "application/",
    ),
  },
  { weight: 1, arbitrary: headerText(40) },
);

const extraHeaders = fc.record(
  {
    consistencylevel: fc.constantFrom("eventual", "Eventual", "strong", ""),
    "client-request-id": headerText(200),
    accept: fc.constantFrom("application/json", "text/html", "*/*", "application/xml", ""),
    "content-encoding": fc.constantFrom("gzip", "br", "identity", "x"),
    "if-none-match": headerText(20),
    "x-http-method-override": fc.constantFrom("DELETE", "PATCH"),
  },
  { requiredKeys: [] },
);

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "PROPFIND", "get", "M-SEARCH"];

/** The parts of a request that are made hostile, each alone or with others. */
const DIMENSIONS = ["method", "path", "query", "authorization", "contentType", "headers", "body"] as const;
type Dimension = (typeof DIMENSIONS)[number];

/**
 * Which parts of a request are hostile: mostly one or two, so that the rest of the request is
 * right and the hostile part reaches the code behind the checks; sometimes none or many.
 */
const hostileParts = fc.oneof(
  { weight: 1, arbitrary: fc.constant<Dimension[]>([]) },
  { weight: 6, arbitrary: fc.subarray([...DIMENSIONS], { minLength: 1, maxLength: 2 }) },
  { weight: 2, arbitrary: fc.subarray([...DIMENSIONS], { minLength: 3 }) },
);

/**
 * A hostile request for one of `routes`. `fixtures` is read as each request is made: the world
 * behind it is rebuilt from time to time (with the same admin token).
 */
export function hostileRequest(routes: Route[], adminToken: string, fixtures: () => Fixtures): fc.Arbitrary<HostileRequest> {
  return fc.tuple(fc.constantFrom(...routes), hostileParts).chain(([route, parts]) => {
    const hostile = (part: Dimension) => parts.includes(part);
    const cleanBody = route.body ? fc.constant(null).map(() => JSON.stringify(validBodies(fixtures())[`${route.method} ${route.path}`] ?? {})) : fc.constant(undefined);
    return fc
      .record({
        method: hostile("method") ? fc.constantFrom(...METHODS) : fc.constant(route.method),
        path: hostile("path") ? pathArbitrary(route, fixtures) : realPath(route, fixtures),
        query: hostile("query") ? queryArbitrary(route) : fc.constant(""),
        authorization: authorizationArbitrary(route, adminToken, fixtures, hostile("authorization")),
        contentType: hostile("contentType") ? fc.option(contentType, { nil: undefined, freq: 8 }) : fc.constant("application/json"),
        extra: hostile("headers") ? extraHeaders : fc.constant({}),
        body: hostile("body") ? bodyArbitrary(route, fixtures) : cleanBody,
      })
      .map(({ method, path, query, authorization, contentType: type, extra, body }) => {
        const headers: Record<string, string> = { ...extra };
        if (authorization !== undefined) headers["authorization"] = authorization;
        if (type !== undefined && body !== undefined) headers["content-type"] = type;
        const sendsBody = body !== undefined && method.toUpperCase() !== "HEAD";
        return { method, url: `${path}${query}`, headers, ...(sendsBody ? { body } : {}), route: `${route.method} ${route.path}` };
      });
  });
}
