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
import { readFile } from "node:fs/promises";
import { fileReadError, InputError } from "../protocol/errors.js";
import { notJsonProblem } from "../protocol/json-text.js";
import { unflattenComponent } from "../payload/component.js";
import type { IntuneConventions } from "../protocol/intune-conventions.js";

const EXAMPLE = '{"adminComponent": "pkg/pkg.Receiver", "enrollmentTokenExtra": "...", "serviceUrlExtra": "..."}';
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

export async function readConventionsFile(path: string): Promise<IntuneConventions> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw fileReadError(error, path, "a conventions JSON file", "pass the conventions JSON file");
  }
  let json: unknown;
  const withoutBom = text.replace(/^\uFEFF/, "");
  try {
    json = JSON.parse(withoutBom);
  } catch (error) {
    throw new InputError(notJsonProblem(withoutBom, error), { where: path, hint: `write it as ${EXAMPLE}` });
  }
  return parseConventions(json, path);
}
