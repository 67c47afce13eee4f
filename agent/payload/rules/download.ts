/**
 * The admin app's download: location, checksums, cookie header, minimum version.
 *
 * ManagedProvisioning builds a PackageDownloadInfo only when a download location is present, and
 * refuses the payload when that location is empty or comes without any checksum
 * (PackageDownloadInfo.validateFields). The checksums are decoded as URL-safe base64 while
 * parsing (a decoding failure refuses the payload); a wrong digest fails after the download.
 */
import { decodeAndroidBase64UrlSafe } from "../android-base64.js";
import { analyseChecksum, type ChecksumVerdict } from "../checksum.js";
import type { ResolvedValue } from "../extras.js";
import { show } from "../findings.js";
import { KEYS, type KeyName } from "../keys.js";
import { keyLabel, type Rule, type RuleContext } from "./context.js";

const CHECKSUM_KEYS: KeyName[] = ["DEVICE_ADMIN_PACKAGE_CHECKSUM", "DEVICE_ADMIN_SIGNATURE_CHECKSUM"];

/** Whether android.util.Base64 (URL_SAFE) reads the text as no bytes at all: "" or only skipped characters. */
function decodesToNothing(text: string): boolean {
  const decoded = decodeAndroidBase64UrlSafe(text);
  return decoded.ok && decoded.bytes.length === 0;
}
const DOWNLOAD_ONLY_KEYS: KeyName[] = [
  ...CHECKSUM_KEYS,
  "DEVICE_ADMIN_PACKAGE_DOWNLOAD_COOKIE_HEADER",
  "DEVICE_ADMIN_MINIMUM_VERSION_CODE",
];

/**
 * Why the device cannot download from a location, or null when it can. Stricter than a browser:
 * ManagedProvisioning hands the text to `DownloadManager.Request(Uri.parse(location))`, which
 * takes everything before the first ":" as the scheme and accepts exactly "http" or "https"
 * (case-sensitive, nothing trimmed); the download then needs "//" and a host.
 */
