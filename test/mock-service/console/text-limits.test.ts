/**
 * Over-long names and descriptions in the console's forms, over HTTP as a browser posts them.
 * Before, only Users > New user refused a name past the admin API's limit: Create profile, New
 * group, Create policy (configuration and compliance) and Create terms and conditions called the
 * domain services, which checked only that a name was there, so a form sent past its `maxlength`
 * (a browser's check is no guarantee) created a group named with 10,000 characters, or a profile
 * with 300, which `POST /beta/...` refuses (`"displayName" is longer than 256 characters`). Now
 * each form refuses, at its field, in the form's words, with the limit and the length sent, and
 * creates nothing.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { FORM, signedInService } from "./support.js";

const PROFILES = "/devices/enrollment/android/aosp/corporate-owned-user-associated";

const signedIn = signedInService();

/** A wizard draft id to replace with a new one at each post (Create is one-shot per draft). */
const NEW_DRAFT = "new";

function post(path: string, fields: Record<string, string>): Promise<Response> {
  if (fields.draft === NEW_DRAFT) fields = { ...fields, draft: randomUUID() };
  return fetch(`${signedIn.service.url}${path}`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": FORM, cookie: signedIn.session.cookie, origin: signedIn.service.url },
    body: new URLSearchParams({ _csrf: signedIn.session.csrf, ...fields }).toString(),
  });
}

/** The profile wizard, at the step whose button is `go`. */
const wizard = (form: string, step: string, go: string) => ({
  form,
  path: `${PROFILES}/create`,
  fields: { step, go, expiry: "", wifiType: "none", draft: NEW_DRAFT },
  name: { label: "Name", limit: 200 },
  description: { field: "description", label: "Description", limit: 1500 },
  list: async () => (await signedIn.service.admin.listProfiles()).map((p) => p.displayName),
});

/** Each console form that names something, the fields it needs besides the one tested, and how to list what it made. */
const FORMS = [
  wizard("Create profile (Basics, Next)", "basics", "next"),
  wizard("Create profile (Review + create, Create)", "review", "create"),
  {
    form: "New group",
    path: "/groups/new",
    fields: { groupType: "security", membershipType: "assigned" },
    name: { label: "Group name", limit: 256 },
    description: { field: "description", label: "Group description", limit: 1024 },
    list: async () => (await signedIn.service.admin.listGroups()).map((g) => g.displayName),
  },
  {
    form: "Create policy (configuration)",
    path: "/devices/configuration/create",
    fields: {},
    name: { label: "Name", limit: 256 },
    description: { field: "description", label: "Description", limit: 1024 },
    list: async () => (await signedIn.service.admin.listConfigurations()).map((p) => p.displayName),
  },
  {
    form: "Create policy (compliance)",
    path: "/devices/compliance/create",
    fields: { noncompliantAfterDays: "0" },
    name: { label: "Name", limit: 256 },
    description: { field: "description", label: "Description", limit: 1024 },
    list: async () => (await signedIn.service.admin.listCompliancePolicies()).map((p) => p.displayName),
  },
  {
    form: "Create terms and conditions",
    path: "/tenant-admin/terms-and-conditions/create",
    fields: { title: "Terms", bodyText: "Use it for work.", acceptanceStatement: "I accept." },
    name: { label: "Name", limit: 256 },
    description: { field: "description", label: "Description", limit: 1024 },
    list: async () => (await signedIn.service.admin.listTerms()).map((t) => t.displayName),
  },
] as const;

describe.each(FORMS)("$form", ({ path, fields, name, description, list }) => {
  it.each([300, 10_000])("refuses a %i-character name at its field, with the limit, and creates nothing", async (length) => {
    const response = await post(path, { ...fields, displayName: "N".repeat(length) });
    expect(response.status).toBe(400);
    const page = await response.text();
    const words = `${name.label} is longer than ${name.limit} characters (it has ${length}): shorten it`;
    expect(page).toContain(`<p class="field-error" id="displayName-error">${words}</p>`);
    expect(/<input\b[^>]*\bid="displayName"[^>]*>/.exec(page)?.[0]).toContain('aria-invalid="true"');
    // The whole name is given back, to shorten, not cut to the limit.
    expect(page).toContain(`value="${"N".repeat(length)}"`);
    expect((await list()).filter((n) => n.startsWith("NNN"))).toEqual([]);
  });

  it("takes a name of exactly the limit", async () => {
    const response = await post(path, { ...fields, displayName: "L".repeat(name.limit) });
    expect(response.status).not.toBe(400);
  });

  it("refuses an over-long description at its field", async () => {
    const response = await post(path, { ...fields, displayName: "Described", description: "d".repeat(description.limit + 1) });
    expect(response.status).toBe(400);
    const page = await response.text();
    expect(page).toContain(`<p class="field-error" id="description-error">${description.label} is longer than ${description.limit} characters (it has ${description.limit + 1}): shorten it</p>`);
    expect(/<textarea\b[^>]*\bid="description"[^>]*>/.exec(page)?.[0]).toContain('aria-invalid="true"');
  });
});

describe("the limits count characters as the admin API does", () => {
  it("counts an emoji as one character, not two UTF-16 units", async () => {
    // 200 emoji are 400 UTF-16 units: the API's schema (code points) takes the name, so must the form.
    const response = await post(`${PROFILES}/create`, { ...FORMS[0].fields, displayName: "📱".repeat(200) });
    expect(response.status).toBe(200);
    const api = await fetch(`${signedIn.service.url}/beta/deviceManagement/androidDeviceOwnerEnrollmentProfiles`, {
      method: "POST",
      headers: { authorization: `Bearer ${signedIn.service.adminToken}`, "content-type": "application/json" },
      body: JSON.stringify({ displayName: "📱".repeat(200), enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice" }),
    });
    expect(api.status).toBe(201);
  });
});

describe("Create terms and conditions' other texts", () => {
  it.each([
    ["title", "Title", 256],
    ["acceptanceStatement", "Summary of Terms", 1024],
  ] as const)("refuses an over-long %s at its field", async (field, label, limit) => {
    const response = await post("/tenant-admin/terms-and-conditions/create", { ...FORMS[5].fields, displayName: "Long texts", [field]: "t".repeat(limit + 1) });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain(`<p class="field-error" id="${field}-error">${label} is longer than ${limit} characters (it has ${limit + 1}): shorten it</p>`);
  });
});
