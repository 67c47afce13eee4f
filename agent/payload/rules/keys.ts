/**
 * Rules about the keys themselves: wrong JSON types (silently defaulted on the device), unknown
 * keys (silently ignored), short aliases, and extras the QR flow never reads.
 */
import { closestName } from "../../protocol/closest-name.js";
import { jsonPointer, show } from "../findings.js";
import { describeJsonType } from "../json-text.js";
import { allKnownNames, KEY_PREFIX, KEYS, specOfAlias, specOfKey, type KeySpec } from "../keys.js";
import { typeProblems } from "../schema.js";
import { keyLabel, type Rule, type RuleContext } from "./context.js";

function lookup(key: string): KeySpec | undefined {
  return specOfKey(key) ?? specOfAlias(key);
}

/**
 * When the device reads another key than the mistyped one (its alias or its long key), what it
 * reads instead, for the message (a secret's value by its shape); null when it falls back to its default.
 */
function readInstead(ctx: RuleContext, key: string, spec: KeySpec, secret: boolean): string | null {
  const read = ctx.extras.resolveSpec(spec);
  if (read.key === null || read.key === key) return null;
  return read.typed
    ? `the device ignores it and reads ${keyLabel(read)} (${secret ? secretShape(read.raw, undefined) : show(read.raw)}) instead.`
    : `the device reads ${keyLabel(read)} instead, which has the wrong type too, so it uses ${spec.deviceDefault}.`;
}

/**
 * Keys whose values are secrets (the Wi-Fi key; the extras bundle, which carries the enrollment
 * token): a finding gives their type and length, as the other Wi-Fi findings do, never their text,
 * which would then stand in a SARIF file or a CI log.
 */
const SECRET_KEYS = new Set(["WIFI_PASSWORD", "ADMIN_EXTRAS_BUNDLE"]);

/** A secret key's value as a finding shows it: its JSON type and its length as written. */
function secretShape(value: unknown, numberText: string | undefined): string {
  const text = typeof value === "string" ? value : typeof value === "number" ? (numberText ?? String(value)) : (JSON.stringify(value) ?? String(value));
  return `${describeJsonType(value)} of ${text.length} characters`;
}

const wrongType: Rule = (ctx) => {
  for (const problem of typeProblems(ctx.json as Record<string, unknown>, lookup, ctx.extras.numberTexts)) {
    const { key, spec, value } = problem;
    if (spec.type === "component") continue; // admin-component-format reports it, as an error
    const secret = SECRET_KEYS.has(spec.name);
    const what = secret ? secretShape(value, ctx.extras.numberTexts.get(key)) : `${show(value, 60, ctx.extras.numberTexts.get(key))} (${describeJsonType(value)})`;
    const name = keyLabel({ key, spec });
    const path = jsonPointer(key);
    const numericText = typeof value === "string" && /^-?\d+$/.test(value.trim());
    const instead = readInstead(ctx, key, spec, secret);
    if (instead !== null) {
      ctx.emit("wrong-type", path, `${name} is ${what}, not the JSON type the device reads here: ${instead}`,
        key === spec.key
          ? `give the value once, under this long key with the right type, and remove ${spec.alias ?? "the alias"}`
          : `remove ${key}`);
      continue;
    }
    switch (spec.type) {
      case "boolean": {
        const wordy = typeof value === "string" && /^(true|false)$/i.test(value.trim());
        ctx.emit("wrong-type", path,
          `${name} is ${what}, but the device reads a JSON boolean here: it silently uses ${spec.deviceDefault} instead.`,
          wordy ? `write ${value.trim().toLowerCase()} without quotes` : "write true or false (no quotes)");
        break;
      }
      case "int":
      case "long": {
        const bits = spec.type === "int" ? "a 32-bit whole number" : "a whole number (milliseconds)";
        const why = problem.number === undefined
          ? `the device reads ${bits} here`
          : problem.number === "not-whole"
            ? "it is not a whole number"
            : `it is ${problem.number === "too-large" ? "too large" : "too far below zero"} for ${bits}`;
        ctx.emit("wrong-type", path,
          `${name} is ${what}, but ${why}: it silently uses ${spec.deviceDefault} instead.`,
          numericText ? `write ${(value as string).trim()} without quotes` : `write ${bits} without quotes`);
        break;
      }
      case "bundle":
        ctx.emit("wrong-type", path,
          `${name} is ${what}, but the device reads a JSON object here: the admin app receives no extras.`,
          "make it a JSON object of key/value pairs");
        break;
      case "string":
        ctx.emit("wrong-type", path,
          `${name} is ${what}, but the device reads a string here: it treats the key as absent (${spec.deviceDefault}).`,
          value !== null && typeof value !== "object" ? (secret ? "write it in quotes, as a JSON string" : `write it in quotes: "${String(value)}"`) : "write the value as a JSON string");
        break;
    }
  }
};

