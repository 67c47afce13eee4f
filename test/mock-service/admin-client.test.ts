/**
 * The typed admin client (README, Library: "`admin` is a typed client for every admin route"):
 * every admin route the service lists in its /openapi.json has a method, and the methods work
 * against the real service over HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdminApiError, AdminClient, AOSP_CONFIGURATION_TYPE } from "../../mock-service/admin-client.js";
import { startMockService, type MockService } from "../../mock-service/index.js";

/**
 * Each admin route and the AdminClient method that calls it. A route added to the service fails
 * the first test below until it has a method here (and in AdminClient).
 */
const METHODS: Record<string, keyof AdminClient> = {
  "GET /beta/$metadata": "metadata",
  "POST /beta/$batch": "batch",
  ...Object.fromEntries(
    [
      "/beta/users",
      "/beta/organization",
      "/beta/subscribedSkus",
      "/beta/deviceManagement/androidDeviceOwnerEnrollmentProfiles",
      "/beta/deviceManagement/managedDevices",
      "/beta/deviceManagement/managedDevices/{id}/detectedApps",
      "/beta/groups",
      "/beta/groups/{id}/members",
      "/beta/groups/{id}/transitiveMembers",
      "/beta/groups/{id}/owners",
      "/beta/groups/{id}/memberOf",
      "/beta/groups/{id}/transitiveMemberOf",
      "/beta/users/{id}/memberOf",
      "/beta/users/{id}/transitiveMemberOf",
      "/beta/users/{id}/managedDevices",
      "/beta/deviceManagement/deviceConfigurations",
      "/beta/deviceManagement/deviceCompliancePolicies",
      "/beta/deviceManagement/termsAndConditions",
      "/beta/deviceManagement/roleScopeTags",
      "/beta/directoryObjects",
      "/beta/devices",
    ].map((collection) => [`GET ${collection}/$count`, "count"]),
  ),
  "POST /beta/users": "createUser",
  "GET /beta/users": "listUsers",
  "GET /beta/users/{id}": "getUser",
  "PATCH /beta/users/{id}": "updateUser",
  "DELETE /beta/users/{id}": "deleteUser",
  "POST /beta/users/{id}/assignLicense": "assignLicense",
  "GET /beta/organization": "organization",
  "GET /beta/organization/{id}": "getOrganization",
  "POST /beta/organization/{id}/setMobileDeviceManagementAuthority": "setMdmAuthority",
  "GET /beta/subscribedSkus": "subscribedSkus",
  "POST /beta/deviceManagement/androidDeviceOwnerEnrollmentProfiles": "createProfile",
  "GET /beta/deviceManagement/androidDeviceOwnerEnrollmentProfiles": "listProfiles",
  "GET /beta/deviceManagement/androidDeviceOwnerEnrollmentProfiles/{id}": "getProfile",
  "PATCH /beta/deviceManagement/androidDeviceOwnerEnrollmentProfiles/{id}": "updateProfile",
  "DELETE /beta/deviceManagement/androidDeviceOwnerEnrollmentProfiles/{id}": "deleteProfile",
  "POST /beta/deviceManagement/androidDeviceOwnerEnrollmentProfiles/{id}/createToken": "createToken",
  "POST /beta/deviceManagement/androidDeviceOwnerEnrollmentProfiles/{id}/revokeToken": "revokeToken",
  "GET /beta/deviceManagement/managedDevices": "listManagedDevices",
  "GET /beta/deviceManagement/managedDevices/{id}": "getManagedDevice",
  "DELETE /beta/deviceManagement/managedDevices/{id}": "deleteManagedDevice",
  "POST /beta/deviceManagement/managedDevices/{id}/wipe": "wipe",
  "POST /beta/deviceManagement/managedDevices/{id}/rebootNow": "rebootNow",
  "POST /beta/deviceManagement/managedDevices/{id}/remoteLock": "remoteLock",
  "GET /beta/deviceManagement/roleScopeTags": "roleScopeTags",
  "GET /beta/deviceManagement/roleScopeTags/{id}": "roleScopeTag",
  "POST /beta/deviceManagement/managedDevices/{id}/resetPasscode": "resetPasscode",
  "GET /beta/deviceManagement/managedDevices/{id}/detectedApps": "detectedApps",
  "GET /beta/deviceManagement/managedDevices/{id}/deviceConfigurationStates": "deviceConfigurationStates",
  "GET /beta/deviceManagement/managedDevices/{id}/deviceCompliancePolicyStates": "deviceCompliancePolicyStates",
  "POST /beta/groups": "createGroup",
  "GET /beta/groups": "listGroups",
  "GET /beta/groups/{id}": "getGroup",
  "PATCH /beta/groups/{id}": "updateGroup",
  "DELETE /beta/groups/{id}": "deleteGroup",
  "GET /beta/groups/{id}/members": "groupMembers",
  "POST /beta/groups/{id}/members/$ref": "addGroupMember",
  "GET /beta/groups/{id}/transitiveMembers": "groupTransitiveMembers",
  "GET /beta/groups/{id}/owners": "groupOwners",
  "POST /beta/groups/{id}/owners/$ref": "addGroupOwner",
  "GET /beta/groups/{id}/memberOf": "groupMemberOf",
  "GET /beta/groups/{id}/transitiveMemberOf": "groupTransitiveMemberOf",
  "GET /beta/users/{id}/memberOf": "userMemberOf",
  "GET /beta/users/{id}/transitiveMemberOf": "userTransitiveMemberOf",
  "GET /beta/users/{id}/managedDevices": "userManagedDevices",
  "DELETE /beta/groups/{id}/members/{memberId}/$ref": "removeGroupMember",
  "POST /beta/deviceManagement/deviceConfigurations": "createConfiguration",
  "GET /beta/deviceManagement/deviceConfigurations": "listConfigurations",
  "GET /beta/deviceManagement/deviceConfigurations/{id}": "getConfiguration",
  "PATCH /beta/deviceManagement/deviceConfigurations/{id}": "updateConfiguration",
  "DELETE /beta/deviceManagement/deviceConfigurations/{id}": "deleteConfiguration",
  "POST /beta/deviceManagement/deviceConfigurations/{id}/assign": "assignConfiguration",
  "GET /beta/deviceManagement/deviceConfigurations/{id}/assignments": "configurationAssignments",
  "POST /beta/deviceManagement/deviceConfigurations/{id}/assignments": "addConfigurationAssignment",
  "GET /beta/deviceManagement/deviceConfigurations/{id}/assignments/{assignmentId}": "getConfigurationAssignment",
  "DELETE /beta/deviceManagement/deviceConfigurations/{id}/assignments/{assignmentId}": "deleteConfigurationAssignment",
  "POST /beta/deviceManagement/deviceCompliancePolicies": "createCompliancePolicy",
  "GET /beta/deviceManagement/deviceCompliancePolicies": "listCompliancePolicies",
  "GET /beta/deviceManagement/deviceCompliancePolicies/{id}": "getCompliancePolicy",
  "PATCH /beta/deviceManagement/deviceCompliancePolicies/{id}": "updateCompliancePolicy",
  "DELETE /beta/deviceManagement/deviceCompliancePolicies/{id}": "deleteCompliancePolicy",
  "POST /beta/deviceManagement/deviceCompliancePolicies/{id}/assign": "assignCompliancePolicy",
  "GET /beta/deviceManagement/deviceCompliancePolicies/{id}/assignments": "compliancePolicyAssignments",
  "POST /beta/deviceManagement/deviceCompliancePolicies/{id}/assignments": "addCompliancePolicyAssignment",
  "GET /beta/deviceManagement/deviceCompliancePolicies/{id}/assignments/{assignmentId}": "getCompliancePolicyAssignment",
  "DELETE /beta/deviceManagement/deviceCompliancePolicies/{id}/assignments/{assignmentId}": "deleteCompliancePolicyAssignment",
  "GET /beta/deviceManagement/deviceCompliancePolicies/{id}/scheduledActionsForRule": "complianceScheduledActions",
  "POST /beta/deviceManagement/deviceCompliancePolicies/{id}/scheduleActionsForRules": "scheduleComplianceActions",
  "POST /beta/deviceManagement/termsAndConditions": "createTerms",
  "GET /beta/deviceManagement/termsAndConditions": "listTerms",
  "GET /beta/deviceManagement/termsAndConditions/{id}": "getTerms",
  "PATCH /beta/deviceManagement/termsAndConditions/{id}": "updateTerms",
  "DELETE /beta/deviceManagement/termsAndConditions/{id}": "deleteTerms",
  "POST /beta/deviceManagement/termsAndConditions/{id}/assignments": "assignTerms",
  "GET /beta/deviceManagement/termsAndConditions/{id}/assignments": "termsAssignments",
  "GET /beta/deviceManagement/termsAndConditions/{id}/assignments/{assignmentId}": "getTermsAssignment",
  "DELETE /beta/deviceManagement/termsAndConditions/{id}/assignments/{assignmentId}": "deleteTermsAssignment",
  "GET /beta/deviceManagement": "deviceManagement",
  "PATCH /beta/deviceManagement": "updateDeviceManagement",
  "GET /beta/directoryObjects": "listDirectoryObjects",
  "GET /beta/directoryObjects/{id}": "getDirectoryObject",
  "GET /beta/devices": "listDirectoryDevices",
  "GET /beta/devices/{id}": "getDirectoryDevice",
  "GET /beta/deviceManagement/termsAndConditions/{id}/acceptanceStatuses": "termsAcceptanceStatuses",
  "GET /sim/v1/packages": "listPackages",
  "POST /sim/v1/packages": "publishPackage",
  "GET /sim/v1/enrollmentProfiles/{id}/export": "exportProfile",
  "GET /sim/v1/enrollmentProfiles/{id}/qrCode.png": "profileQrPng",
  "GET /sim/v1/incidents/{id}": "incident",
};

