/**
 * The official Microsoft Graph JavaScript client (@microsoft/microsoft-graph-client) pointed at the
 * mock service, running the admin steps of the seed guide: a licensed user, a profile, its token as
 * a QR image via $select, an export, token replace and revoke, a dynamic device group, the devices
 * of a user, their discovered apps, wipe and delete; and PageIterator over 250 managed devices.
 */
import {
  Client,
  HTTPMessageHandler,
  PageIterator,
  RetryHandler,
  RetryHandlerOptions,
  type Context,
  type Middleware,
  type PageCollection,
} from "@microsoft/microsoft-graph-client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { deviceRoutes } from "../../agent/protocol/device-api.js";
import { startMockService, type MockService } from "../../mock-service/index.js";
import { enrollRequest, http } from "./support/service.js";

let service: MockService;
let graph: Client;

/**
 * Hands the admin token to every request. The client's own AuthenticationHandler adds a token
 * only for https Graph hosts (or https custom hosts) and strips it elsewhere; the mock listens on
 * plain http, so the chain is built as the client documents for custom middleware.
 */
class AdminToken implements Middleware {
  private next: Middleware | undefined;
  constructor(private readonly token: string) {}
  async execute(context: Context): Promise<void> {
    context.options = { ...context.options, headers: { ...(context.options?.headers as Record<string, string>), Authorization: `Bearer ${this.token}` } };
    await this.next!.execute(context);
  }
  setNext(next: Middleware): void {
    this.next = next;
  }
}

/**
 * The client parses an absolute URL (an @odata.nextLink, which PageIterator follows) only when it
 * starts with https:// (GraphRequest.parsePath); an http:// link is taken for a path and appended
 * to the base URL. Real Graph is https; for the plain-http mock this puts the link back together.
 */
class PlainHttpLinks implements Middleware {
  private next: Middleware | undefined;
  async execute(context: Context): Promise<void> {
    if (typeof context.request === "string") {
      const nested = context.request.indexOf("/http://");
      if (nested >= 0) context.request = context.request.slice(nested + 1);
    }
    await this.next!.execute(context);
  }
  setNext(next: Middleware): void {
    this.next = next;
  }
}

function graphClient(target: MockService): Client {
  return Client.initWithMiddleware({
    baseUrl: target.url,
    defaultVersion: "beta",
    // The retry handler is the client's own: it honours Retry-After on 429, 503 and 504.
    middleware: [new PlainHttpLinks(), new AdminToken(target.adminToken), new RetryHandler(new RetryHandlerOptions(1, 3)), new HTTPMessageHandler()],
  });
}

beforeEach(async () => {
  service = await startMockService();
  graph = graphClient(service);
});
afterEach(() => service.close());

const PROFILES = "/deviceManagement/androidDeviceOwnerEnrollmentProfiles";

async function enrollDevice(token: string): Promise<{ deviceId: string; deviceCredential: string }> {
  const reply = await http(`${service.url}${deviceRoutes.enroll()}`, { method: "POST", json: enrollRequest(token) });
  expect(reply.status, reply.text).toBe(200);
  return reply.body;
}

