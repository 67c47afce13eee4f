/**
 * The JSON Schema of a provisioning payload's structure: a JSON object whose known keys (long
 * names and short aliases) have the JSON type the device reads. Unknown keys are allowed here
 * (Android ignores them); the lint rules warn about them. The schema is generated from the key
 * table so it always matches the parser, and exported for other code (the mock service can
 * validate profiles' payloads with it).
 */
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { KEY_SPECS, type KeySpec, type KeyType } from "./keys.js";
import { judgeWholeNumber, JAVA_RANGES, type WholeNumberVerdict } from "./number-text.js";

type JsonSchema = Record<string, unknown>;

function schemaFor(type: KeyType): JsonSchema {
  switch (type) {
    case "string":
      return { type: "string" };
    case "component":
      return { type: "string", pattern: "^[^/]+/.+$" };
    case "boolean":
      return { type: "boolean" };
    case "int":
    case "long":
      // Bounds for other tools; typeProblems judges these keys' numbers from their text instead.
      return { type: "integer", minimum: Number(JAVA_RANGES[type].min), maximum: Number(JAVA_RANGES[type].max) };
    case "bundle":
      return { type: "object" };
  }
}

function buildSchema(): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const spec of KEY_SPECS) {
    if (spec.qr !== "applied") continue; // ignored keys are never read, so their type does not matter
    const schema = { ...schemaFor(spec.type), description: `${spec.name} (${spec.type})` };
    properties[spec.key] = schema;
    if (spec.alias !== null) properties[spec.alias] = schema;
  }
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    $id: "https://aosp-enroll-sim.invalid/schemas/provisioning-payload.json",
    title: "Android QR provisioning payload",
    type: "object",
    properties,
    additionalProperties: true,
  };
}

export const payloadSchema: Readonly<JsonSchema> = buildSchema();

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  compiled ??= new Ajv({ allErrors: true, strict: true, strictSchema: false }).compile(payloadSchema);
  return compiled;
}

export interface TypeProblem {
  /** The JSON key (long name or alias) whose value has the wrong type. */
  key: string;
  spec: KeySpec;
  value: unknown;
  /** ajv's keyword: "type", "minimum", "maximum" or "pattern"; "number" for a number judged from its text. */
  keyword: string;
  /** For a number under an int or long key: what is wrong with it as written. */
  number?: Exclude<WholeNumberVerdict, "ok">;
}

function isWholeNumberKey(spec: KeySpec | undefined): spec is KeySpec & { type: "int" | "long" } {
  return spec?.type === "int" || spec?.type === "long";
}

/**
 * Keys whose values do not have the JSON type the device reads. Only meaningful for a JSON
 * object (the caller checks that first). A number under an int or long key is judged from its
 * text as written (`numberTexts`, by key) when given, since the parsed number may have lost digits.
 */
export function typeProblems(
  json: Record<string, unknown>,
  lookup: (key: string) => KeySpec | undefined,
  numberTexts: ReadonlyMap<string, string> = new Map(),
): TypeProblem[] {
  const seen = new Set<string>();
  const problems: TypeProblem[] = [];
  for (const [key, value] of Object.entries(json)) {
    const spec = lookup(key);
    if (!isWholeNumberKey(spec) || typeof value !== "number") continue;
    seen.add(key); // judged here, whatever ajv thinks of the parsed number
    const verdict = judgeWholeNumber(numberTexts.get(key) ?? String(value), spec.type);
    if (verdict !== "ok") problems.push({ key, spec, value, keyword: "number", number: verdict });
  }
  const validate = validator();
  if (validate(json)) return problems;
  for (const error of validate.errors ?? []) {
    const key = topLevelKey(error);
    if (key === null || seen.has(key)) continue;
    const spec = lookup(key);
    if (!spec) continue;
    seen.add(key);
    problems.push({ key, spec, value: json[key], keyword: error.keyword });
  }
  return problems;
}

/** "/android.app.extra.PROVISIONING_WIFI_HIDDEN" -> the key (RFC 6901 unescaped). */
function topLevelKey(error: ErrorObject): string | null {
  const match = /^\/([^/]*)$/.exec(error.instancePath);
  if (!match) return null;
  return (match[1] ?? "").replace(/~1/g, "/").replace(/~0/g, "~");
}