/** The admin API: Graph's paths and the simulator's own extensions (the device API is /device/v1). */
const isAdminPath = (path: string) => path.startsWith("/beta/") || path.startsWith("/sim/v1/");

let service: MockService;
let admin: AdminClient;

beforeAll(async () => {
  service = await startMockService({ passwordHashCost: 4 });
  admin = service.admin;
});

afterAll(async () => {
  await service.close();
});

describe("AdminClient", () => {
  it("has a method for every admin route the service's /openapi.json lists", async () => {
    const document = (await (await fetch(`${service.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const routes = Object.entries(document.paths)
      .filter(([path]) => isAdminPath(path))
      .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`));
    expect(routes.length).toBeGreaterThan(50);
    const withoutMethod = routes.filter((route) => METHODS[route] === undefined);
    expect(withoutMethod, "admin routes with no AdminClient method: add one, and a row to METHODS").toEqual([]);
    expect(Object.keys(METHODS).filter((route) => !routes.includes(route)), "rows of METHODS the service has no route for").toEqual([]);
    const missing = Object.values(METHODS).filter((name) => typeof AdminClient.prototype[name] !== "function");
    expect(missing).toEqual([]);
  });

  it("reads and changes the tenant's compliance policy settings on the deviceManagement singleton", async () => {
    expect((await admin.deviceManagement()).settings).toMatchObject({ secureByDefault: false, deviceComplianceCheckinThresholdDays: 30 });
    const changed = await admin.updateDeviceManagement({ secureByDefault: true });
    expect(changed.settings).toMatchObject({ secureByDefault: true, deviceComplianceCheckinThresholdDays: 30 });
    await admin.updateDeviceManagement({ secureByDefault: false });
  });

  it("counts a collection, filtered or not (GET .../$count)", async () => {
    const before = await admin.count("/beta/users");
    await admin.createUser({ displayName: "Counted", userPrincipalName: "counted@contoso.example", password: "P@ss-w0rd" });
    expect(await admin.count("/beta/users")).toBe(before + 1);
    expect(await admin.count("/beta/users", "startswith(displayName,'Counted')")).toBe(1);
    expect(await admin.count("/beta/users/")).toBe(before + 1);
    // Before, a raw TypeError ("Invalid URL").
    await expect(admin.count("users")).rejects.toMatchObject({ message: 'AdminClient.count: "users" is not a collection\'s path' });
    // Before, "/$count" went after the query: the service's 400 about the filter "x/$count".
    await expect(admin.count("/beta/users?$filter=x")).rejects.toMatchObject({ message: 'AdminClient.count: "/beta/users?$filter=x" is not a collection\'s path' });
  });

  it("lists, reads and changes users, and reads the tenant's licences and organization", async () => {
    const alex = await admin.createUser({ displayName: "Alex", userPrincipalName: "alex@contoso.example", password: "P@ss-w0rd" });
    await admin.createUser({ displayName: "Blake", userPrincipalName: "blake@contoso.example", password: "P@ss-w0rd" });
    expect((await admin.listUsers()).map((u) => u.userPrincipalName)).toEqual(expect.arrayContaining(["alex@contoso.example", "blake@contoso.example"]));
    await admin.updateUser(alex.id, { displayName: "Alex Wilber", accountEnabled: false, password: "N3w-P@ss-w0rd" });
    expect(await admin.getUser("alex@contoso.example")).toMatchObject({ id: alex.id, displayName: "Alex Wilber", accountEnabled: false, mail: null });

    const skus = await admin.subscribedSkus();
    expect(skus.map((s) => s.skuPartNumber)).toContain("INTUNE_A");
    expect(skus[0]!.servicePlans.length).toBeGreaterThan(0);

    const organization = await admin.organization();
    expect(await admin.getOrganization(organization.id)).toMatchObject({ id: organization.id, mobileDeviceManagementAuthority: "intune" });
    expect(await admin.metadata()).toContain("<edmx:Edmx");
  });

  it("lists every group page after page, reads, changes and deletes one, and removes a member", async () => {
    const created = [];
    for (let i = 0; i < 101; i++) created.push(await admin.createGroup({ displayName: `Lab ${i}` }));
    // The service pages groups 100 at a time: the 101st comes from @odata.nextLink.
    expect((await admin.listGroups()).map((g) => g.id)).toEqual(expect.arrayContaining(created.map((g) => g.id)));
    const group = created[0]!;
    expect(await admin.getGroup(group.id)).toMatchObject({ displayName: "Lab 0", description: null, membershipRuleProcessingState: null });
    await admin.updateGroup(group.id, { description: "the lab's devices" });
    expect((await admin.getGroup(group.id)).description).toBe("the lab's devices");

    const user = await admin.createUser({ displayName: "Casey", userPrincipalName: "casey@contoso.example", password: "P@ss-w0rd" });
    await admin.addGroupMember(group.id, user.id);
    expect((await admin.groupMembers(group.id)).map((m) => m.id)).toEqual([user.id]);
    await admin.removeGroupMember(group.id, user.id);
    expect(await admin.groupMembers(group.id)).toEqual([]);

    await admin.deleteGroup(group.id);
    await expect(admin.getGroup(group.id)).rejects.toMatchObject({ name: "AdminApiError", status: 404 });
  });

  it("lists, reads, changes and deletes device configurations and compliance policies, and lists their assignments", async () => {
    const group = await admin.createGroup({ displayName: "Policies" });
    const target = { "@odata.type": "#microsoft.graph.groupAssignmentTarget" as const, groupId: group.id };

    const configuration = await admin.createConfiguration("Camera off", { cameraBlocked: true });
    expect((await admin.listConfigurations()).map((p) => p.id)).toContain(configuration.id);
    const read = await admin.getConfiguration(configuration.id);
    expect(read).toMatchObject({ "@odata.type": AOSP_CONFIGURATION_TYPE, cameraBlocked: true, version: 1 });
    const changed = await admin.updateConfiguration(configuration.id, { cameraBlocked: false, version: read.version });
    expect(changed).toMatchObject({ cameraBlocked: false });
    await admin.assignConfiguration(configuration.id, [target]);
    expect((await admin.configurationAssignments(configuration.id)).map((a) => a.target)).toEqual([expect.objectContaining(target)]);
    const allDevices = await admin.addConfigurationAssignment(configuration.id, { "@odata.type": "#microsoft.graph.allDevicesAssignmentTarget" });
    expect(await admin.getConfigurationAssignment(configuration.id, allDevices.id)).toEqual(allDevices);
    await admin.deleteConfiguration(configuration.id);
    await expect(admin.getConfiguration(configuration.id)).rejects.toBeInstanceOf(AdminApiError);

    const compliance = await admin.createCompliancePolicy("Password", { passwordRequired: true });
    expect((await admin.listCompliancePolicies()).map((p) => p.id)).toContain(compliance.id);
    expect(await admin.getCompliancePolicy(compliance.id)).toMatchObject({ passwordRequired: true });
    expect(await admin.updateCompliancePolicy(compliance.id, { displayName: "Password required" })).toMatchObject({ displayName: "Password required" });
    expect(await admin.complianceScheduledActions(compliance.id)).toEqual([
      expect.objectContaining({ ruleName: "PasswordRequired", scheduledActionConfigurations: [expect.objectContaining({ actionType: "block" })] }),
    ]);
    await admin.scheduleComplianceActions(compliance.id, [{ ruleName: "PasswordRequired", scheduledActionConfigurations: [{ actionType: "block", gracePeriodHours: 12 }] }]);
    expect(await admin.complianceScheduledActions(compliance.id)).toEqual([
      expect.objectContaining({ scheduledActionConfigurations: [expect.objectContaining({ actionType: "block", gracePeriodHours: 12 })] }),
    ]);
    await admin.assignCompliancePolicy(compliance.id, [target]);
    expect(await admin.compliancePolicyAssignments(compliance.id)).toEqual([expect.objectContaining({ sourceId: compliance.id })]);
    const added = await admin.addCompliancePolicyAssignment(compliance.id, { "@odata.type": "#microsoft.graph.allDevicesAssignmentTarget" });
    expect(await admin.getCompliancePolicyAssignment(compliance.id, added.id)).toMatchObject({ id: added.id, sourceId: compliance.id });
    await admin.deleteCompliancePolicy(compliance.id);
    expect((await admin.listCompliancePolicies()).map((p) => p.id)).not.toContain(compliance.id);
  });

  it("lists, reads, changes and deletes terms and conditions, and lists and deletes their assignments", async () => {
    const terms = await admin.createTerms({ displayName: "Use", title: "Acceptable use", bodyText: "Be kind.", acceptanceStatement: "I agree" });
    expect((await admin.listTerms()).map((t) => t.id)).toContain(terms.id);
    expect(await admin.getTerms(terms.id)).toMatchObject({ title: "Acceptable use", version: 1 });
    expect(await admin.updateTerms(terms.id, { version: 2 })).toMatchObject({ version: 2 });

    const assignment = await admin.assignTerms(terms.id, { "@odata.type": "#microsoft.graph.allLicensedUsersAssignmentTarget" });
    expect((await admin.termsAssignments(terms.id)).map((a) => a.id)).toEqual([assignment.id]);
    await admin.deleteTermsAssignment(terms.id, assignment.id);
    expect(await admin.termsAssignments(terms.id)).toEqual([]);

    await admin.deleteTerms(terms.id);
    await expect(admin.getTerms(terms.id)).rejects.toMatchObject({ status: 404 });
  });
});
