/**
 * Test support for the mock service: one in-process service per test (port 0, in-memory store,
 * a clock the test moves), plain HTTP helpers, and factories for the usual fixtures.
 */
import { afterEach, beforeEach } from "vitest";
import type { EnrollRequest, EnrollResponse, SettingStateReport } from "../../../agent/protocol/device-api.js";
import { deviceRoutes } from "../../../agent/protocol/device-api.js";
import { startMockService, type MockService, type MockServiceOptions } from "../../../mock-service/index.js";
import type { GraphProfile } from "../../../mock-service/admin-client.js";
import type { ProfileInput } from "../../../mock-service/services/profiles.js";

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed JSON body, or undefined when the body is not JSON. */
  body: any;
}

export interface RequestOptions {
  method?: string;
  /** Sent as JSON (with Content-Type: application/json). */
  json?: unknown;
  /** Sent as is. */
  raw?: string | Buffer;
  bearer?: string;
  headers?: Record<string, string>;
}

export async function http(url: string, options: RequestOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.bearer !== undefined) headers["authorization"] = `Bearer ${options.bearer}`;
  let body: string | Buffer | undefined = options.raw;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers["content-type"] ??= "application/json";
  }
  const response = await fetch(url, { method: options.method ?? "GET", headers, body });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers, text, body: parsed };
}

/** The service's clock: tests set `clock.now` to move time. */
export interface TestClock {
  now: Date;
  advance(ms: number): void;
}

export const START_TIME = new Date("2026-03-02T09:00:00.000Z");
export const DAY = 86_400_000;

export interface TestService {
  service: MockService;
  clock: TestClock;
  url: string;
  /** An admin request (bearer admin token). */
  admin(method: string, path: string, json?: unknown): Promise<Reply>;
  /** A device API request with a device credential. */
  device(credential: string, method: string, path: string, json?: unknown): Promise<Reply>;
}

/** Starts a fresh service before each test of the file and stops it after. */
export function useService(options: Omit<MockServiceOptions, "now"> = {}): () => TestService {
  let current: TestService | undefined;
  beforeEach(async () => {
    const clock: TestClock = {
      now: new Date(START_TIME),
      advance(ms) {
        this.now = new Date(this.now.getTime() + ms);
      },
    };
    const service = await startMockService({ ...options, now: () => clock.now });
    current = {
      service,
      clock,
      url: service.url,
      admin: (method, path, json) => http(`${service.url}${path}`, { method, json, bearer: service.adminToken }),
      device: (credential, method, path, json) => http(`${service.url}${path}`, { method, json, bearer: credential }),
    };
  });
  afterEach(async () => {
    await current?.service.close();
    current = undefined;
  });
  return () => {
    if (!current) throw new Error("the service is only available inside a test");
    return current;
  };
}

export const PROFILES = "/beta/deviceManagement/androidDeviceOwnerEnrollmentProfiles";
export const DEVICES = "/beta/deviceManagement/managedDevices";
export const PASSWORD = "Corr3ct-Horse";

