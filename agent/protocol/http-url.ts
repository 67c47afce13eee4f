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
    // The one way a URL that looks whole fails to parse: a port past 65535.
    const port = /^\s*[a-z][a-z0-9+.-]*:\/\/[^/?#]*:(\d+)(?:[/?#]|\s*$)/i.exec(text)?.[1];
    if (port !== undefined && Number(port) > 65535) return { problem: `its port ${port} is above 65535` };
    return { problem: "it is not an absolute URL" };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return { problem: `its scheme is "${url.protocol.replace(/:$/, "")}"` };
  }
  return { url };
}

/**
 * Checks an http(s) base URL and returns it as WHATWG's URL writes it, without trailing slashes;
 * `where` names the option. One service is one URL however it was typed: `HTTP://Host:8080/`,
 * ` http://host:8080` and `http://host:8080` are all `http://host:8080` (a fleet's shards given
 * them were refused by merge-reports as runs against different services).
 */
export function httpBaseUrl(text: string, where: string, example = "http://127.0.0.1:8080"): string {
  const parsed = parseHttpUrl(text);
  if ("problem" in parsed) {
    throw new InputError(`"${text}" is not an http or https URL (${parsed.problem})`, { where, hint: `e.g. ${example}` });
  }
  const extra = baseUrlExtra(parsed.url);
  if (extra !== null) {
    throw new InputError(`"${shownUrl(parsed.url)}" cannot be a base URL: it has ${extra.what}, ${extra.why}`, {
      where,
      hint: `remove ${extra.what.startsWith("credentials") ? "them" : "it"}, e.g. ${example}`,
    });
  }
  return parsed.url.href.replace(/\/+$/, "");
}

/**
 * What a base URL holds that appending a path would break: the path would land in a query or a
 * fragment (never sent), and credentials would be handed to every device in its QR code.
 */
function baseUrlExtra(url: URL): { what: string; why: string } | null {
  if (url.username !== "" || url.password !== "") {
    return { what: "credentials (user:password@)", why: "which every URL made from it (QR codes, download locations) would carry" };
  }
  // An empty "?" or "#" leaves search or hash empty but still stands in href.
  const hash = url.href.indexOf("#");
  const appended = "and the paths appended to it would land there";
  if (url.href.slice(0, hash === -1 ? undefined : hash).includes("?")) return { what: `a query ("${url.search || "?"}")`, why: appended };
  if (hash !== -1) return { what: `a fragment ("${url.hash || "#"}")`, why: appended };
  return null;
}

/** The URL for a message, its password (if any) not repeated on the terminal. */
function shownUrl(url: URL): string {
  if (url.password === "") return url.href;
  const shown = new URL(url.href);
  shown.password = "***";
  return shown.href;
}
