/**
 * Base URLs given on the command line or in options (`--service`, `--public-url`): only http and
 * https make sense, and a wrong one should be named before anything starts.
 */
import { InputError } from "./errors.js";

/** Checks an http(s) base URL and returns it without trailing slashes; `where` names the option. */
export function httpBaseUrl(text: string, where: string, example = "http://127.0.0.1:8080"): string {
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw new InputError(`"${text}" is not a URL`, { where, hint: `e.g. ${example}` });
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new InputError(`"${text}" is not an http or https URL`, { where, hint: `e.g. ${example}` });
  }
  return text.replace(/\/+$/, "");
}
