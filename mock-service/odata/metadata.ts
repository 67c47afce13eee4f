/**
 * `GET /beta/$metadata`: a CSDL (OData 4.0 XML) document describing what the mock serves, a
 * faithful subset of Graph beta's: the same namespace (microsoft.graph), type names, base types
 * (entity, directoryObject), enum members, the deviceManagement singleton with its contained
 * managedDevices and androidDeviceOwnerEnrollmentProfiles, and the users, groups, organization and
 * subscribedSkus entity sets. It is generated from the same collection definitions the query
 * options use, so a property that filters is a property the document declares.
 */
import type { CollectionDef, PropertyDef } from "./model.js";

const NS = "microsoft.graph";

/** Complex types the entity types use (only the properties the mock fills). */
const COMPLEX_TYPES: Record<string, Record<string, string>> = {
  mimeContent: { type: "Edm.String", value: "Edm.Binary" },
  assignedLicense: { disabledPlans: "Collection(Edm.Guid)", skuId: "Edm.Guid" },
  servicePlanInfo: { servicePlanName: "Edm.String" },
};

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

export function csdlDocument(defs: readonly CollectionDef[]): string {
  const enums = new Map<string, readonly string[]>();
  const entityTypes = new Map<string, { base: string; properties: [string, string][]; navigation: [string, string][] }>();
  const entitySets: [string, string][] = [];
  const navigationOf = new Map<string, [string, string][]>();

  for (const def of defs) {
    const navigation = "navigationOf" in def.container ? def.container : undefined;
    if (navigation) {
      const list = navigationOf.get(navigation.navigationOf) ?? [];
      list.push([navigation.name, def.entityType]);
      navigationOf.set(navigation.navigationOf, list);
    } else if ("entitySet" in def.container) {
      entitySets.push([def.container.entitySet, def.entityType]);
    }
    if (def.declaresType === false) continue;
    const properties: [string, string][] = [];
    for (const [name, property] of Object.entries(def.properties)) {
      if (name === "id") continue; // declared once, on microsoft.graph.entity (the key)
      if (property.type === "enum" && property.edm && property.members) enums.set(property.edm, property.members);
      properties.push([name, edmType(property)]);
    }
    entityTypes.set(def.entityType, { base: def.baseType ?? `${NS}.entity`, properties, navigation: [] });
  }
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
    members.forEach((member, value) => lines.push(`        <Member Name="${escape(member)}" Value="${value}" />`));
    lines.push("      </EnumType>");
  }
  for (const [name, properties] of Object.entries(COMPLEX_TYPES)) {
    lines.push(`      <ComplexType Name="${name}">`);
    for (const [property, type] of Object.entries(properties)) lines.push(`        <Property Name="${property}" Type="${type}" />`);
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
  for (const [name, type] of entityTypes) {
    lines.push(`      <EntityType Name="${shortName(name)}" BaseType="${type.base}">`);
    for (const [property, edm] of type.properties) lines.push(`        <Property Name="${property}" Type="${edm}" />`);
    for (const [property, target] of type.navigation) {
      lines.push(`        <NavigationProperty Name="${property}" Type="Collection(${target})" ContainsTarget="true" />`);
    }
    lines.push("      </EntityType>");
  }
  lines.push('      <EntityContainer Name="GraphService">');
  for (const [set, type] of entitySets) lines.push(`        <EntitySet Name="${set}" EntityType="${type}" />`);
  if (entityTypes.has(`${NS}.deviceManagement`)) {
    lines.push(`        <Singleton Name="deviceManagement" Type="${NS}.deviceManagement" />`);
  }
  lines.push("      </EntityContainer>", "    </Schema>", "  </edmx:DataServices>", "</edmx:Edmx>", "");
  return lines.join("\n");
}
