/**
 * The seed's next steps in the console, over HTTP as a browser posts its forms: Devices >
 * Configuration and Compliance (Create policy with the admin API's own refusals next to the
 * fields, assignment to groups, the service's warnings about what AOSP cannot enforce), Tenant
 * administration > Terms and conditions (Create, assign to users, add and remove assignments),
 * an assigned group's members added and removed by hand, a device's configuration states, and
 * the Home checklist.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Device } from "../../../agent/device/create-device.js";
import { setUpTenant, tearDownTenant, type Tenant } from "../../helpers/device-tenant.js";
import { FORM, signIn, type ConsoleSession } from "./support.js";

let tenant: Tenant;
let session: ConsoleSession;
let device: Device;

beforeAll(async () => {
  tenant = await setUpTenant();
  session = await signIn(tenant.service);
  device = await tenant.device();
  expect((await device.enroll()).finalState).toBe("enrolled");
}, 60_000);
afterAll(() => tearDownTenant());

const getPage = async (path: string) => {
  const response = await fetch(`${tenant.service.url}${path}`, { headers: { cookie: session.cookie } });
  return { status: response.status, text: await response.text() };
};

/** Posts a form; repeated fields (checkboxes) are given as arrays. */
function post(path: string, fields: Record<string, string | string[]>): Promise<Response> {
  const body = new URLSearchParams({ _csrf: session.csrf });
  for (const [name, value] of Object.entries(fields)) for (const v of [value].flat()) body.append(name, v);
  return fetch(`${tenant.service.url}${path}`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": FORM, cookie: session.cookie, origin: tenant.service.url },
    body: body.toString(),
  });
}

/** A new assigned group, made on the console's New group form; its id. */
async function assignedGroup(name: string): Promise<string> {
  const created = await post("/groups/new", { displayName: name, membershipType: "assigned" });
  expect(created.status).toBe(303);
  return created.headers.get("location")!.split("/").pop()!;
}

const admin = () => tenant.service.admin;
const firstUser = async () => (await admin().listUsers())[0]!;

describe("the left navigation", () => {
  it("has Configuration and Compliance under Devices and Terms and conditions under Tenant administration, marking the current page", async () => {
    const { text } = await getPage("/devices/configuration");
    expect(text).toMatch(/<a href="\/devices">Devices<\/a><ul>.*<a href="\/devices\/configuration" aria-current="page">Configuration<\/a>.*<a href="\/devices\/compliance">Compliance<\/a>/s);
    expect(text).toContain('<a href="/tenant-admin/terms-and-conditions">Terms and conditions</a>');
  });
});

