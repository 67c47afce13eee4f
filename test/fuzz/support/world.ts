/**
 * A service with one of everything for the API fuzzer to aim at: a licensed user, an enrollment
 * profile, a dynamic device group, a configuration, a compliance policy, terms and conditions with
 * an assignment, two enrolled devices (one managed, one with a wipe waiting, whose action id is
 * known), a shared log and the seeded packages. Hostile requests then reach the code behind the
 * authentication and lookups, not only the refusals in front of them.
 */
import { expect } from "vitest";
import { DEVICE_API_PREFIX } from "../../../agent/protocol/device-api.js";
import { startServiceApp, type ServiceApp } from "../../helpers/service-app.js";

export interface Fixtures {
  userId: string;
  upn: string;
  password: string;
  tenantId: string;
  profileId: string;
  groupId: string;
  configurationId: string;
  complianceId: string;
  termsId: string;
  termsAssignmentId: string;
  incidentId: string;
  packageName: string;
  versionCode: string;
  /** Two enrolled devices: [managed, wipe pending]. */
  devices: { id: string; credential: string }[];
  actionId: string;
}

export interface World {
  service: ServiceApp;
  fixtures: Fixtures;
}

const AGENT_VERSION = "24.9.2";

export async function buildWorld(adminToken: string): Promise<World> {
  const service = await startServiceApp({ adminToken });
  const { admin, app } = service;
  const upn = "fuzz@contoso.example";
  const password = "Enroll-Me-2025!";
  const user = await admin.createLicensedUser({ displayName: "Fuzz User", userPrincipalName: upn, password });
  const profile = await admin.createProfile({ displayName: "Fuzz" });
  const group = await admin.createGroup({
    displayName: "Fuzz devices",
    mailNickname: "fuzzdevices",
    groupTypes: ["DynamicMembership"],
    membershipRule: '(device.enrollmentProfileName -eq "Fuzz")',
    membershipRuleProcessingState: "On",
  });
  const configuration = await admin.createConfiguration("Fuzz configuration", { cameraBlocked: true });
  await admin.assignConfiguration(configuration.id, [{ "@odata.type": "#microsoft.graph.groupAssignmentTarget", groupId: group.id }]);
  const compliance = await admin.createCompliancePolicy("Fuzz compliance", { passwordRequired: true });
  const terms = await admin.createTerms({ displayName: "Fuzz terms", title: "Terms", bodyText: "Be nice.", acceptanceStatement: "I agree" });
  const termsAssignment = await admin.assignTerms(terms.id, { "@odata.type": "#microsoft.graph.allLicensedUsersAssignmentTarget" });
  const [pkg] = await admin.listPackages();

  const device = async (serial: string): Promise<{ id: string; credential: string }> => {
    const enrolled = await app.inject({
      method: "POST",
      url: `${DEVICE_API_PREFIX}/enroll`,
      payload: { enrollmentToken: profile.tokenValue, serialNumber: serial, model: "Fuzz 1", manufacturer: "Contoso", osVersion: "13", agentVersion: AGENT_VERSION },
    });
    expect(enrolled.statusCode).toBe(200);
    const { deviceId, deviceCredential } = enrolled.json() as { deviceId: string; deviceCredential: string };
    const authorization = `Bearer ${deviceCredential}`;
    const signedIn = await app.inject({ method: "POST", url: `${DEVICE_API_PREFIX}/devices/${deviceId}/signIn`, headers: { authorization }, payload: { userPrincipalName: upn, password } });
    expect(signedIn.statusCode).toBe(200);
    return { id: deviceId, credential: deviceCredential };
  };
  const managed = await device("FUZZ0001");
  const wiped = await device("FUZZ0002");
  await admin.wipe(wiped.id);
  const checkIn = await app.inject({
    method: "POST",
    url: `${DEVICE_API_PREFIX}/devices/${wiped.id}/checkIn`,
    headers: { authorization: `Bearer ${wiped.credential}` },
    payload: { agentVersion: AGENT_VERSION, apps: [{ packageName: "com.example.app", versionName: "1.0", versionCode: 1 }] },
  });
  const actionId = (checkIn.json() as { actions: { id: string }[] }).actions[0]!.id;
  const logs = await app.inject({
    method: "POST",
    url: `${DEVICE_API_PREFIX}/devices/${managed.id}/logs`,
    headers: { authorization: `Bearer ${managed.credential}` },
    payload: { logs: "fuzz" },
  });
  const organization = await admin.organization();
  return {
    service,
    fixtures: {
      userId: user.id,
      upn,
      password,
      tenantId: organization.id,
      profileId: profile.id,
      groupId: group.id,
      configurationId: configuration.id,
      complianceId: compliance.id,
      termsId: terms.id,
      termsAssignmentId: termsAssignment.id,
      incidentId: (logs.json() as { incidentId: string }).incidentId,
      packageName: pkg!.packageName,
      versionCode: String(pkg!.versionCode),
      devices: [managed, wiped],
      actionId,
    },
  };
}

/** The real id a path parameter names, from the segment before it (…/groups/{id} is a group). */
export function realIdFor(fixtures: Fixtures, previousSegment: string, param: string, pick: number): string {
  const device = fixtures.devices[pick % fixtures.devices.length]!;
  if (param === "versionCode") return fixtures.versionCode;
  if (param === "actionId") return fixtures.actionId;
  if (param === "deviceId" || param === "memberId") return device.id;
  const bySegment: Record<string, string> = {
    users: pick % 2 === 0 ? fixtures.userId : fixtures.upn,
    androidDeviceOwnerEnrollmentProfiles: fixtures.profileId,
    enrollmentProfiles: fixtures.profileId,
    managedDevices: device.id,
    groups: fixtures.groupId,
    organization: fixtures.tenantId,
    deviceConfigurations: fixtures.configurationId,
    deviceCompliancePolicies: fixtures.complianceId,
    termsAndConditions: fixtures.termsId,
    assignments: fixtures.termsAssignmentId,
    incidents: fixtures.incidentId,
    packages: fixtures.packageName,
  };
  return bySegment[previousSegment] ?? fixtures.profileId;
}
