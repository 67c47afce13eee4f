/**
 * A dispatcher installed with another copy of undici than the package's own (a library user's
 * own `undici` dependency: npm installs it beside the package's, a patch release apart) is used,
 * as one of the package's own is: a MockAgent that disables the network keeps the test off it.
 * Before, an `instanceof` test against the package's own class refused it in silence, and the
 * requests went out to the network.
 */
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { getGlobalDispatcher, setGlobalDispatcher } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdminClient, createDevice, SimulatedClock } from "../../agent/index.js";

/** The second copy: the package's undici copied to a folder of its own, loaded from there. */
type Undici = typeof import("undici");
let copy: Undici;
let folder: string;
beforeAll(() => {
  folder = mkdtempSync(path.join(tmpdir(), "aosp-sim-undici-copy-"));
  const own = path.dirname(createRequire(import.meta.url).resolve("undici/package.json"));
  cpSync(own, path.join(folder, "node_modules", "undici"), { recursive: true });
  copy = createRequire(path.join(folder, "index.js"))("undici") as Undici;
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe("a process-wide dispatcher from another copy of undici", () => {
  it("is another copy (its classes are not the package's)", async () => {
    const { Dispatcher } = await import("undici");
    expect(new copy.MockAgent() instanceof Dispatcher).toBe(false);
  });

  it("carries the admin client's and the device's requests", async () => {
    const before = getGlobalDispatcher();
    const mock = new copy.MockAgent();
    mock.disableNetConnect();
    // Port 1 of loopback: nothing listens there, so a request that reached the network was refused.
    const origin = mock.get("http://127.0.0.1:1");
    origin.intercept({ path: "/beta/$metadata" }).reply(200, "<edmx/>");
    origin.intercept({ path: /^\/device\/v1\/packages\//, method: "GET" }).reply(503, "from the copy's MockAgent").persist();
    copy.setGlobalDispatcher(mock);
    try {
      expect(await new AdminClient("http://127.0.0.1:1", "token").metadata()).toBe("<edmx/>");
      const device = await createDevice({
        qr: {
          payload: {
            "android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME": "com.microsoft.intune.aosp/.DeviceAdminReceiver",
            "android.app.extra.PROVISIONING_DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION": "http://127.0.0.1:1/device/v1/packages/com.microsoft.intune.aosp/1",
            "android.app.extra.PROVISIONING_DEVICE_ADMIN_SIGNATURE_CHECKSUM": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "android.app.extra.PROVISIONING_SKIP_ENCRYPTION": true,
          },
        },
        clock: new SimulatedClock(),
        seed: 1,
      });
      const report = await device.enroll();
      device.dispose();
      expect(report.failure?.message).toMatch(/HTTP 503/);
    } finally {
      setGlobalDispatcher(before);
      await mock.close();
    }
  });
});