describe("an assigned group's members", () => {
  let groupId: string;

  it("says how an empty group gets members, by its membership type, and shows no rule for an assigned group", async () => {
    groupId = await assignedGroup("Factory 1 pilot");
    const { text } = await getPage(`/groups/${groupId}`);
    expect(text).toContain("No members yet. Add users or devices with Add members.");
    expect(text).not.toContain("Devices that match the rule join when they enroll");
    expect(text).not.toContain("Dynamic membership rule");
    const dynamic = await post("/groups/new", { displayName: "Factory 1 devices", membershipType: "dynamicDevice", rule: '(device.enrollmentProfileName -eq "No such profile")' });
    const dynamicPage = await getPage(dynamic.headers.get("location")!);
    expect(dynamicPage.text).toContain("No members yet. Devices that match the rule join when they enroll.");
    expect(dynamicPage.text).not.toContain("Add members");
  });

  it("adds the enrolled device and a user, and removes the user, through the service's member routes", async () => {
    const [managed] = await admin().listManagedDevices();
    const user = await firstUser();
    expect((await post(`/groups/${groupId}/members`, { memberId: managed!.id })).status).toBe(303);
    expect((await post(`/groups/${groupId}/members`, { memberId: user.id })).status).toBe(303);
    // A device member is its directory object: deviceId is the managed device's azureADDeviceId.
    expect((await admin().groupMembers(groupId)).map((m) => m.deviceId ?? m.id).sort()).toEqual([managed!.azureADDeviceId, user.id].sort());
    const { text } = await getPage(`/groups/${groupId}?done=added`);
    expect(text).toContain(managed!.deviceName);
    // A user is named as the service names it (the members answer's displayName); before, by UPN.
    expect(text).toContain(`aria-label="Remove ${user.displayName}"`);
    // Already a member: the service's refusal, shown on the page.
    const again = await post(`/groups/${groupId}/members`, { memberId: user.id });
    expect(again.status).toBe(400);
    expect(await again.text()).toMatch(/role="alert".*already exist/s);
    expect((await post(`/groups/${groupId}/members/remove`, { memberId: user.id })).status).toBe(303);
    expect((await admin().groupMembers(groupId)).map((m) => m.deviceId)).toEqual([managed!.azureADDeviceId]);
  });

  it("assigns a configuration policy with a camera block and an unenforceable password type to the group, and the device applies it", async () => {
    const form = await getPage("/devices/configuration/create");
    expect(form.text).toMatch(/<label for="platform">Platform<\/label>\s*<select id="platform" name="platform"><option value="androidAOSP" selected>Android \(AOSP\)<\/option>/);
    expect(form.text).toContain('<option value="deviceRestrictions" selected>Device restrictions</option>');
    expect(form.text).toContain("Alphanumeric (cannot be enforced on Android (AOSP))");

    // Out of the documented range: the admin API's own words, next to the field, nothing created.
    const refused = await post("/devices/configuration/create", { displayName: "Factory restrictions", cameraBlocked: "true", passwordMinimumLength: "20", groupIds: groupId });
    expect(refused.status).toBe(400);
    const refusedPage = await refused.text();
    expect(refusedPage).toMatch(/<input id="passwordMinimumLength" name="passwordMinimumLength" value="20"[^>]* aria-invalid="true" aria-describedby="passwordMinimumLength-hint passwordMinimumLength-error">/);
    expect(refusedPage).toContain('<p class="field-error" id="passwordMinimumLength-error">Minimum password length: 20 is not a whole number from 4 to 16.</p>');
    expect(refusedPage).toContain('value="true" selected>Yes');
    expect(await admin().request("GET", "/beta/deviceManagement/deviceConfigurations")).toMatchObject({ value: [] });
    const notNumber = await post("/devices/configuration/create", { displayName: "Factory restrictions", passwordSignInFailureCountBeforeFactoryReset: "five" });
    expect(await notNumber.text()).toContain("Sign-in failures before factory reset: five is not a whole number from 4 to 11.");

    const created = await post("/devices/configuration/create", {
      displayName: "Factory restrictions",
      cameraBlocked: "true",
      passwordMinimumLength: "6",
      passwordRequiredType: "alphanumeric",
      groupIds: groupId,
    });
    expect(created.status, await created.clone().text()).toBe(303);
    const policyPath = created.headers.get("location")!.split("?")[0]!;
    const policyId = policyPath.split("/").pop()!;
    const assigned = (await admin().request("GET", `/beta/deviceManagement/deviceConfigurations/${policyId}/assignments`)) as { value: { target: { groupId: string } }[] };
    expect(assigned.value.map((a) => a.target.groupId)).toEqual([groupId]);
    const { text } = await getPage(`${policyPath}?done=created`);
    expect(text).toContain("Policy created.");
    // The service's warning about what AOSP cannot enforce.
    expect(text).toMatch(/class="warning" role="status">&quot;Factory restrictions&quot;: password type alphanumeric cannot be enforced on Android \(AOSP\) devices/);
    expect(text).toMatch(/Block camera<\/dt><dd>Yes/);
    expect(text).toMatch(/Included: Factory 1 pilot/);

    const [managed] = await admin().listManagedDevices();
    const before = await getPage(`/devices/${managed!.id}`);
    expect(before.text).toMatch(/Factory restrictions<\/a><\/td><td>Pending: the device gets it at its next check-in/);
    await device.runFor(4 * 60_000);
    const after = await getPage(`/devices/${managed!.id}`);
    expect(after.text).toMatch(/Factory restrictions<\/a><\/td><td>Succeeded<\/td>/);
    expect(after.text).toContain("Block camera: Succeeded");
    expect(after.text).toMatch(/Required password type: Not applicable.*cannot be enforced/s);
    // As the admin API reads it.
    const [state] = await admin().deviceConfigurationStates(managed!.id);
    expect(state).toMatchObject({ displayName: "Factory restrictions", state: "compliant" });

    // Unassigned from the policy's page (no group ticked): the warning goes with the assignment.
    expect((await post(`${policyPath}/assignments`, {})).status).toBe(303);
    const unassigned = await getPage(policyPath);
    expect(unassigned.text).toContain("Not assigned: no device gets this policy.");
    expect(unassigned.text).not.toContain('class="warning"');
  });
});

describe("Devices > Compliance", () => {
  it("creates an AOSP compliance policy with its action for noncompliance, saying AOSP has no compliance reports", async () => {
    const list = await getPage("/devices/compliance");
    expect(list.text).toContain("Compliance reports are not available for Android (AOSP) devices");
    const refused = await post("/devices/compliance/create", { displayName: "Factory compliance", passwordRequired: "true", noncompliantAfterDays: "400" });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toMatch(/id="noncompliantAfterDays"[^>]*aria-invalid="true"[\s\S]*id="noncompliantAfterDays-error">Mark device noncompliant: days after noncompliance: 400 is not a whole number from 0 to 365\./);
    const badPatch = await post("/devices/compliance/create", { displayName: "Factory compliance", minAndroidSecurityPatchLevel: "June 2024" });
    expect(await badPatch.text()).toMatch(/id="minAndroidSecurityPatchLevel"[^>]*aria-invalid="true"[\s\S]*Minimum security patch level: June 2024 is not a day the calendar has: write it as YYYY-MM-DD/);
    const created = await post("/devices/compliance/create", {
      displayName: "Factory compliance",
      passwordRequired: "true",
      passwordMinutesOfInactivityBeforeLock: "15",
      osMinimumVersion: "10",
      noncompliantAfterDays: "2",
    });
    expect(created.status, await created.clone().text()).toBe(303);
    const policyId = created.headers.get("location")!.split("?")[0]!.split("/").pop()!;
    const stored = (await admin().request("GET", `/beta/deviceManagement/deviceCompliancePolicies/${policyId}`)) as Record<string, unknown>;
    expect(stored).toMatchObject({ passwordRequired: true, passwordMinutesOfInactivityBeforeLock: 15, osMinimumVersion: "10", passwordMinimumLength: null });
    const actions = (await admin().request("GET", `/beta/deviceManagement/deviceCompliancePolicies/${policyId}/scheduledActionsForRule`)) as { value: { scheduledActionConfigurations: { actionType: string; gracePeriodHours: number }[] }[] };
    expect(actions.value[0]!.scheduledActionConfigurations[0]).toMatchObject({ actionType: "block", gracePeriodHours: 48 });
    const { text } = await getPage(`/devices/compliance/${policyId}`);
    expect(text).toMatch(/Mark device noncompliant<\/td><td>2<\/td>/);
  });
});

