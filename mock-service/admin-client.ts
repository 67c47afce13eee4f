/**
 * A small typed client of the service's admin API (Graph-shaped routes and /sim/v1), for tests,
 * `aosp-sim run` and users' scripts. It is a convenience over plain HTTP: everything it does can
 * be done with curl (see the README).
 */
import { InputError } from "../agent/protocol/errors.js";
import { request, type Dispatcher } from "undici";
import { httpDispatcher } from "../agent/protocol/http-dispatcher.js";
import { checkOptions, optionNames } from "../agent/protocol/known-options.js";
import { givenValue } from "../agent/protocol/given-value.js";
import { httpBaseUrl } from "../agent/protocol/http-url.js";
import { INTUNE_SKU_ID } from "./domain/licences.js";
import { mailNicknameOf } from "./domain/mail-nickname.js";
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
  mail: string | null;
  mailNickname: string;
  createdDateTime: string;
  assignedLicenses: { skuId: string; disabledPlans: string[] }[];
}

export interface NewUserRequest {
  displayName: string;
  userPrincipalName: string;
  password: string;
  accountEnabled?: boolean;
  /** Graph requires one; left out, the userPrincipalName's alias (what Entra's admin center derives). */
  mailNickname?: string;
}

/** What PATCH /beta/users/{id} changes; a password is sent as Graph's passwordProfile. */
export interface UserPatchRequest {
  displayName?: string;
  accountEnabled?: boolean;
  /** The mail alias: at most 64 ASCII characters, none of @ ( ) \ [ ] " ; : < > , or a space. */
  mailNickname?: string;
  password?: string;
}

/** A licence the tenant has (GET /beta/subscribedSkus). */
export interface GraphSubscribedSku {
  id: string;
  skuId: string;
  skuPartNumber: string;
  appliesTo: string;
  capabilityStatus: string;
  servicePlans: { servicePlanId: string; servicePlanName: string; provisioningStatus: string; appliesTo: string }[];
}

export type EnrollmentModeName = EnrollmentMode;

/**
 * The writable properties of an enrollment profile (Graph names) for a create: enrollmentMode is
 * required (left out, Graph would take corporateOwnedDedicatedDevice, which is not an AOSP mode).
 */
export type ProfileRequest = ProfileInput & { enrollmentMode: EnrollmentMode };

/** The properties a PATCH of a profile may send: any of the writable ones. */
export type ProfilePatch = ProfileInput;

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
  /** unknown (no compliance policy evaluated), compliant, noncompliant or inGracePeriod. */
  complianceState: string;
  azureADDeviceId: string;
  /** When the block action's grace period ends; 9999-12-31T23:59:59Z when none runs. */
  complianceGracePeriodExpirationDateTime: string;
  enrolledDateTime: string;
  lastSyncDateTime: string;
  /** What the device's compliance reports said: YYYY-MM-DD, or null when none did. */
  androidSecurityPatchLevel: string | null;
  isEncrypted: boolean;
  jailBroken: "True" | "False" | "Unknown";
  /** The actions asked of the device (wipe, rebootNow, resetPasscode, remoteLock) and how far each has gone; a passcode reset's carries the new passcode. */
  deviceActionResults: { actionName: string; actionState: string; startDateTime: string; lastUpdatedDateTime: string; passcode?: string | null }[];
}

