/**
 * The payload the service issues (buildIntunePayload) is unchanged by the key table refactor and
 * passes both rule sets; --strict counts warnings.
 */
import { describe, expect, it } from "vitest";
import { buildIntunePayload, checkPayloadText, payloadText } from "../../agent/payload/index.js";
import { HELLO_CHECKSUM, KEYS, payloadWith } from "./support/payloads.js";

const options = {
  serviceUrl: "https://enroll.example.com",
  enrollmentToken: "tok-abc",
  agentDownloadUrl: "https://enroll.example.com/device/v1/packages/com.microsoft.intune.aospagent/2409002",
  agentPackageChecksum: HELLO_CHECKSUM,
  downloadCookieHeader: "dl=1",
  wifi: { ssid: "Staging", hidden: true, security: "wpa" as const, password: "correct horse" },
};

describe("buildIntunePayload", () => {
  it("builds the same keys, values and order as before", () => {
    const payload = buildIntunePayload(options);
    expect(Object.entries(payload)).toEqual([
      ["android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME", "com.microsoft.intune.aospagent/com.microsoft.intune.aospagent.AospDeviceAdminReceiver"],
      ["android.app.extra.PROVISIONING_DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION", options.agentDownloadUrl],
      ["android.app.extra.PROVISIONING_DEVICE_ADMIN_PACKAGE_CHECKSUM", HELLO_CHECKSUM],
      ["android.app.extra.PROVISIONING_DEVICE_ADMIN_PACKAGE_DOWNLOAD_COOKIE_HEADER", "dl=1"],
      ["android.app.extra.PROVISIONING_SKIP_ENCRYPTION", false],
      ["android.app.extra.PROVISIONING_LEAVE_ALL_SYSTEM_APPS_ENABLED", false],
      ["android.app.extra.PROVISIONING_WIFI_SSID", "Staging"],
      ["android.app.extra.PROVISIONING_WIFI_HIDDEN", true],
      ["android.app.extra.PROVISIONING_WIFI_SECURITY_TYPE", "WPA"],
      ["android.app.extra.PROVISIONING_WIFI_PASSWORD", "correct horse"],
      ["android.app.extra.PROVISIONING_ADMIN_EXTRAS_BUNDLE", {
        "com.microsoft.intune.aosp.enrollmentToken": "tok-abc",
        "com.microsoft.intune.aosp.serviceUrl": "https://enroll.example.com",
      }],
    ]);
  });

  it("issues payloads that pass the intune-aosp rules, strictly", () => {
    const result = checkPayloadText(payloadText(buildIntunePayload(options)), { rules: "intune-aosp", strict: true });
    expect(result.valid).toBe(true);
    expect(result.findings.map((f) => f.rule)).toEqual(["wifi-credentials-in-qr"]);
  });
});

describe("strict", () => {
  it("keeps a payload with only warnings valid, unless strict", () => {
    const text = JSON.stringify(payloadWith({ [KEYS.WIFI_HIDDEN]: "true" }));
    expect(checkPayloadText(text).valid).toBe(true);
    expect(checkPayloadText(text, { strict: true }).valid).toBe(false);
  });

  it("keeps infos valid even when strict", () => {
    const text = JSON.stringify(payloadWith({ [KEYS.DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION]: "http://x.example/a.apk" }));
    expect(checkPayloadText(text, { strict: true }).valid).toBe(true);
  });
});
