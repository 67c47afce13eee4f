/**
 * The device policy management role holder's download (Android 13+).
 *
 * ManagedProvisioning reads ROLE_HOLDER_PACKAGE_DOWNLOAD_LOCATION, ROLE_HOLDER_SIGNATURE_CHECKSUM
 * and ROLE_HOLDER_PACKAGE_DOWNLOAD_COOKIE_HEADER for the QR (trusted-source) action
 * (ExtrasProvisioningDataParser.parseRoleHolderDownloadInfoFromExtras): with no location, or no
 * signature checksum, it logs and reads none of them; with both it builds a PackageDownloadInfo
 * while parsing, which refuses an empty location or a checksum that decodes to no bytes
 * (validateFields), and StoreUtils.stringToByteArray refuses one that does not decode at all.
 * Either is an IllegalArgumentException: "Can't set up device" (docs/provisioning-facts.md §1).
 * Android 12 and earlier do not know these keys and ignore them.
 */
import { decodeAndroidBase64UrlSafe } from "../android-base64.js";
import { show } from "../findings.js";
import { keyLabel, type Rule } from "./context.js";

const roleHolderDownload: Rule = (ctx) => {
  const location = ctx.extras.resolve("ROLE_HOLDER_PACKAGE_DOWNLOAD_LOCATION");
  const checksum = ctx.extras.resolve("ROLE_HOLDER_SIGNATURE_CHECKSUM");
  // Without both (as strings) Android reads neither: nothing is built, nothing refused.
  if (!location.typed || !checksum.typed) return;
  const refusedBecause = (what: string) =>
    `${what}: Android 13 and later refuse the payload while parsing it (the role holder's download info is invalid) ` +
    "and show \"Can't set up device\"; earlier versions ignore these keys.";
  if (location.raw === "") {
    ctx.refuse();
    ctx.emit("role-holder-download", ctx.pathOf(location),
      refusedBecause(`${keyLabel(location)} is an empty string beside ${keyLabel(checksum)}`),
      "put the http(s) URL of the role holder's package there, or remove both role holder keys");
    return;
  }
  const text = checksum.raw as string;
  const decoded = decodeAndroidBase64UrlSafe(text);
  if (decoded.ok && decoded.bytes.length > 0) return;
  ctx.refuse();
  ctx.emit("role-holder-download", ctx.pathOf(checksum),
    refusedBecause(decoded.ok
      ? `${keyLabel(checksum)} ${show(text)} decodes to no bytes (no signature checksum)`
      : `${keyLabel(checksum)} ${show(text)} is not decodable as URL-safe base64`),
    "write the SHA-256 of the role holder's signing certificate as URL-safe base64 (43 characters), or remove both role holder keys");
};

export const roleHolderRules: Rule[] = [roleHolderDownload];
