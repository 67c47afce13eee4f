/**
 * The device-admin component, "package/class", read the way Android's
 * ComponentName.unflattenFromString reads it: split at the first "/", nothing after the "/" means
 * no component, and a class starting with "." is relative to the package.
 */
import type { AdminComponent } from "./params.js";

/** Android package names: at least two dot-separated segments, each a letter then [A-Za-z0-9_]. */
const PACKAGE_NAME = /^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)+$/;
/** A fully qualified Java class name (inner classes use "$"). */
const CLASS_NAME = /^[A-Za-z_$][A-Za-z0-9_$]*(\.[A-Za-z_$][A-Za-z0-9_$]*)*$/;

/** The component as the device unflattens it, or null when it cannot (no "/", nothing after it). */
export function unflattenComponent(text: string): AdminComponent | null {
  const sep = text.indexOf("/");
  if (sep < 0 || sep + 1 >= text.length) return null;
  const packageName = text.slice(0, sep);
  const cls = text.slice(sep + 1);
  return { packageName, className: cls.startsWith(".") ? `${packageName}${cls}` : cls };
}

/** Why a component string is ill-formed, or null when it is a well-formed "package/class". */
export function componentProblem(text: string): string | null {
  const sep = text.indexOf("/");
  if (sep < 0) return "it has no \"/\" between the package and the receiver class";
  if (sep + 1 >= text.length) return "nothing follows the \"/\" (the receiver class is missing)";
  const component = unflattenComponent(text)!; // there is a "/" with something after it
  if (component.packageName === "") return "the package name before the \"/\" is empty";
  if (!PACKAGE_NAME.test(component.packageName)) {
    return `"${component.packageName}" is not a valid package name (dot-separated Java identifiers, at least two segments)`;
  }
  if (!CLASS_NAME.test(component.className)) {
    return `"${component.className}" is not a valid Java class name`;
  }
  if (!component.className.includes(".")) return bareClassProblem(component.className);
  return null;
}

/**
 * A class after the "/" with no "." is taken as written (unflattenFromString adds the package
 * only before a leading "."), while the package parser expands a manifest name without a dot to
 * "<package>.Name": no receiver is ever named bare "Name" (docs/provisioning-facts.md §1).
 */
function bareClassProblem(className: string): string {
  return `the class "${className}" has no package and no leading ".", so Android reads it as written, and no ` +
    `receiver is named that: an app's receivers are named in full ("<package>.${className}")`;
}

/** For "pkg/Class" (a class without a dot), the form that was most likely meant: "pkg/.Class". */
export function relativeClassFix(text: string): string | null {
  const component = unflattenComponent(text);
  if (component === null || component.className.includes(".") || !CLASS_NAME.test(component.className)) return null;
  return `${component.packageName}/.${component.className}`;
}

export function flattenComponent(component: AdminComponent): string {
  return `${component.packageName}/${component.className}`;
}
