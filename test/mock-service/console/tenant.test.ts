/**
 * Tenant administration's MDM authority, over HTTP as a browser posts its forms: on a new tenant
 * it is unknown, the Home checklist's first step is to do, and the profile wizard's refusal links
 * to Tenant administration; the admin sets it to Intune with a button (a form needing this console's Origin and the session's CSRF token), after which
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
    // In the console the refusal sends the admin to the button, not to the admin API's action.
    const refusal = /role="alert"[^>]*>(.*?)<\/div>/s.exec(await refused.text())![1]!;
    expect(refusal).toContain('Go to <a href="/tenant-admin">Tenant administration</a>, select <strong>Set Microsoft Intune as MDM authority</strong>');
    expect(refusal).not.toContain("POST /beta/organization");
    // So does Next on Basics, which asks the service the same question.
    const next = await post(WIZARD, { _csrf: session.csrf, step: "basics", go: "next", displayName: "Factory 1 devices", wifiType: "none" });
    expect(await next.text()).toContain('<a href="/tenant-admin">Tenant administration</a>');
  });

  it("is the Home checklist's first step, to do until it is set", async () => {
    expect(await getPage("/")).toMatch(/<ol class="steps">\s*<li><a href="\/tenant-admin">Tenant administration<\/a>: Set Microsoft Intune as MDM authority[^<]*<span class="step-status">To do<\/span>/);
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
    expect(await getPage("/")).toMatch(/Set Microsoft Intune as MDM authority[^<]*<span class="step-status done">Done<\/span>/);
  });
});

describe("the Users form", () => {
  it("creates a user with what Graph's Create user requires: the account enabled and a mail nickname derived from the user principal name", async () => {
    const created = await post("/users", { _csrf: session.csrf, displayName: "Casey Jones", userPrincipalName: "casey.jones@contoso.example", password: "Corr3ct-Horse", accountEnabled: "true" });
    expect(created.status, await created.clone().text()).toBe(303);
    const disabled = await post("/users", { _csrf: session.csrf, displayName: "Drew", userPrincipalName: "drew@contoso.example", mailNickname: "drew.s", password: "Corr3ct-Horse" });
    expect(disabled.status).toBe(303);
    const users = await fetch(`${service.url}/beta/users?$select=userPrincipalName,mailNickname,accountEnabled`, { headers: { authorization: `Bearer ${service.adminToken}` } });
    expect(((await users.json()) as { value: unknown[] }).value).toEqual([
      { userPrincipalName: "casey.jones@contoso.example", mailNickname: "casey.jones", accountEnabled: true },
      { userPrincipalName: "drew@contoso.example", mailNickname: "drew.s", accountEnabled: false },
    ]);
    const page = await getPage("/users");
    expect(page).toContain('<input id="mailNickname" name="mailNickname"');
    expect(page).toMatch(/<input id="accountEnabled" name="accountEnabled" type="checkbox" value="true" checked>/);
  });
});

// Before, the New user form showed its refusals only in the summary at the top: no aria-invalid
// and no error under the field, unlike the wizard's, the policies' and the terms' forms.
describe("Users > New user's refusals", () => {
  const newUser = (fields: Record<string, string>) =>
    post("/users", { _csrf: session.csrf, displayName: "Ann", userPrincipalName: "ann@contoso.example", password: "Corr3ct-Horse", accountEnabled: "true", ...fields });

  it.each([
    ["userPrincipalName", "upn", { userPrincipalName: "ann" }, "write alias@domain", []],
    ["password", "password", { password: "short" }, "password complexity requirements", ["password-hint"]],
    ["displayName", "userDisplayName", { displayName: "" }, "Display name must not be empty", []],
    ["displayName", "userDisplayName", { displayName: "A".repeat(257) }, "Display name is longer than 256 characters", []],
  ] as const)("are tied to their field: %s", async (name, id, fields, words, hints) => {
    const response = await newUser(fields);
    expect(response.status).toBe(400);
    const page = await response.text();
    const tag = new RegExp(`<input\\b[^>]*\\bid="${id}"[^>]*>`).exec(page)?.[0] ?? "";
    expect(tag).toContain('aria-invalid="true"');
    expect(tag).toContain(`aria-describedby="${[...hints, `${name}-error`].join(" ")}"`);
    expect(page).toMatch(new RegExp(`<p class="field-error" id="${name}-error">[^<]*${words}`));
  });

  it("makes no user the admin API would refuse: an empty or over-long display name", async () => {
    // Before, the form called the service, which took what the API's schema refuses: a user
    // with no name, listed as a link with no text.
    for (const displayName of ["", "A".repeat(257)]) expect((await newUser({ displayName, userPrincipalName: "nameless@contoso.example" })).status).toBe(400);
    expect((await service.admin.listUsers()).map((u) => u.userPrincipalName)).not.toContain("nameless@contoso.example");
  });
});
