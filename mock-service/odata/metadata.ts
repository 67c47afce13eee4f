/**
 * `GET /beta/$metadata`: a CSDL (OData 4.0 XML) document describing what the mock serves, a
 * faithful subset of Graph beta's: the same namespace (microsoft.graph), type names, base types
 * (entity, directoryObject), enum members, the deviceManagement singleton with its contained
 * managedDevices, androidDeviceOwnerEnrollmentProfiles, policies and terms, and the users, groups, organization and
 * subscribedSkus entity sets. It is generated from the same collection definitions the query
 * options use, so a property that filters is a property the document declares, and from a
 * CsdlModel of the rest the answers refer to (types, navigation lists, actions). The properties
 * Graph declares that the mock does not simulate (answered in a `$select` as Graph answers them
 * unset) are declared too where their type is primitive or a complex type the model declares.
 */
import { GRAPH_DECLARED } from "./graph-declared.js";
import { findProperty, type CollectionDef, type PropertyDef } from "./model.js";

const NS = "microsoft.graph";

/** A structured type: its base type (qualified), whether abstract, and its properties' CSDL types. */
export interface StructuredTypeDef {
  base?: string;
  abstract?: boolean;
  properties?: Record<string, string>;
  /** The properties that refuse null (declared Nullable="false"). */
  notNullable?: readonly string[];
}

/** An action bound to an entity type (POST .../{id}/name): its parameters and return type. */
export interface ActionDef {
  name: string;
  /** The qualified entity type it is bound to. */
  boundTo: string;
  parameters?: Record<string, string>;
  returns?: string;
}

/**
 * What the document declares beyond the collections' own entity types: the types their answers
 * refer to (derived types, complex types, the items of the short navigation lists), those lists
 * as contained navigation properties, other entity sets, and the actions. Names are short (in
 * the namespace); types referred to are qualified.
 */
export interface CsdlModel {
  /**
   * Enum types no collection's property declares (an action parameter's, a navigation target's
   * property): their members in order (valued 0, 1, ...), or each member with Graph's value where
   * Graph skips some (policyPlatformType's `all` is 100).
   */
  enumTypes?: Record<string, readonly string[] | Readonly<Record<string, number>>>;
  complexTypes: Record<string, StructuredTypeDef>;
  entityTypes: Record<string, StructuredTypeDef>;
  /**
   * Collection-valued navigation properties: the owner's and target's qualified types; contained
   * unless `contained` is false (a reference to entities that live elsewhere).
   */
  navigation: { of: string; name: string; type: string; contained?: false }[];
  entitySets: Record<string, string>;
  actions: ActionDef[];
}

const NO_MODEL: CsdlModel = { complexTypes: {}, entityTypes: {}, navigation: [], entitySets: {}, actions: [] };

function escape(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");
}

function edmType(property: PropertyDef): string {
  if (property.edm) return property.edm;
  switch (property.type) {
    case "boolean":
      return "Edm.Boolean";
    case "int":
      return "Edm.Int32";
    case "dateTime":
      return "Edm.DateTimeOffset";
    case "guid":
      return "Edm.Guid";
    default:
      return "Edm.String";
  }
}

const shortName = (qualified: string) => qualified.slice(qualified.lastIndexOf(".") + 1);

/** The open entity type the document declares itself; CSDL requires a type derived from it to be open too. */
const OPEN_TYPES: ReadonlySet<string> = new Set([`${NS}.directoryObject`]);

/** A navigation property: its name, target type and whether the target is contained. */
type Navigation = [name: string, target: string, contained: boolean];

/**
 * The properties Graph declares on the def's type that the mock does not simulate but answers in a
 * `$select` (as Graph answers them unset), where their type is one the document can name: a
 * primitive, or a complex type the model declares. Inherited ones are declared on their base.
 */
function unsimulatedDeclarations(def: CollectionDef, model: CsdlModel): [string, string, boolean?][] {
  const inherited = new Set(["id", ...(def.baseType === `${NS}.directoryObject` ? ["deletedDateTime"] : [])]);
  const declarations: [string, string, boolean?][] = [];
  for (const [name, csdl] of Object.entries(GRAPH_DECLARED[def.entityType] ?? {})) {
    if (inherited.has(name) || findProperty(def, name)) continue;
    const type = csdl.replace(/!$/, "");
    const inner = /^Collection\((.+)\)$/.exec(type)?.[1] ?? type;
    const nameable = inner.startsWith("Edm.") || Object.hasOwn(model.complexTypes, shortName(inner));
    if (nameable) declarations.push([name, type, csdl.endsWith("!") ? false : undefined]);
  }
  return declarations;
}

