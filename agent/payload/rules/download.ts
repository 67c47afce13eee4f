/**
 * The admin app's download: location, checksums, cookie header, minimum version.
 *
 * ManagedProvisioning builds a PackageDownloadInfo only when a download location is present, and
 * refuses the payload when that location is empty or comes without any checksum
 * (PackageDownloadInfo.validateFields). The checksums are decoded as URL-safe base64 while
 * parsing (a decoding failure refuses the payload); a wrong digest fails after the download.
 */
import { analyseChecksum } from "../checksum.js";
import type { ResolvedValue } from "../extras.js";
import { show } from "../findings.js";
import { KEYS, type KeyName } from "../keys.js";
import { keyLabel, type Rule, type RuleContext } from "./context.js";

const CHECKSUM_KEYS: KeyName[] = ["DEVICE_ADMIN_PACKAGE_CHECKSUM", "DEVICE_ADMIN_SIGNATURE_CHECKSUM"];
const DOWNLOAD_ONLY_KEYS: KeyName[] = [
  ...CHECKSUM_KEYS,
  "DEVICE_ADMIN_PACKAGE_DOWNLOAD_COOKIE_HEADER",
  "DEVICE_ADMIN_MINIMUM_VERSION_CODE",
];

/** The http(s) URL a download location names, or why it is not one. */
export function httpUrlProblem(text: string): { url: URL } | { problem: string } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { problem: "it is not an absolute URL" };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return { problem: `its scheme is "${url.protocol.replace(/:$/, "")}", and the device downloads only over http and https` };
  }
  if (url.hostname === "") return { problem: "it has no host" };
  return { url };
}

const downloadLocation: Rule = (ctx) => {
  const location = ctx.extras.resolve("DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION");
  if (!location.typed) {
    for (const value of ctx.given(DOWNLOAD_ONLY_KEYS)) {
      ctx.emit("download-keys-without-location", ctx.pathOf(value),
        `${keyLabel(value)} is given without a download location: the device downloads nothing and ignores it.`,
        `add "${KEYS.DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION}", or remove ${value.spec.name}`);
    }
    if (ctx.ruleSet === "android") {
      ctx.emit("no-download-location", location.key === null ? "" : ctx.pathOf(location),
        "There is no download location: the device expects the admin app to be installed already " +
          "(a preinstalled or system app); on a factory-fresh device without it, provisioning fails.",
        `add "${KEYS.DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION}" with an http(s) URL of the admin app, unless it is preinstalled`);
    }
    return;
  }

  const path = ctx.pathOf(location);
  const text = location.raw as string;
  if (text === "") {
    ctx.refuse();
    ctx.emit("download-location-empty", path,
      `${keyLabel(location)} is an empty string: Android refuses the payload ("Download location must not be empty") ` +
        "and shows \"Can't set up device\".",
      "put the http(s) URL of the admin app there, or remove the key if the app is preinstalled");
  } else {
    const parsed = httpUrlProblem(text);
    if ("problem" in parsed) {
      ctx.emit("download-location-scheme", path,
        `${keyLabel(location)} ${show(text)} cannot be downloaded: ${parsed.problem}. Provisioning fails at the download step.`,
        "use an absolute http:// or https:// URL");
    } else if (parsed.url.protocol === "http:") {
      ctx.emit("download-cleartext", path,
        `${keyLabel(location)} uses http: Android allows cleartext here, but the package travels unencrypted ` +
          "(the checksum still protects its integrity).",
        "prefer https when the server supports it");
    }
  }

  const checksums = CHECKSUM_KEYS.map((name) => ctx.extras.resolve(name));
  const given = checksums.filter((c) => c.typed && (c.raw as string) !== "");
  if (given.length === 0) {
    ctx.refuse();
    ctx.emit("download-checksum-missing", path,
      "There is a download location but no checksum: Android refuses the payload (\"Package checksum or signature " +
        "checksum must be provided\") and shows \"Can't set up device\".",
      `add "${KEYS.DEVICE_ADMIN_SIGNATURE_CHECKSUM}" (SHA-256 of the signing certificate) or ` +
        `"${KEYS.DEVICE_ADMIN_PACKAGE_CHECKSUM}" (SHA-256 of the file), URL-safe base64`);
  }
  for (const checksum of given) checkChecksum(ctx, checksum);
  if (given.length === 2) {
    const signature = given[1]!;
    ctx.emit("checksum-both", ctx.pathOf(signature),
      "Both checksums are given: the device verifies the package checksum and ignores the signature checksum " +
        "(so every new build of the app needs a new QR code).",
      `keep only ${KEYS.DEVICE_ADMIN_SIGNATURE_CHECKSUM} if the QR code should survive app updates`);
  }
};

