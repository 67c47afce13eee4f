/** JSON schema pieces shared by the route families (each family keeps its own schemas beside it). */

/** `{"error": {"code", "message", ...}}`, the body of every non-2xx answer. */
export const errorBodySchema = {
  $id: "ErrorBody",
  type: "object",
  description: "Every non-2xx answer. Admin API: Graph-style codes; device API: DeviceApiErrorCode values.",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      properties: {
        code: { type: "string" },
        message: { type: "string" },
        minimumVersion: { type: "string", description: "On agentVersionTooOld: the version the agent must reach." },
        details: { type: "array", items: { type: "object", additionalProperties: true } },
        innerError: { type: "object", additionalProperties: true },
      },
      additionalProperties: true,
    },
  },
} as const;

const errorRef = { $ref: "ErrorBody#" } as const;

/** Error answers a route may give, for the OpenAPI document and the serializer. */
export function errors(...statuses: number[]): Record<string, typeof errorRef> {
  return Object.fromEntries(statuses.map((status) => [String(status), errorRef]));
}

/**
 * A 200 that is a file, not JSON (a PNG, a package archive): OpenAPI's binary body of that media
 * type, so a generated client has a success type. The answer is bytes, which the serializer leaves alone.
 */
export function binaryFile(mediaType: string, description: string) {
  return { description, content: { [mediaType]: { schema: { type: "string", format: "binary" } } } } as const;
}

export const dateTime = { type: "string", format: "date-time" } as const;

/** Graph clients send @odata.type in create bodies; it is accepted and ignored. */
export const odataTypeProperty = { "@odata.type": { type: "string" } } as const;

export const idParams = {
  type: "object",
  required: ["id"],
  properties: { id: { type: "string", minLength: 1, maxLength: 200 } },
} as const;

/**
 * A Graph list: @odata.context, @odata.count ($count=true), @odata.nextLink (more pages) and value,
 * in Graph's order. `value` is always there but not listed as required: the serializer
 * (fast-json-stringify) writes required properties first, which put `value` before the count.
 */
export function listOf(item: object): object {
  return {
    type: "object",
    required: ["@odata.context"],
    properties: {
      "@odata.context": { type: "string" },
      "@odata.count": { type: "integer", description: "With $count=true: how many items match, over all pages" },
      "@odata.nextLink": { type: "string", description: "The URL of the next page; absent on the last page" },
      value: { type: "array", items: item, description: "The page's items (always present, [] when none)" },
    },
  };
}

export const noContent = { 204: { type: "null", description: "Done; no body." } } as const;

/** Security requirements, named as in the OpenAPI document's components. */
export type SecurityRequirement = Record<string, string[]>;
export const adminSecurity: SecurityRequirement[] = [{ adminToken: [] }];
export const deviceSecurity: SecurityRequirement[] = [{ deviceCredential: [] }];

/**
 * The schemas of one route family: the family's OpenAPI tag and security requirement are written
 * here once, and each route keeps its own summary, parameters, body and answers in view. A route
 * that names its own `security` keeps it.
 */
export function routeFamily(tag: string, security?: SecurityRequirement[]) {
  const common = { tags: [tag], ...(security === undefined ? {} : { security }) };
  return <S extends { summary: string; response: object }>(schema: S) => ({ ...common, ...schema });
}
