// Writes mock-service/odata/graph-declared.ts: the structural properties Graph beta's CSDL declares
// on the entity types the mock serves (user, group, managedDevice), inherited ones included, each
// with its CSDL type, and their navigation properties. The OData layer reads it to tell a property
// Graph has but the mock does not simulate (answered as Graph answers it unset) from a name Graph
// does not know (Graph's 400), and a navigation Graph has but the mock does not serve (501).
//
// Usage: tsx scripts/graph-declared.ts CSDL... [--names TYPE-MAPPINGS.json]
//   CSDL         CSDL XML files (e.g. msgraph-metadata's schemas/beta-Prod.csdl); for each type, the
//                first file that declares it gives its properties.
//   --names      msgraph-metadata's schemas/type-mappings/beta-entity-types.json (generated from
//                beta-Prod.csdl): names it lists that no CSDL file declared are added, type unknown,
//                and its navigation properties.
// Nothing is downloaded: pass files you fetched yourself.
import { readFileSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { xml2json } from "odata-csdl/lib/xml2json.js";

/** The entity types whose properties the mock's collections take. */
const TYPES = ["user", "group", "managedDevice"] as const;
const NS = "microsoft.graph";

type CsdlMember = { $Kind?: string; $Type?: string; $Collection?: boolean; $Nullable?: boolean };
type Names = { properties?: string[]; navigationProperties?: string[] };
type CsdlType = Record<string, CsdlMember | string | boolean> & { $Kind?: string; $BaseType?: string };

function fail(message: string): never {
  process.stderr.write(`graph-declared: ${message}\n`);
  process.exit(2);
}

const args = process.argv.slice(2);
const namesAt = args.indexOf("--names");
const namesFile = namesAt >= 0 ? args[namesAt + 1] : undefined;
if (namesAt >= 0 && namesFile === undefined) fail("--names needs a file: schemas/type-mappings/beta-entity-types.json");
const csdlFiles = args.filter((_, i) => namesAt < 0 || (i !== namesAt && i !== namesAt + 1));
if (csdlFiles.length === 0) fail("give the path of a CSDL XML file, e.g. tsx scripts/graph-declared.ts beta-Prod.csdl");

const schemas = csdlFiles.map((file) => {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    fail(`cannot read ${file}: ${(error as Error).message}`);
  }
  try {
    const json = xml2json(text) as Record<string, Record<string, CsdlType>>;
    const schema = json[NS];
    if (!schema) fail(`${file} has no ${NS} schema; give a Graph CSDL file`);
    return schema;
  } catch (error) {
    fail(`${file} is not CSDL XML: ${(error as Error).message}`);
  }
});

const local = (qualified: string) => qualified.replace(/^(graph|microsoft\.graph)\./, "");
const qualify = (type: string) => type.replace(/^graph\./, `${NS}.`);

/** The type's declaration in the first file that has it. */
function declaration(name: string): CsdlType | undefined {
  for (const schema of schemas) if (schema[name]?.$Kind === "EntityType") return schema[name];
  return undefined;
}

/** name -> CSDL type ("!" after a non-nullable single value), base types first. */
function properties(name: string): Record<string, string> {
  const type = declaration(name);
  if (!type) return {};
  const inherited = type.$BaseType ? properties(local(type.$BaseType)) : {};
  const own: Record<string, string> = {};
  for (const [property, member] of Object.entries(type)) {
    if (property.startsWith("$") || property.includes("@") || typeof member !== "object" || member.$Kind === "NavigationProperty") continue;
    const edm = qualify(member.$Type ?? "Edm.String");
    own[property] = member.$Collection ? `Collection(${edm})` : `${edm}${member.$Nullable ? "" : "!"}`;
  }
  return { ...inherited, ...own };
}

/** The type's navigation properties, its base types' included. */
function navigation(name: string): string[] {
  const type = declaration(name);
  if (!type) return [];
  const own = Object.entries(type).filter(([p, m]) => !p.startsWith("$") && typeof m === "object" && m.$Kind === "NavigationProperty").map(([p]) => p);
  return [...(type.$BaseType ? navigation(local(type.$BaseType)) : []), ...own];
}

const names = namesFile ? (JSON.parse(readFileSync(namesFile, "utf8")) as Record<string, Record<string, Names>>)[NS] : undefined;
const out: Record<string, Record<string, string>> = {};
const navigations: Record<string, string[]> = {};
for (const name of TYPES) {
  navigations[`${NS}.${name}`] = [...new Set([...navigation(name), ...(names?.[name]?.navigationProperties ?? [])])].sort((a, b) => a.localeCompare(b));
  const declared = properties(name);
  if (Object.keys(declared).length === 0) fail(`no CSDL file given declares the entity type ${NS}.${name}`);
  for (const extra of names?.[name]?.properties ?? []) declared[extra] ??= "?";
  out[`${NS}.${name}`] = Object.fromEntries(Object.entries(declared).sort(([a], [b]) => a.localeCompare(b)));
}

const sources = [...csdlFiles, ...(namesFile ? [namesFile] : [])].map((file) => basename(file)).join(", ");
const body = Object.entries(out)
  .map(([type, props]) => `  ${JSON.stringify(type)}: {\n${Object.entries(props).map(([p, t]) => `    ${p}: ${JSON.stringify(t)},`).join("\n")}\n  },`)
  .join("\n");
const target = join(resolve(import.meta.dirname, ".."), "mock-service", "odata", "graph-declared.ts");
writeFileSync(
  target,
  `// Generated by scripts/graph-declared.ts from ${sources}; do not edit by hand.
/**
 * The structural properties Graph beta declares on the entity types the mock serves, inherited ones
 * included: the CSDL type of each, "!" after a single value Graph declares Nullable="false", "?" for
 * a name Graph's type mappings list whose type the CSDL files given did not declare.
 */
export const GRAPH_DECLARED: Readonly<Record<string, Readonly<Record<string, string>>>> = {
${body}
};

/** The navigation properties Graph beta declares on those types, inherited ones included. */
export const GRAPH_NAVIGATION: Readonly<Record<string, readonly string[]>> = {
${Object.entries(navigations).map(([type, list]) => `  ${JSON.stringify(type)}: ${JSON.stringify(list)},`).join("\n")}
};
`,
);
process.stdout.write(`wrote ${target}: ${Object.entries(out).map(([t, p]) => `${t} ${Object.keys(p).length}`).join(", ")}\n`);
