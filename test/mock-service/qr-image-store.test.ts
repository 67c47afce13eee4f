/**
 * The QR code images a service keeps: rendering one holds the CPU for tens of milliseconds, so a
 * tenant with hundreds of profiles must list them without rendering each again, while a changed
 * payload or a new token always gets a fresh image.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ServiceContext } from "../../mock-service/context.js";
import { PackageService } from "../../mock-service/services/packages.js";
import { ProfileService } from "../../mock-service/services/profiles.js";
import { TenantService } from "../../mock-service/services/tenant.js";
import { MEMORY_DB } from "../../mock-service/store/database.js";
import { openStore, type Store } from "../../mock-service/store/index.js";

let store: Store;
let profiles: ProfileService;
let rendered: string[];

beforeEach(() => {
  store = openStore(MEMORY_DB);
  const ctx: ServiceContext = {
    store,
    tenantId: "tenant",
    now: () => Date.parse("2026-03-02T09:00:00Z"),
    baseUrl: () => "http://127.0.0.1:8080",
    log: () => {},
  };
  store.tenant.ensure(() => ({ tenantId: "tenant", displayName: "t", mdmAuthority: "intune", cloud: "global", created: ctx.now() }));
  const packages = new PackageService(ctx);
  packages.seed();
  rendered = [];
  // A stand-in renderer: the PNG bytes are the text, so a test can tell which text was drawn.
  profiles = new ProfileService(ctx, packages, new TenantService(ctx), async (text) => {
    rendered.push(text);
    return Buffer.from(text, "utf8");
  });
});

afterEach(() => store.close());

const png = (id: string) => profiles.qrPng(profiles.view(profiles.get(id)));

describe("the QR code images of profiles", () => {
  it("are rendered once, however often 300 profiles are listed", async () => {
    const ids = Array.from({ length: 300 }, (_, i) => profiles.create({ displayName: `Line ${i}`, enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice" }).id);
    for (let pass = 0; pass < 3; pass++) {
      for (const id of ids) await png(id);
    }
    expect(rendered).toHaveLength(300);
  });

  it("are rendered once when many requests read a new one at the same time", async () => {
    const { id } = profiles.create({ displayName: "Lab", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice" });
    const images = await Promise.all(Array.from({ length: 5 }, () => png(id)));
    expect(rendered).toHaveLength(1);
    expect(new Set(images.map((image) => image.toString()))).toHaveProperty("size", 1);
  });

  it("are drawn again when the payload changes or the token is replaced, and show the new one", async () => {
    const { id } = profiles.create({ displayName: "Lab", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice" });
    await png(id);
    profiles.update(id, { configureWifi: true, wifiSsid: "Staging", wifiSecurityType: "none" });
    expect((await png(id)).toString()).toContain('"Staging"');
    const before = profiles.view(profiles.get(id)).token.tokenValue!;
    profiles.createToken(id, undefined);
    const after = (await png(id)).toString();
    expect(after).not.toContain(before);
    expect(after).toContain(profiles.view(profiles.get(id)).token.tokenValue!);
    await png(id);
    expect(rendered).toHaveLength(3);
  });
});
