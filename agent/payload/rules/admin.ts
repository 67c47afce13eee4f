/**
 * The device-admin component: the one key a QR payload cannot do without.
 */
import { componentProblem, relativeClassFix, unflattenComponent } from "../component.js";
import { jsonPointer, show } from "../findings.js";
import { describeJsonType } from "../json-text.js";
import { KEYS } from "../keys.js";
import { keyLabel, type Rule } from "./context.js";

const adminComponent: Rule = (ctx) => {
  const component = ctx.extras.resolve("DEVICE_ADMIN_COMPONENT_NAME");
  const packageName = ctx.extras.string("DEVICE_ADMIN_PACKAGE_NAME");
  if (component.key === null) {
    ctx.refuse();
    ctx.emit("admin-component-missing", jsonPointer(KEYS.DEVICE_ADMIN_COMPONENT_NAME),
      `No ${KEYS.DEVICE_ADMIN_COMPONENT_NAME}: the device cannot tell which app becomes device owner and shows ` +
        "\"Can't set up device\".",
      packageName
        ? `add "${KEYS.DEVICE_ADMIN_COMPONENT_NAME}": "${packageName}/<device-admin receiver class>"`
        : `add "${KEYS.DEVICE_ADMIN_COMPONENT_NAME}": "<package>/<device-admin receiver class>"`);
    return;
  }
  const path = ctx.pathOf(component);
  if (typeof component.raw !== "string") {
    ctx.refuse();
    ctx.emit("admin-component-format", path,
      `${keyLabel(component)} is ${show(component.raw)} (${describeJsonType(component.raw)}), not a "package/class" string: ` +
        "the device reads no admin component and shows \"Can't set up device\".",
      "write it as a string, e.g. \"com.example.dpc/.AdminReceiver\"");
    return;
  }
  const problem = componentProblem(component.raw);
  if (problem === null) return;
  const unflattened = unflattenComponent(component.raw);
  const unusable = unflattened === null || unflattened.packageName === "";
  if (unusable) ctx.refuse();
  const relative = relativeClassFix(component.raw);
  ctx.emit("admin-component-format", path,
    `${keyLabel(component)} ${show(component.raw)} is not a valid "package/class": ${problem}. ` +
      (unusable
        ? "The device cannot read a component from it and shows \"Can't set up device\"."
        : "The device will not find that receiver in the downloaded app, and provisioning fails."),
    relative !== null
      ? `write "${relative}" (a leading "." puts the class in the package), or the class's full name after the "/"`
      : "write \"<package>/<fully.qualified.ReceiverClass>\" or \"<package>/.ReceiverClass\", e.g. \"com.example.dpc/.AdminReceiver\"");
};

const adminPackageName: Rule = (ctx) => {
  const packageName = ctx.extras.resolve("DEVICE_ADMIN_PACKAGE_NAME");
  if (packageName.key === null) return;
  const component = ctx.extras.string("DEVICE_ADMIN_COMPONENT_NAME");
  const componentPackage = component === null ? null : unflattenComponent(component)?.packageName ?? null;
  if (componentPackage !== null && typeof packageName.raw === "string" && packageName.raw !== componentPackage) {
    ctx.emit("admin-package-name-mismatch", ctx.pathOf(packageName),
      `${keyLabel(packageName)} is ${show(packageName.raw)}, but the admin component is in package ` +
        `"${componentPackage}": QR provisioning ignores the package name, so "${componentPackage}" becomes device owner.`,
      `remove ${packageName.spec.name} (or fix the component if "${packageName.raw}" was meant)`);
    return;
  }
  ctx.emit("admin-package-name-ignored", ctx.pathOf(packageName),
    `${keyLabel(packageName)} is ignored for QR provisioning: Android reads only the admin component, ` +
      `${KEYS.DEVICE_ADMIN_COMPONENT_NAME}.`,
    `remove ${packageName.spec.name}; keep the component`);
};

export const adminRules: Rule[] = [adminComponent, adminPackageName];
