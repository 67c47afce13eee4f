/**
 * The params the device ends up with: Android's precedence between long keys and short aliases,
 * silent defaults for wrong types, decoded checksums, and when the device refuses outright.
 */
import { describe, expect, it } from "vitest";
import { paramsToJson } from "../../agent/payload/index.js";
import { check, HELLO_CHECKSUM, HELLO_SHA256, KEYS, payloadWith } from "./support/payloads.js";

function params(changes: Record<string, unknown>) {
  const result = check(payloadWith(changes));
  if (result.params === null) throw new Error(`refused: ${result.findings.map((f) => f.rule).join(", ")}`);
  return result.params;
}

describe("long keys and short aliases", () => {
  it("reads a short alias when the long key is absent", () => {
    expect(params({ [KEYS.WIFI_SSID]: undefined, "a.a.e.PWS": "Alias-Net" }).wifi?.ssid).toBe("Alias-Net");
  });

  it("lets the long key win when both are given", () => {
    expect(params({ "a.a.e.PWS": "Alias-Net" }).wifi?.ssid).toBe("Staging");
  });

  it("falls back to the alias when the long string key holds a non-string (getStringExtra reads null)", () => {
    expect(params({ [KEYS.WIFI_SSID]: 42, "a.a.e.PWS": "Alias-Net" }).wifi?.ssid).toBe("Alias-Net");
  });

  it("does not fall back to the alias for a mistyped long boolean: the long key is present, so it reads the default", () => {
    expect(params({ [KEYS.WIFI_HIDDEN]: "true", "a.a.e.PWH": true }).wifi?.hidden).toBe(false);
  });

  it("reads the component from its alias a.a.e.PDACN", () => {
    const p = params({ [KEYS.DEVICE_ADMIN_COMPONENT_NAME]: undefined, "a.a.e.PDACN": "com.example.dpc/.Admin" });
    expect(p.adminComponent).toEqual({ packageName: "com.example.dpc", className: "com.example.dpc.Admin" });
  });
});

describe("wrong types read as the device's defaults", () => {
  it("reads the string \"true\" in a boolean slot as false", () => {
    expect(params({ [KEYS.WIFI_HIDDEN]: "true" }).wifi?.hidden).toBe(false);
    expect(params({ [KEYS.LEAVE_ALL_SYSTEM_APPS_ENABLED]: "true" }).leaveAllSystemAppsEnabled).toBe(false);
  });

  it("reads the string \"8080\" in an int slot as 0", () => {
    expect(params({ [KEYS.WIFI_PROXY_HOST]: "proxy", [KEYS.WIFI_PROXY_PORT]: "8080" }).wifi?.proxy?.port).toBe(0);
  });

  it("reads a number in a string slot as absent (no Wi-Fi step for a numeric SSID)", () => {
    expect(params({ [KEYS.WIFI_SSID]: 12345 }).wifi).toBeNull();
  });

  it("reads an int outside 32 bits, and a fraction, as the default", () => {
    expect(params({ [KEYS.WIFI_PROXY_HOST]: "p", [KEYS.WIFI_PROXY_PORT]: 2 ** 31 }).wifi?.proxy?.port).toBe(0);
    expect(params({ [KEYS.WIFI_PROXY_HOST]: "p", [KEYS.WIFI_PROXY_PORT]: 80.5 }).wifi?.proxy?.port).toBe(0);
  });

  it("passes the admin extras on unchanged, and an extras value that is not an object as none", () => {
    const extras = { "com.example.a": "x", "com.example.n": 3, nested: { deep: [1, 2] } };
    expect(params({ [KEYS.ADMIN_EXTRAS_BUNDLE]: extras }).adminExtras).toEqual(extras);
    expect(params({ [KEYS.ADMIN_EXTRAS_BUNDLE]: "token=1" }).adminExtras).toEqual({});
  });

  it("reads LOCAL_TIME as a long", () => {
    expect(params({ [KEYS.LOCAL_TIME]: 1_735_689_600_000 }).localTime).toBe(1_735_689_600_000);
    expect(params({ [KEYS.LOCAL_TIME]: "1735689600000" }).localTime).toBeNull();
  });
});

describe("the minimum version code", () => {
  const MIN = KEYS.DEVICE_ADMIN_MINIMUM_VERSION_CODE;

  it("always downloads when none is given: Android's default is 2147483647", () => {
    expect(params({ [MIN]: undefined }).download?.minimumVersionCode).toBe(2147483647);
  });

  it("reads a mistyped one as that default, not as 0", () => {
    expect(params({ [MIN]: "5" }).download?.minimumVersionCode).toBe(2147483647);
  });

  it("keeps an explicit 0, which skips the download whenever the admin app is installed", () => {
    expect(params({ [MIN]: 0 }).download?.minimumVersionCode).toBe(0);
  });
});

