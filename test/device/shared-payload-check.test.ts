/**
 * Fleets scan one code with thousands of devices: the payload check (a pure function of the
 * text) runs once per distinct text, and its shared result is frozen so no device can change it
 * for the others.
 */
import { describe, expect, it } from "vitest";
import { checkAndroidPayloadOnce } from "../../agent/device/wiring.js";
import { checkPayloadText } from "../../agent/payload/index.js";
import { createDevice } from "../../agent/device/create-device.js";
import { doubles } from "../helpers/port-doubles.js";

const payload = (token: string) =>
  JSON.stringify({
    "android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME": "com.example.agent/.Receiver",
    "android.app.extra.PROVISIONING_DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION": "https://mdm.example/agent.apk",
    "android.app.extra.PROVISIONING_DEVICE_ADMIN_PACKAGE_CHECKSUM": "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU",
    "android.app.extra.PROVISIONING_ADMIN_EXTRAS_BUNDLE": { token },
  });

describe("the payload check a device runs after scanning", () => {
  it("is computed once per text and equals a fresh check", () => {
    const text = payload("a");
    const first = checkAndroidPayloadOnce(text);
    expect(checkAndroidPayloadOnce(text)).toBe(first);
    expect(first).toEqual(checkPayloadText(text, { rules: "android" }));
    expect(checkAndroidPayloadOnce(payload("b"))).not.toBe(first);
  });

  it("is frozen all the way down, so a device cannot change it for the others", () => {
    const shared = checkAndroidPayloadOnce(payload("c"));
    expect(Object.isFrozen(shared)).toBe(true);
    expect(shared.params).not.toBeNull();
    expect(Object.isFrozen(shared.params)).toBe(true);
    expect(() => {
      (shared.findings as unknown[]).push("x");
    }).toThrow(TypeError);
  });

  it("still gives each of several devices scanning one code its own enrollment", async () => {
    for (const seed of [1, 2]) {
      const world = doubles();
      await world.setPicture();
      const device = await createDevice({ ports: world.ports, seed, user: { userPrincipalName: "alex@contoso.example", password: "pw" } });
      const report = await device.enroll();
      expect(report.finalStatePath).toBe("enrolled.idle");
      device.dispose();
    }
  });
});
