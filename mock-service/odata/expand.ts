/**
 * `$expand` on one entity: the navigation properties a route can put inline, by name. Graph
 * answers `GET .../managedDevices/{id}?$expand=detectedApps` with the device and its
 * `detectedApps` array, the way Intune inventory scripts read a device's apps in one call
 * (README, managed devices); a route declares what it expands, and everything else, a nested
 * option (`detectedApps($select=version)`) or `*` included, is refused by name rather than ignored.
 */
import { badRequest } from "../http/errors.js";

/**
 * The navigation properties `$expand` names, each as the route spells it (names are matched
 * ignoring case, as Graph matches `$select`'s), in the order given; [] when there is no `$expand`.
 */
export function parseExpand(text: string | undefined, entityType: string, expandable: readonly string[]): string[] {
  if (text === undefined) return [];
  const offered = expandable.join(", ");
  const names: string[] = [];
  for (const raw of text.split(",")) {
    const name = raw.trim();
    if (name === "") throw badRequest(`$expand: an empty name; write the navigation properties separated by commas, e.g. $expand=${expandable[0]}`);
    if (name.includes("(")) {
      throw badRequest(`$expand: options inside the parentheses of '${name}' are not supported by the mock; write $expand=${name.slice(0, name.indexOf("(")).trim()} and read what you need from its items`);
    }
    const found = expandable.find((candidate) => candidate.toLowerCase() === name.toLowerCase());
    if (found === undefined) {
      throw badRequest(`$expand: '${name}' is not a navigation property of '${entityType}' that the mock expands; it expands ${offered}`);
    }
    if (!names.includes(found)) names.push(found);
  }
  return names;
}
