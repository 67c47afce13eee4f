/**
 * The one check of an http(s) URL: base URLs given on the command line or in options
 * (`--service`, `--public-url`) and the service URL a payload hands the agent. Only http and
 * https make sense, and a wrong one should be named before anything starts. (A download location
 * is held to Android's stricter test instead: agent/payload/rules/download.ts.)
 */
import { InputError } from "./errors.js";

/** The http(s) URL `text` names, or why it is not one (for a message: `its scheme is "ftp"`). */
export function parseHttpUrl(text: string): { url: URL } | { problem: string } {
  let url: URL;
  try {
    // WHATWG parsing: http and https URLs without a host do not parse at all.
    url = new URL(text);
  } catch {
    return { problem: "it is not an absolute URL" };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return { problem: `its scheme is "${url.protocol.replace(/:$/, "")}"` };
  }
  return { url };
}

/** Checks an http(s) base URL and returns it without trailing slashes; `where` names the option. */
export function httpBaseUrl(text: string, where: string, example = "http://127.0.0.1:8080"): string {
  const parsed = parseHttpUrl(text);
  if ("problem" in parsed) {
    throw new InputError(`"${text}" is not an http or https URL (${parsed.problem})`, { where, hint: `e.g. ${example}` });
  }
  return text.replace(/\/+$/, "");
}
