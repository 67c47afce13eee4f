/**
 * What a collection tells the OData layer about itself: its entity type, each property's type and
 * which `$filter` operators and `$orderby` it takes, and Graph's page sizes for it. One definition
 * per collection drives the query options, the paging, the OpenAPI parameters and `$metadata`.
 */
import type { FilterOperator } from "./filter.js";

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
  /** Whether `$orderby` takes the property. */
  orderBy?: boolean;
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