export function downloadUrlProblem(text: string): { problem: string; fix: string | null } | null {
  const colon = text.indexOf(":");
  const scheme = colon < 0 ? null : text.slice(0, colon);
  const trimmed = text.trim();
  if (trimmed !== text) {
    return {
      problem: "it has leading or trailing white space, which the device does not remove (it becomes part of the scheme or the path)",
      fix: trimmed,
    };
  }
  if (scheme === null) return { problem: "it is not an absolute URL (no scheme)", fix: null };
  if (scheme !== "http" && scheme !== "https") {
    const lower = scheme.toLowerCase();
    if (lower === "http" || lower === "https") {
      return {
        problem: `its scheme is "${scheme}", and Android's download manager accepts only "http" and "https" in lower case`,
        fix: `${lower}${text.slice(colon)}`,
      };
    }
    return { problem: `its scheme is "${scheme}", and the device downloads only over http and https`, fix: null };
  }
  if (!text.startsWith("//", colon + 1)) return { problem: `it has no "//" and host after "${scheme}:"`, fix: null };
  const authority = /^[^/?#]*/.exec(text.slice(colon + 3))![0];
  if (authority.replace(/^.*@/, "").replace(/:\d*$/, "") === "") return { problem: "it has no host", fix: null };
  try {
    new URL(text);
  } catch {
    return { problem: "it is not a valid URL (check the host name and the port)", fix: null };
  }
  return null;
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
    const unusable = downloadUrlProblem(text);
    if (unusable !== null) {
      ctx.emit("download-location-scheme", path,
        `${keyLabel(location)} ${show(text)} cannot be downloaded: ${unusable.problem}. Provisioning fails at the download step.`,
        unusable.fix !== null ? `write "${unusable.fix}"` : "use an absolute http:// or https:// URL");
    } else if (text.startsWith("http:")) {
      ctx.emit("download-cleartext", path,
        `${keyLabel(location)} uses http: Android allows cleartext here, but the package travels unencrypted ` +
          "(the checksum still protects its integrity).",
        "prefer https when the server supports it");
    }
  }

  const checksums = CHECKSUM_KEYS.map((name) => ctx.extras.resolve(name));
  // A checksum that decodes to no bytes ("", or only characters Android skips, such as spaces) is
  // no checksum to PackageDownloadInfo.validateFields and VerifyPackageTask, which test the decoded
  // length; one that does not decode at all is kept, and refused below.
  const blank = checksums.filter((c) => c.typed && decodesToNothing(c.raw as string));
  const given = checksums.filter((c) => c.typed && !decodesToNothing(c.raw as string));
  // Only a non-empty location asks for a checksum: an empty one is refused for itself above.
  if (given.length === 0 && text !== "") {
    ctx.refuse();
    const blankSaid = blank.filter((c) => c.raw !== "").map((c) => `${keyLabel(c)} ${show(c.raw)} decodes to no bytes`);
    ctx.emit("download-checksum-missing", path,
      `There is a download location but no checksum${blankSaid.length > 0 ? ` (${blankSaid.join("; ")})` : ""}: ` +
        "Android refuses the payload (\"Package checksum or signature checksum must be provided\") and shows \"Can't set up device\".",
      `add "${KEYS.DEVICE_ADMIN_SIGNATURE_CHECKSUM}" (SHA-256 of the signing certificate) or ` +
        `"${KEYS.DEVICE_ADMIN_PACKAGE_CHECKSUM}" (SHA-256 of the file), URL-safe base64`);
  }
  // VerifyPackageTask compares the package checksum whenever it decodes to any bytes, and then
  // never looks at the signature checksum: a malformed one is harmless (unless it does not
  // decode at all, which refuses the payload while parsing).
  const packageChecksum = given.find((c) => c.spec.name === "DEVICE_ADMIN_PACKAGE_CHECKSUM");
  const packageDecoded = packageChecksum === undefined ? null : decodeAndroidBase64UrlSafe(packageChecksum.raw as string);
  const packageWins = packageDecoded !== null && packageDecoded.ok && packageDecoded.bytes.length > 0;
  /** A problem of the signature checksum that does not matter while the package checksum wins. */
  let ignoredProblem: ChecksumProblem | null = null;
  for (const checksum of given) {
    const verdict = analyseChecksum(checksum.raw as string);
    const problem = packageWins && checksum !== packageChecksum ? unusedChecksumProblem(verdict) : null;
    if (problem !== null) ignoredProblem = problem;
    else checkChecksum(ctx, checksum, verdict);
  }
  if (given.length === 2) {
    const signature = given.find((c) => c !== packageChecksum)!;
    ctx.emit("checksum-both", ctx.pathOf(signature),
      "Both checksums are given: the device verifies the package checksum and ignores the signature checksum " +
        "(so every new build of the app needs a new QR code)." +
        (ignoredProblem === null
          ? ""
          : ` The signature checksum is also malformed (${ignoredProblem.what}): harmless while the package checksum is ` +
            "there, but without it the device would fail with \"checksum error\"."),
      `keep only ${KEYS.DEVICE_ADMIN_SIGNATURE_CHECKSUM} if the QR code should survive app updates` +
        (ignoredProblem === null
          ? ""
          : ignoredProblem.fix !== null
            ? `, written as "${ignoredProblem.fix}" (the same digest, re-encoded)`
            : ", written as the URL-safe base64 of its SHA-256"));
  }
};

interface ChecksumProblem {
  /** What is wrong, for a message. */
  what: string;
  /** The same digest in the form Android reads, when it can be derived. */
  fix: string | null;
}

/** A problem of a checksum the device decodes but never compares; null when it has none, or one that refuses the payload. */
function unusedChecksumProblem(verdict: ChecksumVerdict): ChecksumProblem | null {
  switch (verdict.kind) {
    case "hex":
      return { what: `${verdict.digestBytes * 2} hex digits instead of URL-safe base64`, fix: verdict.fix };
    case "standard-base64":
      return verdict.deviceBytes === null ? null : { what: "standard base64 (\"+\", \"/\") instead of URL-safe base64", fix: verdict.fix };
    case "length":
      return { what: `it decodes to ${verdict.bytes.length} bytes, not the 32 of a SHA-256`, fix: null };
    default:
      return null;
  }
}

function checkChecksum(ctx: RuleContext, checksum: ResolvedValue, verdict: ChecksumVerdict): void {
  const text = checksum.raw as string;
  const path = ctx.pathOf(checksum);
  const name = keyLabel(checksum);
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