/** The known key a mistyped one most likely meant, or null. */
export function closestKnownKey(unknown: string, candidates: readonly string[] = allKnownNames()): string | null {
  const upper = unknown.toUpperCase();
  const caseOnly = candidates.find((k) => k.toUpperCase() === upper);
  if (caseOnly) return caseOnly;
  // "PROVISIONING_WIFI_SSID", "WIFI_SSID", "android.app.extra.WIFI_SSID": the tail of a real key.
  const tail = upper.replace(/^ANDROID\.APP\.EXTRA\./, "").replace(/^PROVISIONING_/, "");
  if (tail.length >= 4) {
    const byTail = candidates.find((k) => k.toUpperCase() === `${KEY_PREFIX}${tail}`.toUpperCase());
    if (byTail) return byTail;
  }
  // Within a fifth of the key's length (at least 2 edits).
  return closestName(unknown, candidates, Math.max(2, Math.floor(unknown.length / 5)));
}

const unknownKey: Rule = (ctx) => {
  for (const key of Object.keys(ctx.json)) {
    if (lookup(key)) continue;
    const suggestion = closestKnownKey(key);
    // A namespaced key ("com.example.token") at the top level was probably meant for the admin app.
    const looksLikeAdminExtra = suggestion === null && /^[a-z][\w-]*(\.[\w-]+)+$/i.test(key) &&
      !key.startsWith("android.") && !key.startsWith("a.a.e.");
    ctx.emit("unknown-key", jsonPointer(key),
      `${show(key)} is not a provisioning key Android knows: the device silently ignores it.`,
      suggestion !== null
        ? `did you mean "${suggestion}"?`
        : looksLikeAdminExtra
          ? `if it is meant for the admin app, move it inside "${KEYS.ADMIN_EXTRAS_BUNDLE}"`
          : "remove it, or check the spelling against DevicePolicyManager's EXTRA_PROVISIONING_* keys");
  }
};

const aliases: Rule = (ctx) => {
  for (const key of Object.keys(ctx.json)) {
    const spec = specOfAlias(key);
    if (!spec) continue;
    if (ctx.extras.has(spec.key) && ctx.extras.resolveSpec(spec).key === key) {
      // A string getter skips a long key that holds no string, and reads the alias.
      ctx.emit("alias-shadowed", jsonPointer(key),
        `Both ${spec.name} and its short alias ${key} are given, but ${spec.name} is not a string, so the device ` +
          `reads ${key} (${show(ctx.json[key])}).`,
        `put the value under the long key "${spec.key}" as a string, and remove ${key}`);
    } else if (ctx.extras.has(spec.key)) {
      ctx.emit("alias-shadowed", jsonPointer(key),
        `Both ${spec.name} and its short alias ${key} are given: the device reads the long key and ignores ${key}.`,
        `remove ${key}`);
    } else {
      ctx.emit("short-alias", jsonPointer(key),
        `${key} is the Android 10+ short alias of ${spec.name}; not every setup wizard passes short aliases through, ` +
          "and Android 9 and older do not know them.",
        `use the long key "${spec.key}"`);
    }
  }
};

const ignoredForQr: Rule = (ctx) => {
  for (const key of Object.keys(ctx.json)) {
    const spec = lookup(key);
    if (!spec || spec.qr !== "ignored" || spec.key === KEYS.DEVICE_ADMIN_PACKAGE_NAME) continue;
    ctx.emit("ignored-for-qr", jsonPointer(key),
      `${keyLabel({ key, spec })} is a provisioning extra, but QR provisioning does not read it: ${spec.ignoredBecause ?? "it has no effect"}.`,
      "remove it to keep the QR code small");
  }
};

export const keyRules: Rule[] = [wrongType, unknownKey, aliases, ignoredForQr];
