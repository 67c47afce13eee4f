/**
 * What a collection tells the OData layer about itself: its entity type, each property's type and
 * which `$filter` operators and `$orderby` it takes, and Graph's page sizes for it. One definition
 * per collection drives the query options, the paging, the OpenAPI parameters and `$metadata`.
 */
import type { FilterOperator } from "./filter.js";
import { GRAPH_DECLARED } from "./graph-declared.js";

export type PropertyType = "string" | "boolean" | "int" | "dateTime" | "guid" | "enum" | "complex";

export interface PropertyDef {
  type: PropertyType;
  /** The CSDL type when the OData type alone does not say it (an enum or complex type's name, a collection). */
  edm?: string;
  /** An enum's members (the values `$filter` accepts for it). */
  members?: readonly string[];
  /** Graph's value of each member, where they are not 0, 1, 2... in order (`$metadata` declares them). */
  values?: Readonly<Record<string, number>>;
  /** The `$filter` operators the property takes; none when left out. */
  filter?: readonly FilterOperator[];
  /**
   * Whether `$orderby` takes the property; "advanced" on a directory set: only in an advanced
   * query (ConsistencyLevel: eventual and $count=true), as Entra ID sorts a user's createdDateTime.
   */
  orderBy?: boolean | "advanced";
  /**
   * false when the property never holds null and a write of null is refused: `$metadata` then
   * says `Nullable="false"` (CSDL makes a property nullable unless it says so).
   */
  nullable?: false;
}

export interface CollectionDef {
  /** The entity set's path after `$metadata#`, e.g. `deviceManagement/managedDevices`. */
  contextPath: string;
  /** The entity type's qualified name, e.g. `microsoft.graph.managedDevice`. */
  entityType: string;
  properties: Readonly<Record<string, PropertyDef>>;
  /** Items per page when the client sends no `$top` (Graph's default for this collection). */
  pageSize: number;
  /** The largest `$top` Graph accepts here. */
  maxTop: number;
  /**
   * Whether the list takes `$skip` (where Graph's documentation says so): the first page starts
   * after that many items; the pages after it resume at their `$skiptoken`, as any other.
   */
  skip?: boolean;
  /**
   * Entra ID directory objects (users, groups, members): `$count`, `ne`, `not` and `endswith`
   * are advanced queries there, answered only with `ConsistencyLevel: eventual` and `$count=true`.
   */
  directory?: boolean;
  /** The property holding each item's creation time: where paging resumes when the last item seen was deleted. */
  createdProperty?: string;
  /**
   * Where `$metadata` puts the collection: an entity set of the container, or a navigation
   * property of another type, contained (deviceManagement's managedDevices) unless `contained` is
   * false (a group's members, which live in directoryObjects).
   */
  container: { entitySet: string } | { navigationOf: string; name: string; contained?: false };
  /** The entity type's base type in `$metadata` (default microsoft.graph.entity). */
  baseType?: string;
  /**
   * Whether `$metadata` declares the entity type from these properties (default true); false for
   * a collection of a type declared elsewhere (a group's members are directoryObjects).
   */
  declaresType?: boolean;
  /**
   * Properties Graph answers only when `$select` names them ("Returned only on $select"): left out
   * of an item answered without `$select`, though `$filter` reads them.
   */
  selectOnly?: ReadonlySet<string>;
  /**
   * What Graph answers for a property it declares that the mock does not simulate, where a real
   * answer shows it (Intune's "Unknown" device category); others get unsetValue's default.
   */
  unset?: Readonly<Record<string, unknown>>;
}

/** Operator sets, as Graph allows them per kind of property. */
export const TEXT_OPS: readonly FilterOperator[] = ["eq", "ne", "in", "startswith", "endswith", "contains"];
export const EXACT_OPS: readonly FilterOperator[] = ["eq", "ne", "in"];
export const RANGE_OPS: readonly FilterOperator[] = ["eq", "ne", "gt", "ge", "lt", "le", "in"];
export const BOOLEAN_OPS: readonly FilterOperator[] = ["eq", "ne"];
/** Directory objects: `contains` is not a Graph operator there (use startswith, or $search). */
export const DIRECTORY_TEXT_OPS: readonly FilterOperator[] = ["eq", "ne", "in", "startswith", "endswith"];

/** Operators Entra ID answers only as advanced queries (ConsistencyLevel: eventual and $count=true). */
export const ADVANCED_OPERATORS: ReadonlySet<string> = new Set(["ne", "endswith", "not"]);

export function findProperty(def: CollectionDef, name: string): [string, PropertyDef] | undefined {
  // Own properties only: `__proto__`, `constructor` or `toString` would otherwise name
  // Object.prototype's members as if they were the entity's.
  const exact = Object.hasOwn(def.properties, name) ? def.properties[name] : undefined;
  if (exact) return [name, exact];
  // Graph matches property names ignoring case in query options.
  const key = Object.keys(def.properties).find((p) => p.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : [key, def.properties[key]!];
}


/**
 * A property Graph beta declares on the collection's entity type that the mock does not simulate:
 * its name as Graph spells it and its CSDL type (see graph-declared.ts). Undefined for a property
 * the collection simulates, and for a name Graph does not declare either.
 */
export function unsimulatedProperty(def: CollectionDef, name: string): [string, string] | undefined {
  if (findProperty(def, name)) return undefined;
  const declared = GRAPH_DECLARED[def.entityType];
  if (!declared) return undefined;
  const key = Object.hasOwn(declared, name) ? name : Object.keys(declared).find((p) => p.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : [key, declared[key]!];
}

/**
 * What Graph answers for a property nothing has set, by its CSDL type: an empty collection; for a
 * single value Graph declares Nullable="false", its type's zero (false, 0, and for a date Intune's
 * 0001-01-01T00:00:00Z); otherwise null (also for a non-nullable enum or complex value, whose
 * default the mock does not know).
 */
export function unsetValue(csdlType: string, known?: { def: CollectionDef; name: string }): unknown {
  if (known && known.def.unset && Object.hasOwn(known.def.unset, known.name)) return known.def.unset[known.name];
  if (csdlType.startsWith("Collection(")) return [];
  switch (csdlType) {
    case "Edm.Boolean!":
      return false;
    case "Edm.Int32!":
    case "Edm.Int64!":
      return 0;
    case "Edm.DateTimeOffset!":
      return "0001-01-01T00:00:00Z";
    default:
      return null;
  }
}

/** The refusal's words for a property Graph declares and the mock does not simulate. */
export function notSimulated(def: CollectionDef, name: string): string {
  return `'${name}' is a property of ${def.entityType} that the mock does not simulate (a $select of it answers Graph's value for an unset property)`;
}
