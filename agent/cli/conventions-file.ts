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
import { InputError } from "../protocol/errors.js";
import { readJsonFile } from "../protocol/text-file.js";
import { componentProblem } from "../payload/component.js";
import type { IntuneConventions } from "../protocol/intune-conventions.js";

const EXAMPLE = '{"adminComponent": "pkg/pkg.Receiver", "enrollmentTokenExtra": "...", "serviceUrlExtra": "..."}';
/** A conventions file is four names; anything far larger is not one (and is read no further). */
export const MAX_CONVENTIONS_FILE_BYTES = 64 * 1024;
const KEYS = ["adminComponent", "enrollmentTokenExtra", "serviceUrlExtra", "extrasNamespace"] as const;

/** Checks parsed JSON as conventions; `label` names the file in findings and errors. */
export function parseConventions(json: unknown, label: string): IntuneConventions {
  const problem = (message: string, key?: string, hint = `write it as ${EXAMPLE}`) =>
    new InputError(message, { where: key ? `${label} at /${key}` : label, hint });
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
  // The check the android rules apply to the payload's component (admin-component-format): a name
  // they refuse would come back as the intune-admin-component fix, setting up every device to fail.
  const componentFault = componentProblem(adminComponent);
  if (componentFault !== null) {
    throw problem(`"adminComponent" ${JSON.stringify(adminComponent)} is not a component Android accepts: ${componentFault}`, "adminComponent",
      'write "package/class" (or "package/.Class") with Java names, e.g. "com.example.agent/com.example.agent.AdminReceiver"');
  }
  const enrollmentTokenExtra = text("enrollmentTokenExtra", true)!;
  const serviceUrlExtra = text("serviceUrlExtra", true)!;
  // One key cannot hold both: a bundle with a single URL string would pass as token and URL.
  if (enrollmentTokenExtra === serviceUrlExtra) {
    throw problem(`"serviceUrlExtra" names the same key as "enrollmentTokenExtra" (${JSON.stringify(serviceUrlExtra)}), so one value would pass as both the token and the URL`,
      "serviceUrlExtra", "give the service URL and the enrollment token the two keys your service issues");
  }
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
  const json = await readJsonFile(path, {
    noun: "a conventions file",
    expected: "a conventions JSON file",
    maxBytes: MAX_CONVENTIONS_FILE_BYTES,
    farMoreThan: "a conventions file (four names)",
    hint: `write it as ${EXAMPLE}`,
  });
  return parseConventions(json, path);
}
