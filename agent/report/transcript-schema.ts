/**
 * Each record of a transcript checked against its type's part of the published schema
 * (schemas/transcript.schema.json), so that a record with a field missing or of the wrong type
 * (an edited or damaged line) is named, with its field, before `show` or `replay` reads it:
 * never an internal error deep inside them, nor a replay that compares `undefined`.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { packageSchema } from "../protocol/package-schema.js";
import { pointerKeys, typeWords, valueAt } from "../protocol/schema-words.js";

/** The record types a transcript holds, in the order the schema lists them. */
export const RECORD_TYPES = ["start", "state", "scan", "http", "power", "note", "end"] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

export function isRecordType(type: string): type is RecordType {
  return (RECORD_TYPES as readonly string[]).includes(type);
}

/** Compiled on first use (show and replay only): one validator per record type, from the schema's $defs. */
let validators: Map<RecordType, ValidateFunction> | undefined;

function validatorFor(type: RecordType): ValidateFunction {
  if (validators === undefined) {
    const schema = packageSchema("transcript.schema.json") as { $id: string };
    // allErrors: every missing field is named at once, not one per attempt.
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats.default(ajv, ["date-time"]); // a CommonJS module: its function is its default export
    ajv.addSchema(schema);
    validators = new Map(RECORD_TYPES.map((t) => [t, ajv.getSchema(`${schema.$id}#/$defs/${t}`)!]));
  }
  return validators.get(type)!;
}

/**
 * What is wrong with a record of a known type, in words (`"text" is missing`, `"at" is 12345,
 * not a string`), or null when nothing is. `alsoRequired`: top-level fields this record must
 * have besides the schema's (a version 2 state line's `from` and `eventType`).
 */
export function recordProblem(record: { readonly type: RecordType }, alsoRequired: readonly string[] = []): string | null {
  const validate = validatorFor(record.type);
  const fields = record as Record<string, unknown>;
  const errors: ErrorObject[] = validate(record) ? [] : [...(validate.errors ?? [])];
  const missing = [
    ...errors.filter((e) => e.keyword === "required").map((e) => fieldName(e.instancePath, String(e.params["missingProperty"]))),
    ...alsoRequired.filter((field) => fields[field] === undefined).map((field) => `"${field}"`),
  ];
  if (missing.length === 1) return `${missing[0]} is missing`;
  if (missing.length > 1) return `${missing.slice(0, -1).join(", ")} and ${missing.at(-1)} are missing`;
  const first = errors[0];
  if (first === undefined) return null;
  return `${fieldName(first.instancePath)} is ${quoted(valueAt(record, first.instancePath))}, ${wanted(first)}`;
}

/** What the value should have been, after "is VALUE, ". */
function wanted(error: ErrorObject): string {
  switch (error.keyword) {
    case "type":
      return `not ${typeWords(String(error.params["type"]))}`;
    case "enum":
      return `not one of ${(error.params["allowedValues"] as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`;
    case "const":
      return `not ${JSON.stringify(error.params["allowedValue"])}`;
    case "format":
      return "not a date and time (ISO 8601, as 2026-12-06T00:45:38.216Z)";
    default:
      return error.message ?? "not valid";
  }
}

/** A field as the message names it: "request.headers", "apps[0]"; `child` a field missing inside it. */
function fieldName(instancePath: string, child?: string): string {
  const parts = [...pointerKeys(instancePath), ...(child === undefined ? [] : [child])];
  return `"${parts.map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i === 0 ? p : `.${p}`)).join("")}"`;
}

/** A value as JSON, cut short when long (a whole object is not worth quoting). */
function quoted(value: unknown): string {
  const text = JSON.stringify(value) ?? "undefined";
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