describe("Tenant administration > Terms and conditions", () => {
  it("refuses terms without a title next to the field, creates them assigned to All users, and adds and removes a group", async () => {
    const empty = await getPage("/tenant-admin/terms-and-conditions");
    expect(empty.text).toContain("No terms and conditions yet.");
    // Before: "after they sign in", as if users already enrolled would see them too; terms travel only in enrollment's sign-in.
    expect(empty.text).toContain("accept them on the device when they sign in during enrollment, before the apps install. Users who enrolled before the terms were created or assigned accept them at their next enrollment.");
    const fields = { displayName: "Factory terms", title: "Use of work devices", bodyText: "Devices are for work only.", acceptanceStatement: "I accept.", targets: "allUsers" };
    const refused = await post("/tenant-admin/terms-and-conditions/create", { ...fields, title: " " });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toMatch(/<input id="title"[^>]* aria-invalid="true" aria-describedby="title-error">[\s\S]*id="title-error">Title is required/);
    expect(await admin().request("GET", "/beta/deviceManagement/termsAndConditions")).toMatchObject({ value: [] });

    const created = await post("/tenant-admin/terms-and-conditions/create", fields);
    expect(created.status, await created.clone().text()).toBe(303);
    const path = created.headers.get("location")!.split("?")[0]!;
    const id = path.split("/").pop()!;
    const targets = async () =>
      ((await admin().request("GET", `/beta/deviceManagement/termsAndConditions/${id}/assignments`)) as { value: { target: { "@odata.type": string; groupId?: string } }[] }).value.map((a) => a.target);
    expect(await targets()).toEqual([expect.objectContaining({ "@odata.type": "#microsoft.graph.allLicensedUsersAssignmentTarget" })]);

    expect((await getPage(created.headers.get("location")!)).text).toContain(
      "Terms and conditions created. Users they are assigned to accept them at sign-in the next time they enroll a device; devices already enrolled are not asked.",
    );
    const page = await getPage(path);
    expect(page.text).toContain("All users");
    // A dynamic device group holds no users: it is not offered.
    expect(page.text).toMatch(/<select id="target" name="target" required><option value="[0-9a-f-]+">Factory 1 pilot<\/option><\/select>/);
    const groupId = /<option value="([0-9a-f-]+)">Factory 1 pilot/.exec(page.text)![1]!;
    expect((await post(`${path}/assignments`, { target: groupId })).status).toBe(303);
    expect((await targets()).map((t) => t.groupId)).toContain(groupId);
    const allUsers = `${id}_allLicensedUsersAssignmentTarget`;
    expect((await post(`${path}/assignments/remove`, { assignmentId: allUsers })).status).toBe(303);
    expect(await targets()).toEqual([expect.objectContaining({ groupId })]);
    const missing = await post(`${path}/assignments/remove`, { assignmentId: allUsers });
    expect(missing.status).toBe(400);
    expect((await getPage(`${path}?done=removed`)).text).toContain("Assignment removed.");
  });
});

describe("Home", () => {
  it("lists the seed's steps from the MDM authority to its next steps, marking the ones done", async () => {
    const { text } = await getPage("/");
    const steps = /<ol class="steps">([\s\S]*?)<\/ol>/.exec(text)![1]!;
    const items = steps.split("<li>").slice(1).map((item) => item.replace(/<[^>]+>/g, "").replaceAll("&gt;", ">").replace(/\s+/g, " ").trim());
    expect(items[0]).toBe("Tenant administration: Set Microsoft Intune as MDM authority (once, before anything else). Done");
    expect(items.slice(-3)).toEqual([
      // The configuration policy was unassigned above: it reaches no device, so the step is not done.
      "Next: Devices > Configuration: Create policy, Android (AOSP), Device restrictions, assigned to the device group. To do",
      "Next: Devices > Compliance: Create policy, Android (AOSP). Done",
      "Next: Tenant administration > Terms and conditions: Create, assigned to the users' group. Done",
    ]);
  });
});