/** A user-associated profile "Lab devices", with the properties given. */
export async function createProfile(t: TestService, props: ProfileInput = {}): Promise<GraphProfile> {
  const reply = await t.admin("POST", PROFILES, { displayName: "Lab devices", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice", ...props });
  if (reply.status !== 201) throw new Error(`creating the profile failed: ${reply.status} ${reply.text}`);
  return reply.body as GraphProfile;
}

export async function licensedUser(t: TestService, upn = "ann@contoso.example"): Promise<{ id: string; upn: string }> {
  const user = await t.service.admin.createLicensedUser({ displayName: "Ann Example", userPrincipalName: upn, password: PASSWORD });
  return { id: user.id, upn };
}

let serial = 0;

export function enrollRequest(token: string, overrides: Partial<EnrollRequest> = {}): EnrollRequest {
  serial += 1;
  return {
    enrollmentToken: token,
    serialNumber: `SIM${String(serial).padStart(6, "0")}`,
    model: "Pixel 8",
    manufacturer: "Google",
    osVersion: "14",
    agentVersion: "24.9.2",
    ...overrides,
  };
}

export async function enroll(t: TestService, token: string, overrides: Partial<EnrollRequest> = {}): Promise<EnrollResponse> {
  const reply = await http(`${t.url}${deviceRoutes.enroll()}`, { method: "POST", json: enrollRequest(token, overrides) });
  if (reply.status !== 200) throw new Error(`enrollment failed: ${reply.status} ${reply.text}`);
  return reply.body as EnrollResponse;
}

/** A profile, a licensed user, and a device enrolled and signed in with them. */
export async function enrolledDevice(
  t: TestService,
  options: { profile?: ProfileInput; enroll?: Partial<EnrollRequest> } = {},
): Promise<{ profile: GraphProfile; device: EnrollResponse; user: { id: string; upn: string } }> {
  const profile = await createProfile(t, options.profile);
  const user = await licensedUser(t);
  const device = await enroll(t, profile.tokenValue, options.enroll);
  const signIn = await t.device(device.deviceCredential, "POST", deviceRoutes.signIn(device.deviceId), {
    userPrincipalName: user.upn,
    password: PASSWORD,
  });
  if (signIn.status !== 200) throw new Error(`sign-in failed: ${signIn.status} ${signIn.text}`);
  return { profile, device, user };
}

/** The device checks in, then reports how it met one compliance policy's settings (a refusal throws). */
export async function reportCompliance(t: TestService, device: EnrollResponse, policyId: string, settings: SettingStateReport[]): Promise<void> {
  const checkIn = await t.device(device.deviceCredential, "POST", deviceRoutes.checkIn(device.deviceId), { agentVersion: "24.9.2", apps: [] });
  if (checkIn.status !== 200) throw new Error(`check-in failed: ${checkIn.status} ${checkIn.text}`);
  const reported = await t.device(device.deviceCredential, "POST", deviceRoutes.policyStates(device.deviceId), {
    configurations: [],
    compliancePolicies: [{ id: policyId, version: 1, settings }],
  });
  if (reported.status !== 204) throw new Error(`policy states refused: ${reported.status} ${reported.text}`);
}

/** The seed's dynamic device group: the devices enrolled with the profile "Factory 1 devices". */
export async function factoryGroup(t: TestService): Promise<{ id: string; displayName: string }> {
  const reply = await t.admin("POST", "/beta/groups", {
    displayName: "Factory 1 devices",
    mailEnabled: false,
    mailNickname: "factory1",
    securityEnabled: true,
    groupTypes: ["DynamicMembership"],
    membershipRule: '(device.enrollmentProfileName -eq "Factory 1 devices")',
    membershipRuleProcessingState: "On",
  });
  if (reply.status !== 201) throw new Error(`${reply.status} ${reply.text}`);
  return reply.body as { id: string; displayName: string };
}

export function payloadOf(profile: GraphProfile): Record<string, any> {
  return JSON.parse(Buffer.from(profile.qrCodeContent, "base64").toString("utf8"));
}

/** The error body's code and message, for one-line expectations. */
export function errorOf(reply: Reply): { status: number; code: string; message: string } {
  return { status: reply.status, code: reply.body?.error?.code, message: reply.body?.error?.message };
}

/**
 * The object id of a managed device's directory object, found as a Graph script finds it: the
 * managed device's azureADDeviceId is the directory object's deviceId.
 */
export async function directoryIdOf(t: TestService, managedDeviceId: string): Promise<string> {
  const { azureADDeviceId } = (await t.admin("GET", `${DEVICES}/${managedDeviceId}?$select=azureADDeviceId`)).body as { azureADDeviceId: string };
  const found = await t.admin("GET", `/beta/directoryObjects?$filter=${encodeURIComponent(`deviceId eq '${azureADDeviceId}'`)}`);
  if (found.body?.value?.length !== 1) throw new Error(`no directory object has deviceId ${azureADDeviceId}: ${found.text}`);
  return found.body.value[0].id as string;
}

/** The managed device's id of a directory device object's deviceId (its azureADDeviceId). */
export async function managedIdOf(t: TestService, deviceId: string): Promise<string> {
  const found = await t.admin("GET", `${DEVICES}?$filter=${encodeURIComponent(`azureADDeviceId eq '${deviceId}'`)}&$select=id`);
  if (found.body?.value?.length !== 1) throw new Error(`no managed device has azureADDeviceId ${deviceId}: ${found.text}`);
  return found.body.value[0].id as string;
}