/** An Intune scope tag (Graph's roleScopeTag). */
export interface GraphRoleScopeTag {
  id: string;
  displayName: string;
  description: string;
  isBuiltIn: boolean;
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

/** A group as the service answers it: every property present, null where the group has none. */
export interface GraphGroup {
  id: string;
  displayName: string;
  description: string | null;
  mailEnabled: boolean;
  mailNickname: string;
  securityEnabled: boolean;
  groupTypes: string[];
  membershipRule: string | null;
  /** "On" or "Paused" for a dynamic group; null for an assigned one. */
  membershipRuleProcessingState: "On" | "Paused" | null;
  createdDateTime: string;
}

/** A group in a memberOf list: a directoryObject of type group. */
export type MemberOfGroup = GraphGroup & { "@odata.type": "#microsoft.graph.group" };

/** A group member or a directory object: a user, group or device, told apart by its @odata.type. */
export interface GroupMember {
  "@odata.type": string;
  /** The directory object's id (a device's own object id, not its managed device's id). */
  id: string;
  displayName: string;
  /** A device's Entra device id: its managed device's azureADDeviceId. */
  deviceId?: string;
}

/** A device object of the directory (GET /beta/devices/{id}). */
export interface GraphDirectoryDevice {
  /** Its own object id: neither the managed device's id nor its azureADDeviceId. */
  id: string;
  /** The managed device's azureADDeviceId. */
  deviceId: string;
  displayName: string;
  operatingSystem: string;
  operatingSystemVersion: string;
  model: string;
  manufacturer: string;
}

/** GET /beta/deviceManagement. */
export interface GraphDeviceManagement {
  id: string;
  intuneAccountId: string;
  subscriptionState: "pending" | "active";
  settings: GraphDeviceManagementSettings;
}

/**
 * The tenant's compliance policy settings: `secureByDefault` marks devices with no compliance
 * policy assigned noncompliant (false: compliant); a device that has not checked in for more than
 * `deviceComplianceCheckinThresholdDays` days (1 to 120) is noncompliant.
 */
export interface GraphDeviceManagementSettings {
  secureByDefault: boolean;
  deviceComplianceCheckinThresholdDays: number;
}

/** One request of a `$batch` (Graph JSON batching); `url` is relative to /beta, e.g. `/users`. */
export interface BatchRequest {
  id: string;
  method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  dependsOn?: string[];
}

/** One answer of a `$batch`: the request's id, and its status, headers and body as if sent alone. */
export interface BatchAnswer {
  id: string;
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
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

/**
 * An answer the client cannot use: not JSON where JSON was asked for, or larger than
 * ADMIN_ANSWER_LIMIT_BYTES (a program on the port that is not the service, or one that answers
 * without end). `request` names the request ("GET /beta/organization").
 */
export class AdminAnswerError extends Error {
  override readonly name = "AdminAnswerError";
  constructor(
    readonly request: string,
    /** The answer's status, null where the caller no longer has it (a created object without an id). */
    readonly status: number | null,
    readonly problem: string,
  ) {
    super(`${request}: answered ${status === null ? "" : `${status} `}with ${problem}`);
  }
}

/** The largest answer the client reads (as a device's client: 64 MiB); an admin answer is kilobytes. */
export const ADMIN_ANSWER_LIMIT_BYTES = 64 * 1024 * 1024;

/** A body read whole, but never past ADMIN_ANSWER_LIMIT_BYTES: past it the rest is not read. */
async function boundedBody(response: Dispatcher.ResponseData, request: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > ADMIN_ANSWER_LIMIT_BYTES) {
      response.body.destroy();
      throw new AdminAnswerError(request, response.statusCode, `more than ${ADMIN_ANSWER_LIMIT_BYTES} bytes (an admin answer is kilobytes)`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** A body as JSON, or an AdminAnswerError quoting its start. */
async function jsonBody(response: Dispatcher.ResponseData, request: string): Promise<unknown> {
  const text = (await boundedBody(response, request)).toString("utf8");
  try {
    return JSON.parse(text);
  } catch {
    const start = text.slice(0, 40).replace(/[^\x20-\x7e]/g, "?");
    throw new AdminAnswerError(request, response.statusCode, text === "" ? "an empty body, not JSON" : `something that is not JSON ("${start}${text.length > 40 ? "..." : ""}")`);
  }
}

/** Retries of a throttled request before its 429 is thrown (Graph's SDKs also retry 3 times). */
const MAX_RETRIES = 3;
/** A longer Retry-After is not waited for: the 429 is thrown for the caller to decide. */
const MAX_RETRY_AFTER_MS = 60_000;

/** How long a 429 or 503 asks the client to wait (Retry-After in seconds), if it asks and it is reasonable. */
function retryAfterMs(response: Dispatcher.ResponseData): number | undefined {
  if (response.statusCode !== 429 && response.statusCode !== 503) return undefined;
  const header = response.headers["retry-after"];
  const seconds = typeof header === "string" && /^\d+(\.\d+)?$/.test(header.trim()) ? Number(header) : Number.NaN;
  const ms = seconds * 1000;
  return Number.isFinite(ms) && ms <= MAX_RETRY_AFTER_MS ? ms : undefined;
}

/** An AOSP device configuration or compliance policy: Graph's common properties and its settings. */
export interface GraphPolicy {
  "@odata.type": string;
  id: string;
  displayName: string;
  description: string | null;
  version: number;
  createdDateTime: string;
  lastModifiedDateTime: string;
  [setting: string]: unknown;
}

/** An assignment of a device configuration or compliance policy, as GET .../{id}/assignments lists it. */
export interface PolicyAssignment {
  "@odata.type": string;
  id: string;
  /** "apply": device configurations only. */
  intent?: "apply";
  source: string;
  sourceId: string;
  target: AssignmentTarget;
}

/** A compliance policy's action for a rule (Graph's deviceComplianceScheduledActionForRule). */
export interface ScheduledActionsForRule {
  ruleName: string | null;
  scheduledActionConfigurations: { actionType: string; gracePeriodHours?: number; notificationTemplateId?: string | null; [property: string]: unknown }[];
}

/** What the assign action answers: the assignments and, when AOSP will not honour a setting, why. */
export interface AssignResult {
  value: { id: string; target: AssignmentTarget }[];
  "@aospSim.warnings"?: string[];
}

export type AssignmentTarget =
  | { "@odata.type": "#microsoft.graph.groupAssignmentTarget" | "#microsoft.graph.exclusionGroupAssignmentTarget"; groupId: string }
  | { "@odata.type": "#microsoft.graph.allDevicesAssignmentTarget" | "#microsoft.graph.allLicensedUsersAssignmentTarget" };

export interface GraphPolicyState {
  id: string;
  displayName: string;
  version: number;
  platformType: string;
  state: string;
  settingCount: number;
  settingStates: { setting: string; settingName: string; state: string; currentValue: string | null; errorDescription: string | null }[];
}

export interface TermsRequest {
  displayName: string;
  title: string;
  bodyText: string;
  acceptanceStatement: string;
  description?: string;
  version?: number;
}

export interface GraphTerms extends Required<TermsRequest> {
  id: string;
  createdDateTime: string;
  lastModifiedDateTime: string;
}

export interface TermsAssignment {
  "@odata.type": string;
  id: string;
  target: AssignmentTarget;
}

export interface GraphAcceptanceStatus {
  id: string;
  userDisplayName: string | null;
  userPrincipalName: string | null;
  acceptedVersion: number;
  acceptedDateTime: string;
}

export interface GraphOrganization {
  id: string;
  displayName: string;
  mobileDeviceManagementAuthority: string;
}

export const AOSP_CONFIGURATION_TYPE = "#microsoft.graph.aospDeviceOwnerDeviceConfiguration";
export const AOSP_COMPLIANCE_TYPE = "#microsoft.graph.aospDeviceOwnerCompliancePolicy";

const PROFILES = "/beta/deviceManagement/androidDeviceOwnerEnrollmentProfiles";
const CONFIGURATIONS = "/beta/deviceManagement/deviceConfigurations";
const COMPLIANCE = "/beta/deviceManagement/deviceCompliancePolicies";
const TERMS = "/beta/deviceManagement/termsAndConditions";
const DEVICES = "/beta/deviceManagement/managedDevices";

/**
 * What an AdminClient is built with. `dispatcher`: what its requests go through (default: the
 * package's; a fleet run's counts them). `timeoutMs`: how long each request waits for the
 * answer's headers, and between pieces of its body (default: undici's, 300 s). `signal`: aborts
 * every request in flight.
 */
export interface AdminClientOptions {
  dispatcher?: Dispatcher;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Every option AdminClient takes: a misspelled `timeout` would wait undici's 300 s. */
const CLIENT_OPTIONS = optionNames<AdminClientOptions>({ dispatcher: true, timeoutMs: true, signal: true });

export class AdminClient {
  /** The service's URL as WHATWG writes it, without trailing slashes (the paths are appended to it). */
  readonly baseUrl: string;

  /**
   * A baseUrl or adminToken of the wrong kind (`new AdminClient(5)`) was taken without a word and
   * failed at the first request, as "Invalid URL" or a 401; both are checked here.
   */
  constructor(
    baseUrl: string,
    readonly adminToken: string,
    private readonly options: AdminClientOptions = {},
  ) {
    if (typeof baseUrl !== "string") {
      throw new TypeError(`new AdminClient: baseUrl must be the service's URL as a string, e.g. "http://127.0.0.1:8080" (a MockService's url, or what aosp-sim serve printed) (got ${givenValue(baseUrl)})`);
    }
    if (typeof adminToken !== "string" || adminToken === "") {
      throw new TypeError(`new AdminClient: adminToken must be the service's admin token as a string (a MockService's adminToken, or what aosp-sim serve printed) (got ${givenValue(adminToken)})`);
    }
    checkOptions("new AdminClient", options, CLIENT_OPTIONS, "e.g. { timeoutMs: 10000 }");
    if (options.timeoutMs !== undefined && !(typeof options.timeoutMs === "number" && Number.isInteger(options.timeoutMs) && options.timeoutMs > 0)) {
      throw new RangeError(`new AdminClient: timeoutMs must be a whole number of milliseconds above 0, e.g. 10000 (got ${givenValue(options.timeoutMs)})`);
    }
    this.baseUrl = httpBaseUrl(baseUrl, "new AdminClient baseUrl");
  }

  /** Any admin request; resolves with the parsed JSON body (undefined for 204). */
  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.send(method, path, body);
    if (response.statusCode === 204) {
      await response.body.dump();
      return undefined as T;
    }
    return (await jsonBody(response, `${method} ${path}`)) as T;
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

  /**
   * How many items a collection holds: `GET {collection}/$count` (e.g. "/beta/users"), sent with
   * `ConsistencyLevel: eventual` as Graph asks for directory objects; `filter` is an OData $filter.
   */
  async count(collection: string, filter?: string): Promise<number> {
    if (!collection.startsWith("/") || collection.includes("?")) {
      throw new InputError(`"${collection}" is not a collection's path`, {
        where: "AdminClient.count",
        hint: 'give its path from the service root, e.g. "/beta/users", and a $filter as the second argument',
      });
    }
    collection = collection.replace(/\/+$/, "");
    const query = filter === undefined ? "" : `?$filter=${encodeURIComponent(filter)}`;
    const request = `GET ${collection}/$count${query}`;
    const response = await this.send("GET", `${collection}/$count${query}`, undefined, { consistencylevel: "eventual" });
    return Number((await boundedBody(response, request)).toString("utf8"));
  }

  /** undici's request, not fetch: fetch refuses the ports browsers block (6000, 10080, ...), which a service may listen on. */
  private async send(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Dispatcher.ResponseData> {
    let response: Dispatcher.ResponseData;
    for (let attempt = 0; ; attempt++) {
      response = await request(`${this.baseUrl}${path}`, {
        dispatcher: this.options.dispatcher ?? httpDispatcher(),
        method: method as Dispatcher.HttpMethod,
        headers: {
          authorization: `Bearer ${this.adminToken}`,
          ...headers,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        ...(this.options.timeoutMs === undefined ? {} : { headersTimeout: this.options.timeoutMs, bodyTimeout: this.options.timeoutMs }),
        ...(this.options.signal === undefined ? {} : { signal: this.options.signal }),
      });
      // Throttled (429) or unavailable (503) with Retry-After: wait as told, as Graph's SDKs do.
      const wait = retryAfterMs(response);
      if (wait === undefined || attempt >= MAX_RETRIES) break;
      await response.body.dump();
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
    if (response.statusCode < 200 || response.statusCode > 299) {
      const text = (await boundedBody(response, `${method} ${path}`)).toString("utf8");
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      const error = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
      throw new AdminApiError(response.statusCode, error?.code ?? "unknown", error?.message ?? text, parsed);
    }
    return response;
  }

  // ---- users ----

  createUser(user: NewUserRequest): Promise<GraphUser> {
    return this.request("POST", "/beta/users", {
      accountEnabled: user.accountEnabled ?? true,
      displayName: user.displayName,
      mailNickname: user.mailNickname ?? mailNicknameOf(user.userPrincipalName),
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

  async listUsers(): Promise<GraphUser[]> {
    return this.listAll<GraphUser>("/beta/users");
  }

  getUser(userIdOrUpn: string): Promise<GraphUser> {
    return this.request("GET", `/beta/users/${encodeURIComponent(userIdOrUpn)}`);
  }

  /** Deletes a user (by id or user principal name): its devices stay enrolled with no primary user. */
  deleteUser(userIdOrUpn: string): Promise<void> {
    return this.request("DELETE", `/beta/users/${encodeURIComponent(userIdOrUpn)}`);
  }

  updateUser(userIdOrUpn: string, patch: UserPatchRequest): Promise<void> {
    const { password, ...rest } = patch;
    return this.request("PATCH", `/beta/users/${encodeURIComponent(userIdOrUpn)}`, {
      ...rest,
      ...(password === undefined ? {} : { passwordProfile: { password, forceChangePasswordNextSignIn: false } }),
    });
  }

  /** The tenant's licences, with their service plans. */
  async subscribedSkus(): Promise<GraphSubscribedSku[]> {
    return this.listAll<GraphSubscribedSku>("/beta/subscribedSkus");
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

  updateProfile(id: string, patch: ProfilePatch): Promise<GraphProfile> {
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
    const path = `/sim/v1/enrollmentProfiles/${encodeURIComponent(id)}/qrCode.png`;
    return boundedBody(await this.send("GET", path), `GET ${path}`);
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

  /** The scope tags (the built-in Default tag, id "0"), whose ids roleScopeTagIds hold. */
  async roleScopeTags(): Promise<GraphRoleScopeTag[]> {
    return this.listAll<GraphRoleScopeTag>("/beta/deviceManagement/roleScopeTags");
  }

  roleScopeTag(id: string): Promise<GraphRoleScopeTag> {
    return this.request("GET", `/beta/deviceManagement/roleScopeTags/${encodeURIComponent(id)}`);
  }

  /** Restart (Graph's rebootNow): the device restarts at its next check-in. */
  rebootNow(id: string): Promise<void> {
    return this.request("POST", `${DEVICES}/${encodeURIComponent(id)}/rebootNow`, {});
  }

  /** Remote lock: the device locks its screen at its next check-in. */
  remoteLock(id: string): Promise<void> {
    return this.request("POST", `${DEVICES}/${encodeURIComponent(id)}/remoteLock`, {});
  }

  /** Reset passcode: the new passcode is in the device's deviceActionResults (resetPasscode's `passcode`). */
  resetPasscode(id: string): Promise<void> {
    return this.request("POST", `${DEVICES}/${encodeURIComponent(id)}/resetPasscode`, {});
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

  async listGroups(): Promise<GraphGroup[]> {
    return this.listAll<GraphGroup>("/beta/groups");
  }

  getGroup(id: string): Promise<GraphGroup> {
    return this.request("GET", `/beta/groups/${encodeURIComponent(id)}`);
  }

  updateGroup(id: string, patch: Partial<GroupRequest>): Promise<void> {
    return this.request("PATCH", `/beta/groups/${encodeURIComponent(id)}`, patch);
  }

  deleteGroup(id: string): Promise<void> {
    return this.request("DELETE", `/beta/groups/${encodeURIComponent(id)}`);
  }

  async groupMembers(id: string): Promise<GroupMember[]> {
    return this.listAll<GroupMember>(`/beta/groups/${encodeURIComponent(id)}/members`);
  }

  /** A group's owners (users). */
  async groupOwners(id: string): Promise<GroupMember[]> {
    return this.listAll<GroupMember>(`/beta/groups/${encodeURIComponent(id)}/owners`);
  }

  /** Adds a user (its id) as an owner of the group. */
  addGroupOwner(groupId: string, userId: string): Promise<void> {
    return this.request("POST", `/beta/groups/${encodeURIComponent(groupId)}/owners/$ref`, {
      "@odata.id": `https://graph.microsoft.com/v1.0/users/${userId}`,
    });
  }

  /** A group's members and those of the groups nested in it, at any depth, each once (Graph's transitiveMembers). */
  async groupTransitiveMembers(id: string): Promise<GroupMember[]> {
    return this.listAll<GroupMember>(`/beta/groups/${encodeURIComponent(id)}/transitiveMembers`);
  }

  /** The groups a group is nested in directly (Graph's memberOf of a group). */
  async groupMemberOf(id: string): Promise<MemberOfGroup[]> {
    return this.listAll<MemberOfGroup>(`/beta/groups/${encodeURIComponent(id)}/memberOf`);
  }

  /** The groups a group is nested in, directly or through other groups (Graph's transitiveMemberOf). */
  async groupTransitiveMemberOf(id: string): Promise<MemberOfGroup[]> {
    return this.listAll<MemberOfGroup>(`/beta/groups/${encodeURIComponent(id)}/transitiveMemberOf`);
  }

  /** The groups a user (id or user principal name) is a direct member of (Graph's memberOf). */
  async userMemberOf(userIdOrUpn: string): Promise<MemberOfGroup[]> {
    return this.listAll<MemberOfGroup>(`/beta/users/${encodeURIComponent(userIdOrUpn)}/memberOf`);
  }

  /** The groups a user is a member of, directly or through nested groups (Graph's transitiveMemberOf). */
  async userTransitiveMemberOf(userIdOrUpn: string): Promise<MemberOfGroup[]> {
    return this.listAll<MemberOfGroup>(`/beta/users/${encodeURIComponent(userIdOrUpn)}/transitiveMemberOf`);
  }

  /** The managed devices whose primary user the user is (Graph's /users/{id}/managedDevices). */
  async userManagedDevices(userIdOrUpn: string): Promise<GraphManagedDevice[]> {
    return this.listAll<GraphManagedDevice>(`/beta/users/${encodeURIComponent(userIdOrUpn)}/managedDevices`);
  }

  /** Adds a user (its id) or a device (its directory object's id, not its managed device's) to an assigned group. */
  addGroupMember(groupId: string, memberId: string): Promise<void> {
    return this.request("POST", `/beta/groups/${encodeURIComponent(groupId)}/members/$ref`, {
      "@odata.id": `https://graph.microsoft.com/v1.0/directoryObjects/${memberId}`,
    });
  }

  removeGroupMember(groupId: string, memberId: string): Promise<void> {
    return this.request("DELETE", `/beta/groups/${encodeURIComponent(groupId)}/members/${encodeURIComponent(memberId)}/$ref`);
  }

  // ---- tenant ----

  /** The admin API's OData description (CSDL XML), as Graph's $metadata. */
  async metadata(): Promise<string> {
    return (await this.send("GET", "/beta/$metadata")).body.text();
  }

  async organization(): Promise<GraphOrganization> {
    return (await this.request<GraphList<GraphOrganization>>("GET", "/beta/organization")).value[0]!;
  }

  /** Makes Intune the tenant's MDM authority (the seed's first prerequisite). */
  async setMdmAuthority(): Promise<void> {
    const { id } = await this.organization();
    await this.request("POST", `/beta/organization/${encodeURIComponent(id)}/setMobileDeviceManagementAuthority`);
  }

  getOrganization(id: string): Promise<GraphOrganization> {
    return this.request("GET", `/beta/organization/${encodeURIComponent(id)}`);
  }

  /** The deviceManagement singleton: the tenant's Intune account and its subscription state. */
  deviceManagement(): Promise<GraphDeviceManagement> {
    return this.request("GET", "/beta/deviceManagement");
  }

  /** Changes the tenant's compliance policy settings given (PATCH /beta/deviceManagement), keeping the others. */
  updateDeviceManagement(settings: Partial<GraphDeviceManagementSettings>): Promise<GraphDeviceManagement> {
    return this.request("PATCH", "/beta/deviceManagement", { settings });
  }

  /** Every directory object (users, groups, devices), each with its @odata.type. */
  async listDirectoryObjects(): Promise<GroupMember[]> {
    return this.listAll<GroupMember>("/beta/directoryObjects");
  }

  /** The user, group or device with this id, with its @odata.type. */
  getDirectoryObject(id: string): Promise<GroupMember> {
    return this.request("GET", `/beta/directoryObjects/${encodeURIComponent(id)}`);
  }

  /**
   * The directory's device objects (GET /beta/devices); with `deviceId`, the one whose deviceId
   * is this azureADDeviceId of a managed device (none when no listed device has it).
   */
  async listDirectoryDevices(filter?: { deviceId?: string }): Promise<GraphDirectoryDevice[]> {
    const query =
      filter?.deviceId === undefined ? "" : `?$filter=${encodeURIComponent(`deviceId eq '${filter.deviceId.replaceAll("'", "''")}'`)}`;
    return this.listAll<GraphDirectoryDevice>(`/beta/devices${query}`);
  }

  /** The device object with this object id (GET /beta/devices/{id}). */
  getDirectoryDevice(id: string): Promise<GraphDirectoryDevice> {
    return this.request("GET", `/beta/devices/${encodeURIComponent(id)}`);
  }

  /**
   * Sends up to 20 requests in one (POST /beta/$batch) and returns their answers in the order
   * given. A request's failure is its answer's status, not an error thrown: only a batch the
   * service refuses as a whole throws. A body without a Content-Type header is sent as JSON.
   */
  async batch(requests: BatchRequest[]): Promise<BatchAnswer[]> {
    const withTypes = requests.map((request) =>
      request.body === undefined || Object.keys(request.headers ?? {}).some((name) => name.toLowerCase() === "content-type")
        ? request
        : { ...request, headers: { ...request.headers, "Content-Type": "application/json" } },
    );
    const answer = await this.request<{ responses: BatchAnswer[] }>("POST", "/beta/$batch", { requests: withTypes });
    return answer.responses;
  }

  // ---- policies ----

  /** Creates an AOSP device configuration; `settings` are its Graph properties (cameraBlocked, ...). */
  createConfiguration(displayName: string, settings: Record<string, unknown>): Promise<GraphPolicy> {
    return this.request("POST", CONFIGURATIONS, { "@odata.type": AOSP_CONFIGURATION_TYPE, displayName, ...settings });
  }

  /** Creates an AOSP compliance policy, blocking noncompliant devices at once (Graph requires a scheduled action). */
  createCompliancePolicy(displayName: string, settings: Record<string, unknown>): Promise<GraphPolicy> {
    return this.request("POST", COMPLIANCE, {
      "@odata.type": AOSP_COMPLIANCE_TYPE,
      displayName,
      ...settings,
      scheduledActionsForRule: [{ ruleName: "PasswordRequired", scheduledActionConfigurations: [{ actionType: "block", gracePeriodHours: 0 }] }],
    });
  }

  async listConfigurations(): Promise<GraphPolicy[]> {
    return this.listAll<GraphPolicy>(CONFIGURATIONS);
  }

  getConfiguration(id: string): Promise<GraphPolicy> {
    return this.request("GET", `${CONFIGURATIONS}/${encodeURIComponent(id)}`);
  }

  /**
   * Changes settings (or displayName, description). A `version` or `lastModifiedDateTime` sent
   * along must be the current one (a GET's answer sent back whole is); the answer carries
   * "@aospSim.warnings" when AOSP will not honour a setting.
   */
  updateConfiguration(id: string, patch: Record<string, unknown>): Promise<GraphPolicy> {
    return this.request("PATCH", `${CONFIGURATIONS}/${encodeURIComponent(id)}`, patch);
  }

  deleteConfiguration(id: string): Promise<void> {
    return this.request("DELETE", `${CONFIGURATIONS}/${encodeURIComponent(id)}`);
  }

  async configurationAssignments(id: string): Promise<PolicyAssignment[]> {
    return (await this.request<GraphList<PolicyAssignment>>("GET", `${CONFIGURATIONS}/${encodeURIComponent(id)}/assignments`)).value;
  }

  async listCompliancePolicies(): Promise<GraphPolicy[]> {
    return this.listAll<GraphPolicy>(COMPLIANCE);
  }

  getCompliancePolicy(id: string): Promise<GraphPolicy> {
    return this.request("GET", `${COMPLIANCE}/${encodeURIComponent(id)}`);
  }

  /** As updateConfiguration, for a compliance policy. */
  updateCompliancePolicy(id: string, patch: Record<string, unknown>): Promise<GraphPolicy> {
    return this.request("PATCH", `${COMPLIANCE}/${encodeURIComponent(id)}`, patch);
  }

  deleteCompliancePolicy(id: string): Promise<void> {
    return this.request("DELETE", `${COMPLIANCE}/${encodeURIComponent(id)}`);
  }

  async compliancePolicyAssignments(id: string): Promise<PolicyAssignment[]> {
    return (await this.request<GraphList<PolicyAssignment>>("GET", `${COMPLIANCE}/${encodeURIComponent(id)}/assignments`)).value;
  }

  async complianceScheduledActions(id: string): Promise<ScheduledActionsForRule[]> {
    return (await this.request<GraphList<ScheduledActionsForRule>>("GET", `${COMPLIANCE}/${encodeURIComponent(id)}/scheduledActionsForRule`)).value;
  }

  /**
   * Replaces a compliance policy's actions for noncompliance (Graph's scheduleActionsForRules),
   * e.g. the block action's grace period: [{ruleName: "PasswordRequired", scheduledActionConfigurations: [{actionType: "block", gracePeriodHours: 24}]}].
   */
  scheduleComplianceActions(id: string, rules: ScheduledActionsForRule[]): Promise<void> {
    return this.request("POST", `${COMPLIANCE}/${encodeURIComponent(id)}/scheduleActionsForRules`, { deviceComplianceScheduledActionForRules: rules });
  }

  assignConfiguration(id: string, targets: AssignmentTarget[]): Promise<AssignResult> {
    return this.request("POST", `${CONFIGURATIONS}/${encodeURIComponent(id)}/assign`, { assignments: targets.map((target) => ({ target })) });
  }

  assignCompliancePolicy(id: string, targets: AssignmentTarget[]): Promise<AssignResult> {
    return this.request("POST", `${COMPLIANCE}/${encodeURIComponent(id)}/assign`, { assignments: targets.map((target) => ({ target })) });
  }

  /** Adds one assignment to a configuration (the assign action replaces them all). */
  addConfigurationAssignment(id: string, target: AssignmentTarget): Promise<PolicyAssignment> {
    return this.request("POST", `${CONFIGURATIONS}/${encodeURIComponent(id)}/assignments`, { target });
  }

  /** One assignment of a device configuration, by its id. */
  getConfigurationAssignment(id: string, assignmentId: string): Promise<PolicyAssignment> {
    return this.request("GET", `${CONFIGURATIONS}/${encodeURIComponent(id)}/assignments/${encodeURIComponent(assignmentId)}`);
  }

  /** Removes one assignment of a device configuration; devices it reached drop the policy at their next check-in. */
  deleteConfigurationAssignment(id: string, assignmentId: string): Promise<void> {
    return this.request("DELETE", `${CONFIGURATIONS}/${encodeURIComponent(id)}/assignments/${encodeURIComponent(assignmentId)}`);
  }

  /** Adds one assignment to a compliance policy (the assign action replaces them all). */
  addCompliancePolicyAssignment(id: string, target: AssignmentTarget): Promise<PolicyAssignment> {
    return this.request("POST", `${COMPLIANCE}/${encodeURIComponent(id)}/assignments`, { target });
  }

  /** One assignment of a compliance policy, by its id. */
  getCompliancePolicyAssignment(id: string, assignmentId: string): Promise<PolicyAssignment> {
    return this.request("GET", `${COMPLIANCE}/${encodeURIComponent(id)}/assignments/${encodeURIComponent(assignmentId)}`);
  }

  /** Removes one assignment of a compliance policy; devices it reached drop the policy at their next check-in. */
  deleteCompliancePolicyAssignment(id: string, assignmentId: string): Promise<void> {
    return this.request("DELETE", `${COMPLIANCE}/${encodeURIComponent(id)}/assignments/${encodeURIComponent(assignmentId)}`);
  }

  async deviceConfigurationStates(deviceId: string): Promise<GraphPolicyState[]> {
    return (await this.request<GraphList<GraphPolicyState>>("GET", `${DEVICES}/${encodeURIComponent(deviceId)}/deviceConfigurationStates`)).value;
  }

  async deviceCompliancePolicyStates(deviceId: string): Promise<GraphPolicyState[]> {
    return (await this.request<GraphList<GraphPolicyState>>("GET", `${DEVICES}/${encodeURIComponent(deviceId)}/deviceCompliancePolicyStates`)).value;
  }

  // ---- terms and conditions ----

  createTerms(terms: TermsRequest): Promise<GraphTerms> {
    return this.request("POST", TERMS, terms);
  }

  async listTerms(): Promise<GraphTerms[]> {
    return this.listAll<GraphTerms>(TERMS);
  }

  getTerms(id: string): Promise<GraphTerms> {
    return this.request("GET", `${TERMS}/${encodeURIComponent(id)}`);
  }

  /** A raised `version` is offered to each user at their next enrollment (at sign-in), not to devices already enrolled. */
  updateTerms(id: string, patch: Partial<TermsRequest>): Promise<GraphTerms> {
    return this.request("PATCH", `${TERMS}/${encodeURIComponent(id)}`, patch);
  }

  deleteTerms(id: string): Promise<void> {
    return this.request("DELETE", `${TERMS}/${encodeURIComponent(id)}`);
  }

  assignTerms(id: string, target: AssignmentTarget): Promise<TermsAssignment> {
    return this.request("POST", `${TERMS}/${encodeURIComponent(id)}/assignments`, { target });
  }

  async termsAssignments(id: string): Promise<TermsAssignment[]> {
    return (await this.request<GraphList<TermsAssignment>>("GET", `${TERMS}/${encodeURIComponent(id)}/assignments`)).value;
  }

  getTermsAssignment(id: string, assignmentId: string): Promise<TermsAssignment> {
    return this.request("GET", `${TERMS}/${encodeURIComponent(id)}/assignments/${encodeURIComponent(assignmentId)}`);
  }

  deleteTermsAssignment(id: string, assignmentId: string): Promise<void> {
    return this.request("DELETE", `${TERMS}/${encodeURIComponent(id)}/assignments/${encodeURIComponent(assignmentId)}`);
  }

  async termsAcceptanceStatuses(id: string): Promise<GraphAcceptanceStatus[]> {
    return (await this.request<GraphList<GraphAcceptanceStatus>>("GET", `${TERMS}/${encodeURIComponent(id)}/acceptanceStatuses`)).value;
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
