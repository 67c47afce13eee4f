/**
 * Tenant administration's MDM authority, over HTTP as a browser posts its forms: on a new tenant
 * it is unknown and the profile wizard shows the service's refusal; the admin sets it to Intune
 * with a button (a form needing this console's Origin and the session's CSRF token), after which
 * the wizard creates the profile.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockService, type MockService } from "../../../mock-service/index.js";
import { form, FORM, signIn, type ConsoleSession } from "./support.js";

const WIZARD = "/devices/enrollment/android/aosp/corporate-owned-user-associated/create";
let service: MockService;
let session: ConsoleSession;

beforeAll(async () => {
  service = await startMockService({ tenant: "new" });
  session = await signIn(service);
});
afterAll(() => service.close());

const getPage = async (path: string) => (await fetch(`${service.url}${path}`, { headers: { cookie: session.cookie } })).text();

function post(path: string, fields: Record<string, string>, origin = service.url): Promise<Response> {
  return fetch(`${service.url}${path}`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": FORM, cookie: session.cookie, origin },
    body: form(fields),
  });
}

const createProfile = () => post(WIZARD, { _csrf: session.csrf, step: "review", go: "create", displayName: "Factory 1 devices", wifiType: "none" });

describe("the MDM authority under Tenant administration", () => {
  it("is unknown on a new tenant, and the profile wizard shows the service's refusal", async () => {
    const tenantPage = await getPage("/tenant-admin");
    expect(tenantPage).toMatch(/MDM authority<\/dt>\s*<dd>Unknown \(not set\)/);
    expect(tenantPage).toContain('action="/tenant-admin/mdm-authority"');
    const refused = await createProfile();
    expect(refused.status).toBe(400);
    expect(await refused.text()).toMatch(/role="alert".*mobile device management authority is unknown, not Intune: set it once with POST \/beta\/organization\/[0-9a-f-]+\/setMobileDeviceManagementAuthority/s);
  });

  it("is not set by a post from another origin or without the session's CSRF token", async () => {
    expect((await post("/tenant-admin/mdm-authority", { _csrf: session.csrf }, "http://evil.example")).status).toBe(403);
    expect((await post("/tenant-admin/mdm-authority", {})).status).toBe(403);
    expect((await post("/tenant-admin/mdm-authority", { _csrf: "stale" })).status).toBe(403);
    expect(await getPage("/tenant-admin")).toContain("Unknown (not set)");
  });

  it("is set to Intune by the button, as the admin API's action would, and the wizard then creates the profile", async () => {
    const set = await post("/tenant-admin/mdm-authority", { _csrf: session.csrf });
    expect(set.status).toBe(303);
    expect(set.headers.get("location")).toBe("/tenant-admin?done=mdm-authority");
    const tenantPage = await getPage("/tenant-admin?done=mdm-authority");
    expect(tenantPage).toContain("Microsoft Intune is the MDM authority.");
    expect(tenantPage).toMatch(/MDM authority<\/dt>\s*<dd>Microsoft Intune/);
    expect(tenantPage).not.toContain('action="/tenant-admin/mdm-authority"');
    const organization = await fetch(`${service.url}/beta/organization`, { headers: { authorization: `Bearer ${service.adminToken}` } });
    expect(((await organization.json()) as { value: { mobileDeviceManagementAuthority: string }[] }).value[0]!.mobileDeviceManagementAuthority).toBe("intune");
    const created = await createProfile();
    expect(created.status, await created.clone().text()).toBe(303);
  });
});
