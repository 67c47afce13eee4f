/**
 * A small typed client of the service's admin API (Graph-shaped routes and /sim/v1), for tests,
 * `aosp-sim run` and users' scripts. It is a convenience over plain HTTP: everything it does can
 * be done with curl (see the README).
 */
import { INTUNE_SKU_ID } from "./domain/licences.js";
import type { Signer } from "./packages/catalog.js";
import type { ProfileInput } from "./services/profiles.js";
import type { EnrollmentMode } from "./store/profiles.js";

export { INTUNE_SKU_ID };

export interface GraphList<T> {
  "@odata.context": string;
  "@odata.count"?: number;
  /** The next page, when there is one (the service pages every list). */
  "@odata.nextLink"?: string;
  value: T[];
}

export interface GraphUser {
  id: string;
  accountEnabled: boolean;
  displayName: string;
  userPrincipalName: string;
  mailNickname: string;
  createdDateTime: string;
  assignedLicenses: { skuId: string; disabledPlans: string[] }[];
}

export interface NewUserRequest {
  displayName: string;
  userPrincipalName: string;
  password: string;
  accountEnabled?: boolean;
}

export type EnrollmentModeName = EnrollmentMode;

/** The writable properties of an enrollment profile (Graph names), as the service reads them. */
export type ProfileRequest = ProfileInput;

export interface GraphProfile extends Required<Omit<ProfileRequest, "tokenExpirationDateTime">> {
  id: string;
  accountId: string;
  enrollmentTokenType: string;
  createdDateTime: string;
  lastModifiedDateTime: string;
  tokenValue: string;
  tokenCreationDateTime: string;
  tokenExpirationDateTime: string;
  enrolledDeviceCount: number;
  enrollmentTokenUsageCount: number;
  /** Base64 of the provisioning JSON. */
  qrCodeContent: string;
  qrCodeImage: { type: string; value: string };
}

export interface GraphManagedDevice {
  id: string;
  userId: string;
  deviceName: string;
  serialNumber: string;
  model: string;
  manufacturer: string;
  operatingSystem: string;
  osVersion: string;
  userPrincipalName: string;
  enrollmentProfileName: string;
  deviceEnrollmentType: string;
  managementAgent: string;
  managementState: string;
  azureADDeviceId: string;
  enrolledDateTime: string;
  lastSyncDateTime: string;
}

export interface GraphDetectedApp {
  id: string;
  displayName: string;
  version: string;
  platform: string;
}

export interface GroupRequest {
  displayName: string;
  description?: string;
  mailEnabled?: boolean;
  mailNickname?: string;
  securityEnabled?: boolean;
  groupTypes?: string[];
  membershipRule?: string;
  membershipRuleProcessingState?: "On" | "Paused";
}

export interface GraphGroup extends Omit<GroupRequest, "membershipRule"> {
  id: string;
  groupTypes: string[];
  membershipRule: string | null;
  membershipRuleProcessingState: "On" | "Paused" | undefined;
  createdDateTime: string;
}

export interface GroupMember {
  "@odata.type": string;
  id: string;
  displayName: string;
}

export interface PackageVersion {
  packageName: string;
  versionName: string;
  versionCode: number;
  label: string;
  signedBy: string;
  size: number;
  downloadUrl: string;
  packageChecksum: string;
  signatureChecksum: string;
  publishedDateTime: string;
}

export interface PublishPackageRequest {
  packageName: string;
  versionName: string;
  versionCode?: number;
  signedBy?: Signer;
}

export interface Incident {
  incidentId: string;
  deviceId: string;
  createdDateTime: string;
  logs: string;
}

/** A non-2xx answer, with the service's error code and message. */
export class AdminApiError extends Error {
  override readonly name = "AdminApiError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly body: unknown,
  ) {
    super(`${status} ${code}: ${message}`);
  }
}

/** Retries of a throttled request before its 429 is thrown (Graph's SDKs also retry 3 times). */
const MAX_RETRIES = 3;
/** A longer Retry-After is not waited for: the 429 is thrown for the caller to decide. */
const MAX_RETRY_AFTER_MS = 60_000;

/** How long a 429 or 503 asks the client to wait (Retry-After in seconds), if it asks and it is reasonable. */
function retryAfterMs(response: Response): number | undefined {
  if (response.status !== 429 && response.status !== 503) return undefined;
  const header = response.headers.get("retry-after");
  const seconds = header !== null && /^\d+(\.\d+)?$/.test(header.trim()) ? Number(header) : Number.NaN;
  const ms = seconds * 1000;
  return Number.isFinite(ms) && ms <= MAX_RETRY_AFTER_MS ? ms : undefined;
}

const PROFILES = "/beta/deviceManagement/androidDeviceOwnerEnrollmentProfiles";
const DEVICES = "/beta/deviceManagement/managedDevices";

export class AdminClient {
  constructor(
    readonly baseUrl: string,
    readonly adminToken: string,
  ) {}