function checkChecksum(ctx: RuleContext, checksum: ResolvedValue): void {
  const text = checksum.raw as string;
  const path = ctx.pathOf(checksum);
  const name = keyLabel(checksum);
  const verdict = analyseChecksum(text);
  switch (verdict.kind) {
    case "ok":
      if (verdict.stray.length > 0) {
        ctx.emit("checksum-stray-characters", path,
          `${name} contains characters outside URL-safe base64 (${verdict.stray.map((c) => show(c)).join(", ")}); ` +
            "the device skips them and still reads a 32-byte SHA-256, but other tools may not.",
          `use "${verdict.clean}"`);
      }
      return;
    case "empty":
      return;
    case "hex":
      if (verdict.deviceBytes === null) ctx.refuse();
      ctx.emit("checksum-encoding", path,
        `${name} is ${verdict.digestBytes * 2} hex digits, but Android expects URL-safe base64 of the 32-byte SHA-256. ` +
          (verdict.digestBytes === 32
            ? `The device will read it as ${verdict.deviceBytes?.length ?? "no"} bytes and fail with "checksum error".`
            : "It is a SHA-1 digest, which Android 10+ no longer accepts; the device fails with \"checksum error\"."),
        verdict.fix !== null
          ? `use "${verdict.fix}" (the same digest, re-encoded)`
          : "compute the SHA-256 instead and write it as URL-safe base64 (e.g. openssl dgst -sha256 -binary | basenc --base64url)");
      return;
    case "standard-base64":
      if (verdict.deviceBytes === null) ctx.refuse();
      ctx.emit("checksum-encoding", path,
        `${name} is standard base64 ("+" or "/"), but Android decodes URL-safe base64 and silently skips those characters: ` +
          (verdict.deviceBytes === null
            ? "what remains does not decode, so the device refuses the payload."
            : `it reads ${verdict.deviceBytes.length} other bytes and fails with "checksum error".`),
        verdict.fix !== null
          ? `use "${verdict.fix}" (the same digest, re-encoded: "+" -> "-", "/" -> "_")`
          : "re-encode the SHA-256 as URL-safe base64 (\"-\" and \"_\" instead of \"+\" and \"/\")");
      return;
    case "undecodable":
      ctx.refuse();
      ctx.emit("checksum-encoding", path,
        `${name} ${show(text)} is not decodable as URL-safe base64 (${verdict.reason}): Android refuses the payload ` +
          "and shows \"Can't set up device\".",
        "write the 32-byte SHA-256 as URL-safe base64: 43 characters, or 44 with one \"=\"");
      return;
    case "length": {
      const n = verdict.bytes.length;
      ctx.emit("checksum-length", path,
        `${name} decodes to ${n} bytes, but a SHA-256 is 32 bytes` +
          (n === 20 ? " (this looks like SHA-1, which Android 10+ no longer accepts)" : "") +
          ": the device fails with \"checksum error\".",
        "use the SHA-256 digest: 43 URL-safe base64 characters (44 with \"=\" padding)");
      return;
    }
  }
}

export const downloadRules: Rule[] = [downloadLocation];