describe("Wi-Fi as the device applies it", () => {
  it("treats an unrecognised security type as an open network and remembers what was written", () => {
    const wifi = params({ [KEYS.WIFI_SECURITY_TYPE]: "WPA2", [KEYS.WIFI_PASSWORD]: "secret123" }).wifi!;
    expect(wifi.securityType).toBe("NONE");
    expect(wifi.securityTypeAsWritten).toBe("WPA2");
  });

  it("treats an absent security type as NONE without calling it different", () => {
    const wifi = params({ [KEYS.WIFI_SECURITY_TYPE]: undefined }).wifi!;
    expect(wifi).toMatchObject({ securityType: "NONE", securityTypeAsWritten: null });
  });

  it("uses the proxy host and drops the PAC URL when both are given", () => {
    const wifi = params({ [KEYS.WIFI_PROXY_HOST]: "proxy", [KEYS.WIFI_PROXY_PORT]: 3128, [KEYS.WIFI_PAC_URL]: "https://x/p.pac" }).wifi!;
    expect(wifi.proxy).toEqual({ host: "proxy", port: 3128, bypass: null });
    expect(wifi.pacUrl).toBeNull();
  });

  it("keeps only a known EAP method", () => {
    expect(params({ [KEYS.WIFI_SECURITY_TYPE]: "EAP", [KEYS.WIFI_EAP_METHOD]: "TTLS" }).wifi?.eapMethod).toBe("TTLS");
    expect(params({ [KEYS.WIFI_SECURITY_TYPE]: "EAP", [KEYS.WIFI_EAP_METHOD]: "ttls" }).wifi?.eapMethod).toBeNull();
  });
});

describe("checksums decoded the device's way", () => {
  it("decodes URL-safe base64, padded or not, to the 32 digest bytes", () => {
    expect(params({}).download?.signatureChecksum).toEqual(new Uint8Array(HELLO_SHA256));
    expect(params({ [KEYS.DEVICE_ADMIN_SIGNATURE_CHECKSUM]: `${HELLO_CHECKSUM}=` }).download?.signatureChecksum)
      .toEqual(new Uint8Array(HELLO_SHA256));
  });

  it("gives the hex form's 48 bytes, which will not match the 32-byte SHA-256 the device computes", () => {
    expect(params({ [KEYS.DEVICE_ADMIN_SIGNATURE_CHECKSUM]: HELLO_SHA256.toString("hex") }).download?.signatureChecksum)
      .toHaveLength(48);
  });

  it("renders checksums back as URL-safe base64 in the JSON form of the params", () => {
    const json = paramsToJson(params({})) as { download: { signatureChecksum: string; packageChecksum: null } };
    expect(json.download.signatureChecksum).toBe(HELLO_CHECKSUM);
    expect(json.download.packageChecksum).toBeNull();
  });
});

describe("what the device refuses outright (params null)", () => {
  it.each([
    ["no admin component", { [KEYS.DEVICE_ADMIN_COMPONENT_NAME]: undefined }],
    ["a component without a class", { [KEYS.DEVICE_ADMIN_COMPONENT_NAME]: "com.example.dpc/" }],
    ["a component that is not a string", { [KEYS.DEVICE_ADMIN_COMPONENT_NAME]: ["com.example.dpc", ".Admin"] }],
    ["an empty download location", { [KEYS.DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION]: "" }],
    ["a download without checksum", { [KEYS.DEVICE_ADMIN_SIGNATURE_CHECKSUM]: undefined }],
    ["an undecodable checksum", { [KEYS.DEVICE_ADMIN_SIGNATURE_CHECKSUM]: "abcde" }],
    ["an ill-formed locale", { [KEYS.LOCALE]: "en_US_" }],
    ["unsupported SUPPORTED_MODES", { [KEYS.SUPPORTED_MODES]: 7 }],
  ])("refuses %s", (_what, changes) => {
    const result = check(payloadWith(changes));
    expect(result.params).toBeNull();
    expect(result.valid).toBe(false);
  });

  it("still starts with a hex checksum or an ftp location: they fail later, at download or verification", () => {
    expect(check(payloadWith({ [KEYS.DEVICE_ADMIN_SIGNATURE_CHECKSUM]: HELLO_SHA256.toString("hex") })).params).not.toBeNull();
    expect(check(payloadWith({ [KEYS.DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION]: "ftp://x/y.apk" })).params).not.toBeNull();
  });

  it("ignores SKIP_EDUCATION_SCREENS for QR provisioning", () => {
    expect(params({ [KEYS.SKIP_EDUCATION_SCREENS]: true }).skipEducationScreens).toBe(false);
  });
});

describe("prototype safety", () => {
  it("treats __proto__ and constructor as unknown keys and never pollutes Object.prototype", () => {
    const text = JSON.stringify(payloadWith({})).replace(/}$/, ',"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}');
    const result = check(text);
    expect(result.findings.filter((f) => f.rule === "unknown-key").map((f) => f.path)).toEqual(["/__proto__", "/constructor"]);
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty("polluted");
    expect(result.params).not.toBeNull();
  });

  it("passes a __proto__ key inside the admin extras through as data", () => {
    const text = JSON.stringify(payloadWith({})).replace(/}$/, `,"${KEYS.ADMIN_EXTRAS_BUNDLE}":{"__proto__":{"x":1}}}`);
    const extras = check(text).params!.adminExtras;
    expect(Object.keys(extras)).toEqual(["__proto__"]);
    expect(({} as Record<string, unknown>)["x"]).toBeUndefined();
  });
});
