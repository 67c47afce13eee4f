/**
 * A /beta URL brought to the one spelling the routes declare, before routing (fastify's
 * `rewriteUrl`), so routing, querystring validation, the option guard (odata.ts) and
 * `@odata.nextLink` all see a single form of what Graph takes in several:
 *
 *   - System query option names in any case, with or without `$`: `filter`, `$Filter`, `FILTER`
 *     and `$skipToken` are `$filter` and `$skiptoken` (OData 4.01 URL Conventions §5: names are
 *     case-insensitive and the `$` optional; Graph: "On the beta endpoint, the $ prefix is
 *     optional"). `$count`'s `TRUE`/`True` is `true` (boolean literals ignore case too). Other
 *     names are custom query options and stay as they are.
 *   - A key in parentheses is a key segment: `managedDevices('{id}')/detectedApps` is
 *     `managedDevices/{id}/detectedApps` (URL Conventions §4.3), the syntax `@odata.context` uses.
 *   - An alternate key the entity type declares (CSDL `Org.OData.Core.V1.AlternateKeys`) is a
 *     segment `<alias>=<key>`: `devices(deviceId='{deviceId}')` is `devices/deviceId={deviceId}`,
 *     which the set's `{id}` route reads (routes/admin/devices.ts). Only the declared ones: another
 *     `name(alias='key')` is left as sent and refused as an unknown segment.
 *   - A trailing slash is dropped: `.../managedDevices/` is the collection.
 *
 * A name written twice in two spellings (`filter=a&$filter=b`) becomes the same name twice, which
 * the option guard refuses as given more than once. Any other URL is returned as it came (the
 * device API pays one `startsWith`).
 */
import type { IncomingMessage } from "node:http";

/** OData 4.01's system query options, and Graph's `$deltatoken`, in the spelling the routes declare. */
const SYSTEM_OPTIONS: ReadonlyMap<string, string> = new Map(
  ["apply", "compute", "count", "deltatoken", "expand", "filter", "format", "id", "index", "levels", "orderby", "schemaversion", "search", "select", "skip", "skiptoken", "top"].map(
    (name) => [name, `$${name}`],
  ),
);

/** The admin API's paths: the only ones rewritten. */
const GRAPH_PREFIX = "/beta/";
/** `name(key)`: an entity set or navigation property followed by a key in parentheses. */
const KEYED_SEGMENT = /^([A-Za-z_][A-Za-z0-9_.]*)\((.+)\)$/s;
/** A key literal in quotes (`''` for a quote inside), as OData writes a string key. */
const QUOTED_KEY = /^'((?:[^']|'')*)'$/s;
/**
 * The alternate keys Graph's beta CSDL declares on the sets the mock serves, by set name: a
 * device's `deviceId` (msgraph-metadata, schemas/beta-*.csdl, EntityType `device`).
 */
const ALTERNATE_KEYS: ReadonlyMap<string, readonly string[]> = new Map([["devices", ["deviceId"]]]);
/** `alias=literal`: a key named by its alias, as an alternate key is written. */
const NAMED_KEY = /^([A-Za-z_][A-Za-z0-9_]*)=(.+)$/s;
/** A GUID key, which OData writes without quotes. */
const GUID_KEY = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** fastify's `rewriteUrl` option: the request's URL in canonical form (see above). */
export function rewriteGraphUrl(request: IncomingMessage): string {
  return canonicalGraphUrl(request.url ?? "/");
}

/** `url` (a path with an optional query) in canonical form; unchanged unless it is under /beta/. */
export function canonicalGraphUrl(url: string): string {
  if (!url.startsWith(GRAPH_PREFIX)) return url;
  const mark = url.indexOf("?");
  const path = mark < 0 ? url : url.slice(0, mark);
  const query = mark < 0 ? undefined : url.slice(mark + 1);
  return canonicalPath(path) + (query === undefined ? "" : `?${canonicalQuery(query)}`);
}

/** The canonical name of a query option as sent (`filter`, `$Filter`), or undefined for a custom option. */
export function systemOptionName(name: string): string | undefined {
  const bare = name.startsWith("$") ? name.slice(1) : name;
  return SYSTEM_OPTIONS.get(bare.toLowerCase());
}

/**
 * The spellings under which the query of `url` (as the client sent it) gives the option
 * `canonical`, in order: what a refusal of an option given twice quotes.
 */
export function spellingsOf(url: string, canonical: string): string[] {
  const mark = url.indexOf("?");
  if (mark < 0) return [];
  return url
    .slice(mark + 1)
    .split("&")
    .map((part) => safeDecode(part.split("=", 1)[0]!))
    .filter((name) => systemOptionName(name) === canonical || name === canonical);
}

/**
 * The key an entity's URL ends with, written either way (`.../directoryObjects/{id}` or
 * `.../directoryObjects('{id}')`), decoded; "" when it ends with none. For a reference's
 * `@odata.id`, which names an entity as a path does (URL Conventions §4.3).
 */
export function lastKeyOf(url: string): string {
  const path = url.replace(/\/+$/, "");
  const last = path.slice(path.lastIndexOf("/") + 1);
  const keyed = keySegment(last);
  return keyed === undefined ? last : safeDecode(keyed.slice(keyed.indexOf("/") + 1));
}

/** The path without a trailing slash, its keys in parentheses as segments. */
function canonicalPath(path: string): string {
  // "/beta/" alone keeps its slash: it is no route with or without it.
  const trimmed = path.length > GRAPH_PREFIX.length && path.endsWith("/") ? path.slice(0, -1) : path;
  return trimmed
    .split("/")
    .map((segment) => keySegment(segment) ?? segment)
    .join("/");
}

/** `name('key')` (or `name(<guid>)`) as `name/key`, the key escaped for a path; undefined for any other segment. */
function keySegment(segment: string): string | undefined {
  if (!segment.includes("(") && !segment.includes("%28")) return undefined;
  const match = KEYED_SEGMENT.exec(safeDecode(segment));
  if (!match) return undefined;
  const [, name, literal] = match as unknown as [string, string, string];
  const named = NAMED_KEY.exec(literal);
  if (named) {
    const [, alias, value] = named as unknown as [string, string, string];
    const key = keyOf(value);
    if (!ALTERNATE_KEYS.get(name)?.includes(alias) || key === undefined) return undefined;
    return `${name}/${alias}=${encodeURIComponent(key)}`;
  }
  const key = keyOf(literal);
  return key === undefined ? undefined : `${name}/${encodeURIComponent(key)}`;
}

/** A key literal's value (`'a''b'` is `a'b`, a GUID as written); undefined for an empty or unreadable one, which names no entity. */
function keyOf(literal: string): string | undefined {
  const quoted = QUOTED_KEY.exec(literal);
  const key = quoted ? quoted[1]!.replaceAll("''", "'") : GUID_KEY.test(literal) ? literal : undefined;
  return key === "" ? undefined : key;
}

/** The query with each system option under its canonical name, every value as sent. */
function canonicalQuery(query: string): string {
  return query
    .split("&")
    .map((part) => {
      const equals = part.indexOf("=");
      const rawName = equals < 0 ? part : part.slice(0, equals);
      const name = systemOptionName(safeDecode(rawName));
      if (name === undefined) return part;
      let value = equals < 0 ? "" : part.slice(equals);
      // $count's value is a boolean literal, which OData reads in any case.
      if (name === "$count" && /^=(true|false)$/i.test(value)) value = value.toLowerCase();
      return name + value;
    })
    .join("&");
}

/** `text` percent-decoded, or as it is when it holds a bad escape (the router answers that one). */
export function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