describe("the official Graph client against the mock service", () => {
  it("runs the seed's admin steps", { timeout: 60_000 }, async () => {
    // A user with an Intune licence.
    const skus = await graph.api("/subscribedSkus").get();
    const intune = skus.value.find((s: { servicePlans: { servicePlanName: string }[] }) =>
      s.servicePlans.some((p) => p.servicePlanName === "INTUNE_A"),
    );
    const user = await graph.api("/users").post({
      accountEnabled: true,
      displayName: "Alex Wilber",
      userPrincipalName: "alex@contoso.example",
      mailNickname: "alex",
      passwordProfile: { password: "Enroll-Me-2025!", forceChangePasswordNextSignIn: false },
    });
    await graph.api(`/users/${user.id}/assignLicense`).post({ addLicenses: [{ skuId: intune.skuId, disabledPlans: [] }], removeLicenses: [] });

    // A profile, its QR code via $select=qrCodeImage, and the export the samples do via $select.
    const profile = await graph.api(PROFILES).post({
      "@odata.type": "#microsoft.graph.androidDeviceOwnerEnrollmentProfile",
      displayName: "Factory 1 devices",
      enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice",
    });
    const qr = await graph.api(`${PROFILES}/${profile.id}`).select("qrCodeImage").get();
    expect(qr.qrCodeImage.type).toBe("image/png");
    expect(Buffer.from(qr.qrCodeImage.value, "base64").subarray(1, 4).toString()).toBe("PNG");
    expect(qr.displayName).toBeUndefined();
    const exported = await graph.api(PROFILES).select(["displayName", "tokenValue", "tokenExpirationDateTime", "qrCodeContent"]).get();
    expect(exported.value[0]).toMatchObject({ displayName: "Factory 1 devices", tokenValue: profile.tokenValue });
    expect(JSON.parse(Buffer.from(exported.value[0].qrCodeContent, "base64").toString())).toHaveProperty(
      "android.app.extra.PROVISIONING_ADMIN_EXTRAS_BUNDLE",
    );

    // Replace the token, then revoke it.
    await graph.api(`${PROFILES}/${profile.id}/createToken`).post({ tokenValidityInSeconds: 7 * 86_400 });
    const replaced = await graph.api(`${PROFILES}/${profile.id}`).select("tokenValue").get();
    expect(replaced.tokenValue).not.toBe(profile.tokenValue);
    const device = await enrollDevice(replaced.tokenValue);
    await graph.api(`${PROFILES}/${profile.id}/revokeToken`).post({});
    const refused = await http(`${service.url}${deviceRoutes.enroll()}`, { method: "POST", json: enrollRequest(replaced.tokenValue) });
    expect(refused.body.error.code).toBe("tokenRevoked");

    // The user signs in on the device, which reports its apps.
    const signIn = await http(`${service.url}${deviceRoutes.signIn(device.deviceId)}`, {
      method: "POST",
      bearer: device.deviceCredential,
      json: { userPrincipalName: "alex@contoso.example", password: "Enroll-Me-2025!" },
    });
    expect(signIn.status, signIn.text).toBe(200);
    const apps = [
      { packageName: "com.microsoft.intune.aospagent", versionName: "24.9.2", versionCode: 2409002 },
      { packageName: "com.microsoft.windowsintune.companyportal", versionName: "5.0.6235.0", versionCode: 6235 },
      { packageName: "com.azure.authenticator", versionName: "6.2410.6530", versionCode: 6530 },
    ];
    const checkIn = await http(`${service.url}${deviceRoutes.checkIn(device.deviceId)}`, {
      method: "POST",
      bearer: device.deviceCredential,
      json: { agentVersion: "24.9.2", apps },
    });
    expect(checkIn.status, checkIn.text).toBe(200);

    // A dynamic device group for the profile's devices.
    const group = await graph.api("/groups").post({
      displayName: "Factory 1 AOSP devices",
      mailEnabled: false,
      mailNickname: "factory1",
      securityEnabled: true,
      groupTypes: ["DynamicMembership"],
      membershipRule: '(device.enrollmentProfileName -eq "Factory 1 devices")',
      membershipRuleProcessingState: "On",
    });
    const members = await graph.api(`/groups/${group.id}/members`).get();
    // The member is the device's directory object: its deviceId is the managed device's azureADDeviceId.
    const managed = await graph.api(`/deviceManagement/managedDevices/${device.deviceId}`).get();
    expect(members.value.map((m: { deviceId: string }) => m.deviceId)).toEqual([managed.azureADDeviceId]);
    expect(members.value[0].id).not.toBe(device.deviceId);

    // The devices of a user, and their discovered apps.
    const mine = await graph
      .api("/deviceManagement/managedDevices")
      .filter("userPrincipalName eq 'alex@contoso.example'")
      .select(["id", "deviceName", "userPrincipalName"])
      .get();
    expect(mine.value).toEqual([expect.objectContaining({ id: device.deviceId, userPrincipalName: "alex@contoso.example" })]);
    const detected = await graph.api(`/deviceManagement/managedDevices/${device.deviceId}/detectedApps`).get();
    expect(detected.value.map((a: { displayName: string; version: string }) => `${a.displayName} ${a.version}`).sort()).toEqual([
      "Authenticator 6.2410.6530",
      "Company Portal 5.0.6235.0",
      "Intune 24.9.2",
    ]);
    // The same apps inline, as inventory scripts read them: the client's expand() sends $expand.
    const inline = await graph.api(`/deviceManagement/managedDevices/${device.deviceId}`).select(["id", "deviceName"]).expand("detectedApps").get();
    expect(inline.detectedApps).toEqual(detected.value);

    // Wipe (pending until the device acknowledges), then delete.
    await graph.api(`/deviceManagement/managedDevices/${device.deviceId}/wipe`).post({ keepEnrollmentData: false, keepUserData: false });
    const wiping = await graph.api(`/deviceManagement/managedDevices/${device.deviceId}`).select("managementState").get();
    expect(wiping.managementState).toBe("wipePending");
    await graph.api(`/deviceManagement/managedDevices/${device.deviceId}`).delete();
    const gone = await graph.api("/deviceManagement/managedDevices").count(true).get();
    expect(gone["@odata.count"]).toBe(0);
    await expect(graph.api(`/deviceManagement/managedDevices/${device.deviceId}`).get()).rejects.toMatchObject({
      statusCode: 404,
      code: "itemNotFound",
    });
  });

  it("pages through 250 managed devices with PageIterator", { timeout: 60_000 }, async () => {
    await service.close();
    const requests: string[] = [];
    service = await startMockService({ logRequests: true, log: (line) => requests.push(line) });
    graph = graphClient(service);
    const profile = await service.admin.createProfile({ displayName: "Fleet", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice" });
    const enrolled = new Set<string>();
    for (let i = 0; i < 250; i++) enrolled.add((await enrollDevice(profile.tokenValue)).deviceId);
    const seen: string[] = [];
    const first: PageCollection = await graph.api("/deviceManagement/managedDevices").top(100).select("id").get();
    const iterator = new PageIterator(graph, first, (device: { id: string }) => {
      seen.push(device.id);
      return true;
    });
    await iterator.iterate();
    expect(iterator.isComplete()).toBe(true);
    expect(requests.filter((line) => line.startsWith("GET /beta/deviceManagement/managedDevices?"))).toHaveLength(3);
    expect(seen).toHaveLength(250);
    expect(new Set(seen)).toEqual(enrolled);
  });

  it("pages with the client's skipToken() ($skipToken) and filters with query({ filter }), the $ left out", async () => {
    const profile = await service.admin.createProfile({ displayName: "Fleet", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice" });
    const enrolled: string[] = [];
    for (let i = 0; i < 3; i++) enrolled.push((await enrollDevice(profile.tokenValue)).deviceId);
    const devices = "/deviceManagement/managedDevices";
    const first = await graph.api(devices).top(2).select("id").get();
    const token = new URL(first["@odata.nextLink"]).searchParams.get("$skiptoken")!;
    const rest = await graph.api(devices).top(2).select("id").skipToken(token).get();
    expect([...first.value, ...rest.value].map((d: { id: string }) => d.id)).toEqual(enrolled);
    const nobody = await graph.api(devices).query({ filter: "userPrincipalName eq 'nobody@contoso.example'", select: "id" }).get();
    expect(nobody.value).toEqual([]);
  });

  it("waits out a throttled answer: the client's retry handler honours Retry-After", { timeout: 90_000 }, async () => {
    await service.close();
    let now = Date.UTC(2026, 2, 2, 9, 0, 0);
    service = await startMockService({ throttle: { requests: 2, windowMs: 1000 }, now: () => new Date(now) });
    graph = graphClient(service);
    await graph.api("/users").get();
    await graph.api("/users").get();
    const third = await http(`${service.url}/beta/users`, { bearer: service.adminToken });
    expect(third.status).toBe(429);
    expect(third.headers.get("retry-after")).toBe("1");
    expect(third.body.error).toMatchObject({ code: "TooManyRequests", innerError: { "request-id": third.headers.get("request-id") } });
    // The service's budget comes back once its clock passes the window; the client retries after Retry-After.
    setTimeout(() => (now += 1000), 100);
    const retried = await graph.api("/users").get();
    expect(retried.value).toEqual([]);
  });
});