export function csdlDocument(defs: readonly CollectionDef[], model: CsdlModel = NO_MODEL): string {
  const enums = new Map<string, readonly string[] | Readonly<Record<string, number>>>();
  const entityTypes = new Map<string, { base: string; properties: [string, string, boolean?][]; navigation: Navigation[] }>();
  const entitySets: [string, string][] = [];
  const navigationOf = new Map<string, Navigation[]>();

  for (const def of defs) {
    const navigation = "navigationOf" in def.container ? def.container : undefined;
    if (navigation) {
      const list = navigationOf.get(navigation.navigationOf) ?? [];
      list.push([navigation.name, def.entityType, navigation.contained !== false]);
      navigationOf.set(navigation.navigationOf, list);
    } else if ("entitySet" in def.container) {
      entitySets.push([def.container.entitySet, def.entityType]);
    }
    if (def.declaresType === false) continue;
    const properties: [string, string, boolean?][] = [];
    for (const [name, property] of Object.entries(def.properties)) {
      if (name === "id") continue; // declared once, on microsoft.graph.entity (the key)
      if (property.type === "enum" && property.edm && property.members) enums.set(property.edm, property.values ?? property.members);
      properties.push([name, edmType(property), property.nullable]);
    }
    properties.push(...unsimulatedDeclarations(def, model));
    entityTypes.set(def.entityType, { base: def.baseType ?? `${NS}.entity`, properties, navigation: [] });
  }
  for (const [name, members] of Object.entries(model.enumTypes ?? {})) enums.set(`${NS}.${name}`, members);
  for (const [name, type] of Object.entries(model.entityTypes)) {
    entityTypes.set(`${NS}.${name}`, {
      base: type.base ?? `${NS}.entity`,
      properties: Object.entries(type.properties ?? {}).map(([property, edm]) => [property, edm, type.notNullable?.includes(property) ? false : undefined]),
      navigation: [],
    });
  }
  for (const { of, name, type, contained } of model.navigation) navigationOf.set(of, [...(navigationOf.get(of) ?? []), [name, type, contained !== false]]);
  entitySets.push(...Object.entries(model.entitySets));
  for (const [owner, navigation] of navigationOf) {
    const type = entityTypes.get(owner) ?? { base: `${NS}.entity`, properties: [], navigation: [] };
    type.navigation.push(...navigation);
    entityTypes.set(owner, type);
  }

  const lines: string[] = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">',
    "  <edmx:DataServices>",
    `    <Schema Namespace="${NS}" Alias="graph" xmlns="http://docs.oasis-open.org/odata/ns/edm">`,
  ];
  for (const [name, members] of [...enums].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(`      <EnumType Name="${shortName(name)}">`);
    const valued = Array.isArray(members) ? members.map((member, value) => [member, value] as const) : Object.entries(members);
    for (const [member, value] of valued) lines.push(`        <Member Name="${escape(member)}" Value="${value}" />`);
    lines.push("      </EnumType>");
  }
  for (const [name, type] of Object.entries(model.complexTypes)) {
    const base = type.base ? ` BaseType="${type.base}"` : "";
    lines.push(`      <ComplexType Name="${name}"${base}${type.abstract ? ' Abstract="true"' : ""}>`);
    for (const [property, edm] of Object.entries(type.properties ?? {})) {
      lines.push(`        <Property Name="${property}" Type="${edm}"${type.notNullable?.includes(property) ? ' Nullable="false"' : ""} />`);
    }
    lines.push("      </ComplexType>");
  }
  lines.push(
    '      <EntityType Name="entity" Abstract="true">',
    '        <Key><PropertyRef Name="id" /></Key>',
    '        <Property Name="id" Type="Edm.String" Nullable="false" />',
    "      </EntityType>",
    `      <EntityType Name="directoryObject" BaseType="${NS}.entity" OpenType="true">`,
    '        <Property Name="deletedDateTime" Type="Edm.DateTimeOffset" />',
    "      </EntityType>",
  );
  // OData CSDL 4.01 §6.3: "An entity type derived from an open entity type MUST indicate that it is also open."
  const isOpen = (name: string | undefined): boolean => name !== undefined && (OPEN_TYPES.has(name) || isOpen(entityTypes.get(name)?.base));
  for (const [name, type] of entityTypes) {
    lines.push(`      <EntityType Name="${shortName(name)}" BaseType="${type.base}"${isOpen(type.base) ? ' OpenType="true"' : ""}>`);
    for (const [property, edm, nullable] of type.properties) {
      lines.push(`        <Property Name="${property}" Type="${edm}"${nullable === false ? ' Nullable="false"' : ""} />`);
    }
    for (const [property, target, contained] of type.navigation) {
      lines.push(`        <NavigationProperty Name="${property}" Type="Collection(${target})"${contained ? ' ContainsTarget="true"' : ""} />`);
    }
    lines.push("      </EntityType>");
  }
  for (const action of model.actions) {
    lines.push(`      <Action Name="${action.name}" IsBound="true">`, `        <Parameter Name="bindingParameter" Type="${action.boundTo}" />`);
    for (const [name, edm] of Object.entries(action.parameters ?? {})) lines.push(`        <Parameter Name="${name}" Type="${edm}" />`);
    if (action.returns) lines.push(`        <ReturnType Type="${action.returns}" />`);
    lines.push("      </Action>");
  }
  lines.push('      <EntityContainer Name="GraphService">');
  for (const [set, type] of entitySets) lines.push(`        <EntitySet Name="${set}" EntityType="${type}" />`);
  if (entityTypes.has(`${NS}.deviceManagement`)) {
    lines.push(`        <Singleton Name="deviceManagement" Type="${NS}.deviceManagement" />`);
  }
  lines.push("      </EntityContainer>", "    </Schema>", "  </edmx:DataServices>", "</edmx:Edmx>", "");
  return lines.join("\n");
}
