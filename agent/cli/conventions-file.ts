/**
 * `--conventions FILE`: the names a team's real service issues, for the intune-aosp rules:
 *
 *   { "adminComponent": "com.example.agent/com.example.agent.AdminReceiver",
 *     "enrollmentTokenExtra": "com.example.agent.enrollmentToken",
 *     "serviceUrlExtra": "com.example.agent.serviceUrl",
 *     "extrasNamespace": "com.example.agent." }          (extrasNamespace optional)
 *
 * Anything wrong with the file is an InputError (exit 2) naming the key.
 */
import { readFileBounded, textReadLimit, type BoundedBytes } from "../protocol/bounded-read.js";
import { fileReadError, InputError } from "../protocol/errors.js";
import { notJsonProblem, textLooksBinary } from "../protocol/json-text.js";
import { unflattenComponent } from "../payload/component.js";
import type { IntuneConventions } from "../protocol/intune-conventions.js";

const EXAMPLE = '{"adminComponent": "pkg/pkg.Receiver", "enrollmentTokenExtra": "...", "serviceUrlExtra": "..."}';
/** A conventions file is four names; anything far larger is not one (and is read no further). */
export const MAX_CONVENTIONS_FILE_BYTES = 64 * 1024;
const KEYS = ["adminComponent", "enrollmentTokenExtra", "serviceUrlExtra", "extrasNamespace"] as const;

/** Checks parsed JSON as conventions; `label` names the file in findings and errors. */
export function parseConventions(json: unknown, label: string): IntuneConventions {
  const problem = (message: string, key?: string) =>
    new InputError(message, { where: key ? `${label} at /${key}` : label, hint: `write it as ${EXAMPLE}` });
  if (typeof json !== "object" || json === null || Array.isArray(json)) throw problem("is not a JSON object");
  const record = json as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!(KEYS as readonly string[]).includes(key)) throw problem(`has an unknown key "${key}" (known: ${KEYS.join(", ")})`, key);
  }
  const text = (key: (typeof KEYS)[number], required: boolean): string | undefined => {
    const value = record[key];
    if (value === undefined && !required) return undefined;
    if (typeof value !== "string" || value.trim() === "") throw problem(`needs "${key}" as a non-empty string`, key);
    return value;
  };
  const adminComponent = text("adminComponent", true)!;
  if (unflattenComponent(adminComponent) === null) throw problem(`"adminComponent" is not "package/class": ${JSON.stringify(adminComponent)}`, "adminComponent");
  const enrollmentTokenExtra = text("enrollmentTokenExtra", true)!;
  const serviceUrlExtra = text("serviceUrlExtra", true)!;
  // Without a namespace, the keys' common prefix up to a dot: typos of the two keys are caught.
  const extrasNamespace = text("extrasNamespace", false) ?? commonDottedPrefix(enrollmentTokenExtra, serviceUrlExtra);
  return { label: `conventions from ${label}`, mock: false, adminComponent, enrollmentTokenExtra, serviceUrlExtra, extrasNamespace };
}

function commonDottedPrefix(a: string, b: string): string {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  const prefix = a.slice(0, i);
  const dot = prefix.lastIndexOf(".");
  // No shared namespace: flag nothing beyond the two keys (an impossible prefix).
  return dot < 0 ? "\u0000" : prefix.slice(0, dot + 1);
}

/** Reads a conventions file of any kind (pipes and devices too) no further than MAX_CONVENTIONS_FILE_BYTES. */
export async function readConventionsFile(path: string): Promise<IntuneConventions> {
  let read: BoundedBytes;
  try {
    read = await readFileBounded(path, textReadLimit(MAX_CONVENTIONS_FILE_BYTES));
  } catch (error) {
    throw fileReadError(error, path, "a conventions JSON file", "pass the conventions JSON file");
  }
  const text = read.bytes.toString("utf8").replace(/^\uFEFF/, "");
  // Binary data is named as such whatever its size (it was read only far enough to tell).
  if (read.overLimit && !textLooksBinary(text)) {
    throw new InputError(`is more than ${MAX_CONVENTIONS_FILE_BYTES / 1024} KiB, far more than a conventions file (four names)`, {
      where: path,
      hint: `pass the conventions JSON file, written as ${EXAMPLE}`,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const problem = textLooksBinary(text) ? "is binary data, not JSON" : notJsonProblem(text, error);
    throw new InputError(problem, { where: path, hint: `write it as ${EXAMPLE}` });
  }
  return parseConventions(json, path);
}