  /** Any admin request; resolves with the parsed JSON body (undefined for 204). */
  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.send(method, path, body);
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }

  /** Every item of a list, following @odata.nextLink page after page. */
  async listAll<T>(path: string): Promise<T[]> {
    const items: T[] = [];
    let next: string | undefined = path;
    while (next !== undefined) {
      const page: GraphList<T> = await this.request("GET", next);
      items.push(...page.value);
      const link = page["@odata.nextLink"];
      next = link === undefined ? undefined : new URL(link).pathname + new URL(link).search;
    }
    return items;
  }

  private async send(method: string, path: string, body?: unknown): Promise<Response> {
    let response: Response;
    for (let attempt = 0; ; attempt++) {
      response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.adminToken}`,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      // Throttled (429) or unavailable (503) with Retry-After: wait as told, as Graph's SDKs do.
      const wait = retryAfterMs(response);
      if (wait === undefined || attempt >= MAX_RETRIES) break;
      await response.body?.cancel();
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
    if (!response.ok) {
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      const error = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
      throw new AdminApiError(response.status, error?.code ?? "unknown", error?.message ?? text, parsed);
    }
    return response;
  }

  // ---- users ----

  createUser(user: NewUserRequest): Promise<GraphUser> {
    return this.request("POST", "/beta/users", {
      accountEnabled: user.accountEnabled ?? true,
      displayName: user.displayName,
      userPrincipalName: user.userPrincipalName,
      passwordProfile: { password: user.password, forceChangePasswordNextSignIn: false },
    });
  }

  assignLicense(userIdOrUpn: string, skuIds: string[] = [INTUNE_SKU_ID], removeSkuIds: string[] = []): Promise<GraphUser> {
    return this.request("POST", `/beta/users/${encodeURIComponent(userIdOrUpn)}/assignLicense`, {
      addLicenses: skuIds.map((skuId) => ({ skuId, disabledPlans: [] })),
      removeLicenses: removeSkuIds,
    });
  }

  /** A user with an Intune licence: what a device sign-in needs. */
  async createLicensedUser(user: NewUserRequest): Promise<GraphUser> {
    const created = await this.createUser(user);
    return this.assignLicense(created.id);
  }

  // ---- enrollment profiles ----

  createProfile(profile: ProfileRequest): Promise<GraphProfile> {
    return this.request("POST", PROFILES, profile);
  }

  getProfile(id: string): Promise<GraphProfile> {
    return this.request("GET", `${PROFILES}/${encodeURIComponent(id)}`);
  }

  async listProfiles(): Promise<GraphProfile[]> {
    return this.listAll<GraphProfile>(PROFILES);
  }

  updateProfile(id: string, patch: ProfileRequest): Promise<GraphProfile> {
    return this.request("PATCH", `${PROFILES}/${encodeURIComponent(id)}`, patch);
  }

  deleteProfile(id: string): Promise<void> {
    return this.request("DELETE", `${PROFILES}/${encodeURIComponent(id)}`);
  }

  createToken(id: string, tokenValidityInSeconds?: number): Promise<void> {
    return this.request(
      "POST",
      `${PROFILES}/${encodeURIComponent(id)}/createToken`,
      tokenValidityInSeconds === undefined ? undefined : { tokenValidityInSeconds },
    );
  }

  revokeToken(id: string): Promise<void> {
    return this.request("POST", `${PROFILES}/${encodeURIComponent(id)}/revokeToken`);
  }

  /** The provisioning JSON of the profile's current token (the decoded qrCodeContent). */
  exportProfile(id: string): Promise<Record<string, unknown>> {
    return this.request("GET", `/sim/v1/enrollmentProfiles/${encodeURIComponent(id)}/export`);
  }

  async profileQrPng(id: string): Promise<Buffer> {
    const response = await this.send("GET", `/sim/v1/enrollmentProfiles/${encodeURIComponent(id)}/qrCode.png`);
    return Buffer.from(await response.arrayBuffer());
  }

  // ---- managed devices ----

  async listManagedDevices(filter?: { userPrincipalName?: string }): Promise<GraphManagedDevice[]> {
    const query =
      filter?.userPrincipalName === undefined
        ? ""
        : `?$filter=${encodeURIComponent(`userPrincipalName eq '${filter.userPrincipalName.replaceAll("'", "''")}'`)}`;
    return this.listAll<GraphManagedDevice>(`${DEVICES}${query}`);
  }

  getManagedDevice(id: string): Promise<GraphManagedDevice> {
    return this.request("GET", `${DEVICES}/${encodeURIComponent(id)}`);
  }

  wipe(id: string): Promise<void> {
    return this.request("POST", `${DEVICES}/${encodeURIComponent(id)}/wipe`, {});
  }

  deleteManagedDevice(id: string): Promise<void> {
    return this.request("DELETE", `${DEVICES}/${encodeURIComponent(id)}`);
  }

  async detectedApps(id: string): Promise<GraphDetectedApp[]> {
    return this.listAll<GraphDetectedApp>(`${DEVICES}/${encodeURIComponent(id)}/detectedApps`);
  }

  // ---- groups ----

  createGroup(group: GroupRequest): Promise<GraphGroup> {
    return this.request("POST", "/beta/groups", {
      mailEnabled: false,
      securityEnabled: true,
      ...group,
    });
  }

  async groupMembers(id: string): Promise<GroupMember[]> {
    return this.listAll<GroupMember>(`/beta/groups/${encodeURIComponent(id)}/members`);
  }

  addGroupMember(groupId: string, memberId: string): Promise<void> {
    return this.request("POST", `/beta/groups/${encodeURIComponent(groupId)}/members/$ref`, {
      "@odata.id": `https://graph.microsoft.com/v1.0/directoryObjects/${memberId}`,
    });
  }

  // ---- simulator extensions ----

  async listPackages(): Promise<PackageVersion[]> {
    return (await this.request<{ value: PackageVersion[] }>("GET", "/sim/v1/packages")).value;
  }

  publishPackage(request: PublishPackageRequest): Promise<PackageVersion> {
    return this.request("POST", "/sim/v1/packages", request);
  }

  incident(incidentId: string): Promise<Incident> {
    return this.request("GET", `/sim/v1/incidents/${encodeURIComponent(incidentId)}`);
  }
}
