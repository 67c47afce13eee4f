/**
 * The device side of the service: enrollment with a token, user sign-in, check-ins, updates,
 * action acknowledgements and log uploads; and the admin's remote actions on devices (wipe,
 * delete). Every refusal is a device API error code (agent/protocol/device-api.ts).
 */
import { randomInt, randomUUID } from "node:crypto";
import type {
  AcknowledgeActionRequest,
  CheckInRequest,
  CheckInResponse,
  DeviceAction,
  EnrollRequest,
  EnrollResponse,
  InstalledApp,
  PolicyStateReport,
  SignInResponse,
  UpdatesResponse,
  UploadLogsResponse,
} from "../../agent/protocol/device-api.js";
import {
  AGENT_PACKAGE,
  COMPANION_PACKAGES,
  compareVersionNames,
  MIN_SYNC_AGENT_VERSION,
} from "../../agent/protocol/intune-conventions.js";
import { iso, type ServiceContext } from "../context.js";
import { renderDeviceName, usesUserMacros } from "../domain/device-name.js";
import { newDeviceCredential, newIncidentId, secretHash } from "../domain/secrets.js";
import { badRequest, deviceError, itemNotFound } from "../http/errors.js";
import { isEnrolled, type ActionRecord, type DeviceRecord, type DeviceView } from "../store/devices.js";
import type { GroupService } from "./groups.js";
import type { PackageService } from "./packages.js";
import type { PolicyService } from "./policies.js";
import { USERLESS } from "./profiles.js";
import type { TermsService } from "./terms.js";
import type { UserService } from "./users.js";

/** Logs are free text of at most 1 MiB (UTF-8). */
export const MAX_LOG_BYTES = 1024 * 1024;

export class DeviceService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly packages: PackageService,
    private readonly users: UserService,
    private readonly groups: GroupService,
    private readonly policies: PolicyService,
    private readonly terms: TermsService,
  ) {}

  // ---- device API ---------------------------------------------------------------------------

  /**
   * Enrolls a device with an enrollment token. Tokens are looked up by their SHA-256 (never
   * compared byte by byte); each way a token can fail has its own code.
   */
  enroll(request: EnrollRequest): EnrollResponse {
    const now = this.ctx.now();
    const { profiles } = this.ctx.store;
    const token = profiles.findToken(secretHash(request.enrollmentToken));
    if (!token) throw deviceError("tokenUnknown", "no enrollment profile issued this token; scan the profile's current QR code");
    switch (token.state) {
      case "profileDeleted":
        throw deviceError("profileDeleted", "the enrollment profile of this token was deleted");
      case "replaced":
        throw deviceError("tokenReplaced", "this token was replaced by a newer one (createToken); scan the profile's new QR code");
      case "revoked":
        throw deviceError("tokenRevoked", "this token was revoked by the admin");
    }
    if (token.expires <= now) {
      throw deviceError("tokenExpired", `this token expired at ${iso(token.expires)}; the admin must issue a new one`);
    }
    const profile = profiles.get(token.profileId);
    if (!profile) throw deviceError("profileDeleted", "the enrollment profile of this token was deleted");

    const credential = newDeviceCredential();
    const id = randomUUID();
    const device: DeviceRecord = {
      id,
      azureADDeviceId: randomUUID(),
      directoryId: randomUUID(),
      credentialHash: secretHash(credential),
      profileId: profile.id,
      enrollmentProfileName: profile.displayName,
      enrollmentMode: profile.enrollmentMode,
      deviceNameTemplate: profile.deviceNameTemplate,
      deviceName: renderDeviceName(profile.deviceNameTemplate, {
        deviceId: id,
        serialNumber: request.serialNumber,
        enrolled: now,
        user: null,
      }),
      serialNumber: request.serialNumber,
      model: request.model,
      manufacturer: request.manufacturer,
      osVersion: request.osVersion,
      agentVersion: request.agentVersion,
      userId: null,
      managementState: "managed",
      enrolled: now,
      lastSync: now,
      removed: null,
    };
    const agent = this.packages.list().find((p) => p.packageName === AGENT_PACKAGE && p.versionName === request.agentVersion);
    this.ctx.store.transaction(() => {
      this.ctx.store.devices.insert(device);
      this.ctx.store.devices.recordSync(
        id,
        request.agentVersion,
        [{ packageName: AGENT_PACKAGE, versionName: request.agentVersion, versionCode: agent?.versionCode ?? 0 }],
        now,
      );
      profiles.recordTokenUse(token.id);
      this.groups.deviceChanged(device);
    });
    return {
      deviceId: id,
      deviceCredential: credential,
      deviceName: device.deviceName,
      enrollmentProfileName: device.enrollmentProfileName,
      enrollmentMode: device.enrollmentMode,
    };
  }

  /** Signs the device's user in: wrong passwords, disabled and unlicensed users are refused. */
  async signIn(device: DeviceRecord, userPrincipalName: string, password: string, newPassword?: string): Promise<SignInResponse> {
    this.requirePresent(device);
    if (device.enrollmentMode === USERLESS) {
      throw deviceError("userlessDevice", "this device enrolled with a userless profile; it has no user to sign in");
    }
    const { user, passwordChanged } = await this.users.authenticate(userPrincipalName, password, newPassword);
    // The password check yields the event loop: the device may have been wiped or deleted meanwhile.
    device = this.ctx.store.devices.get(device.id) ?? device;
    this.requirePresent(device);
    const deviceName = usesUserMacros(device.deviceNameTemplate)
      ? renderDeviceName(device.deviceNameTemplate, {
          deviceId: device.id,
          serialNumber: device.serialNumber,
          enrolled: device.enrolled,
          user,
        })
      : device.deviceName;
    this.ctx.store.transaction(() => {
      this.ctx.store.devices.setUser(device.id, user.id, deviceName);
      this.groups.deviceChanged({ ...device, userId: user.id, deviceName });
    });
    return {
      userId: user.id,
      userPrincipalName: user.userPrincipalName,
      displayName: user.displayName,
      requiredApps: COMPANION_PACKAGES.map((name) => this.packages.offer(this.packages.latest(name))),
      termsAndConditions: this.terms.pendingFor(user.id),
      ...(passwordChanged ? { passwordChanged: true as const } : {}),
    };
  }

  /**
   * A check-in: records the apps, answers pending actions and updates. A deleted device is told
   * once (a "delete" action) and is gone after that. An agent below 24.7.0 may not sync.
   */
  checkIn(device: DeviceRecord, request: CheckInRequest): CheckInResponse {
    const now = this.ctx.now();
    if (device.managementState === "deletePending") {
      const open = this.ctx.store.devices.openActionsOf(device.id);
      const actions = open.filter((a) => a.type === "delete");
      this.ctx.store.transaction(() => {
        for (const action of actions) this.ctx.store.devices.updateAction(action.id, "completed", "delivered", now);
        // A wipe asked before the delete is never carried out on its own: the delete's reset is the device's last act.
        for (const action of open) if (action.type !== "delete") this.ctx.store.devices.updateAction(action.id, "canceled", "the device was deleted first", now);
        this.ctx.store.devices.remove(device.id, now);
      });
      return { actions: actions.map(toDeviceAction), updates: [], serverDateTime: iso(now) };
    }
    this.requirePresent(device);
    if (compareVersionNames(request.agentVersion, MIN_SYNC_AGENT_VERSION) < 0) {
      this.ctx.store.devices.recordAgentVersion(device.id, request.agentVersion);
      throw deviceError(
        "agentVersionTooOld",
        `the Intune app ${request.agentVersion} can no longer sync; update it to ${MIN_SYNC_AGENT_VERSION} or later (GET updates offers it)`,
        { minimumVersion: MIN_SYNC_AGENT_VERSION },
      );
    }
    const configurations = this.policies.configurationsFor(device);
    const compliancePolicies = this.policies.compliancePoliciesFor(device);
    // One commit for the check-in: a first check-in without a compliance policy also records that
    // (every fleet device's), which alone would be a second write to the database.
    this.ctx.store.transaction(() => {
      this.ctx.store.devices.recordSync(device.id, request.agentVersion, request.apps, now);
      if (compliancePolicies === undefined) this.policies.checkedInWithoutPolicy(device);
    });
    return {
      actions: this.ctx.store.devices.openActionsOf(device.id).map(toDeviceAction),
      updates: this.packages.updatesFor(request.agentVersion, request.apps),
      ...(configurations === undefined ? {} : { configurations }),
      ...(compliancePolicies === undefined ? {} : { compliancePolicies }),
      serverDateTime: iso(now),
    };
  }

  /** Updates for what the device last reported; allowed even when sync is refused. */
  updates(device: DeviceRecord): UpdatesResponse {
    this.requirePresent(device);
    const apps: InstalledApp[] = this.ctx.store.devices.apps(device.id).filter((a) => a.packageName !== AGENT_PACKAGE);
    return { updates: this.packages.updatesFor(device.agentVersion, apps) };
  }

  /** An action's progress; a wipe acknowledged "completed" drops the device. */
  acknowledge(device: DeviceRecord, actionId: string, request: AcknowledgeActionRequest): void {
    this.requirePresent(device);
    const action = this.ctx.store.devices.getAction(actionId);
    if (!action || action.deviceId !== device.id) {
      throw deviceError("actionNotFound", `this device has no action '${actionId}'`);
    }
    if (action.status === "completed") return;
    const now = this.ctx.now();
    this.ctx.store.transaction(() => {
      this.ctx.store.devices.updateAction(action.id, request.status, request.message ?? null, now);
      if (action.type === "wipe" && request.status === "completed") {
        this.ctx.store.devices.remove(device.id, now);
        this.groups.deviceLeft(device.id);
      }
    });
  }

  /** What the device applied of its configurations and how it met its compliance policies, setting by setting. */
  reportPolicyStates(device: DeviceRecord, report: PolicyStateReport): void {
    this.requirePresent(device);
    this.policies.recordStates(device, report);
  }

  /** The device's user accepted terms and conditions (at the version shown). */
  acceptTerms(device: DeviceRecord, termsId: string, version: number): void {
    this.requirePresent(device);
    this.terms.accept(device.userId, termsId, version);
  }

  uploadLogs(device: DeviceRecord, logs: string): UploadLogsResponse {
    this.requirePresent(device);
    if (Buffer.byteLength(logs, "utf8") > MAX_LOG_BYTES) {
      throw deviceError("payloadTooLarge", `logs are at most ${MAX_LOG_BYTES} bytes; send the most recent part`);
    }
    const incidentId = newIncidentId();
    this.ctx.store.tenant.addIncident({ id: incidentId, deviceId: device.id, created: this.ctx.now(), logs });
    return { incidentId };
  }

  // ---- admin API ----------------------------------------------------------------------------

  /** A device the admin can see (managed or waiting for its wipe). */
  visible(id: string): DeviceView {
    const device = this.ctx.store.devices.view(id);
    if (!device || !isEnrolled(device)) {
      throw itemNotFound("managedDevice", id);
    }
    return device;
  }

  /**
   * The enrolled device whose directory object (Entra ID's `device`) has this object id: the id
   * /beta/devices/{id} and directoryObjects/{id} take, neither the managed device's id nor its
   * azureADDeviceId. Undefined when no listed device has it.
   */
  byDirectoryId(objectId: string): DeviceView | undefined {
    const { devices } = this.ctx.store;
    const id = devices.idOfDirectoryObject(objectId);
    const device = id === undefined ? undefined : devices.view(id);
    return device && isEnrolled(device) ? device : undefined;
  }

  /** wipe: pending until the device acknowledges its factory reset. Asking twice changes nothing. */
  wipe(id: string): void {
    const device = this.visible(id);
    if (device.managementState === "wipePending") return;
    const now = this.ctx.now();
    this.ctx.store.transaction(() => {
      this.ctx.store.devices.setManagementState(id, "wipePending");
      // A wipe takes precedence over every other pending action: a restart or passcode reset not yet taken never will be.
      for (const action of this.ctx.store.devices.openActionsOf(id)) {
        if (action.status === "pending") this.ctx.store.devices.updateAction(action.id, "canceled", "the device was wiped first", now);
      }
      this.ctx.store.devices.addAction(this.newAction(id, "wipe"));
    });
  }

  /** delete: gone from the admin's view at once; the device is told to reset at its next check-in. */
  delete(id: string): void {
    this.visible(id);
    this.ctx.store.transaction(() => {
      this.ctx.store.devices.setManagementState(id, "deletePending");
      this.ctx.store.devices.addAction(this.newAction(id, "delete"));
      this.groups.deviceLeft(id);
    });
  }

  /**
   * rebootNow (Intune's Restart; its page lists Android (AOSP)): the device restarts when it next
   * checks in and acknowledges it. Asking again while one waits changes nothing.
   */
  rebootNow(id: string): void {
    this.queueOnce(id, "rebootNow");
  }

  /**
   * remoteLock (Intune's Remote lock; its page lists Android (AOSP)): the device locks its screen
   * when it next checks in and acknowledges it. Asking again while one waits changes nothing.
   */
  remoteLock(id: string): void {
    this.queueOnce(id, "remoteLock");
  }

  /** Queues an action for the device's next check-in, unless one of its type already waits there. */
  private queueOnce(id: string, type: "rebootNow" | "remoteLock"): void {
    const device = this.removable(id);
    if (this.ctx.store.devices.openActionsOf(device.id).some((a) => a.type === type)) return;
    this.ctx.store.devices.addAction(this.newAction(id, type));
  }

  /**
   * resetPasscode (Intune's Reset passcode, a device-level reset on AOSP): a new passcode, shown
   * to the admin in the device's deviceActionResults and set by the device at its next check-in.
   * A newer request replaces one the device has not taken yet.
   */
  resetPasscode(id: string): void {
    const device = this.removable(id);
    const now = this.ctx.now();
    this.ctx.store.transaction(() => {
      for (const action of this.ctx.store.devices.openActionsOf(device.id)) {
        if (action.type === "resetPasscode" && action.status === "pending") {
          this.ctx.store.devices.updateAction(action.id, "canceled", "a newer passcode reset replaced it", now);
        }
      }
      this.ctx.store.devices.addAction({ ...this.newAction(id, "resetPasscode"), passcode: newPasscode() });
    });
  }

  /** A managed device an action other than wipe may be asked of: not one being wiped. */
  private removable(id: string): DeviceView {
    const device = this.visible(id);
    if (device.managementState === "wipePending") {
      throw badRequest(`the device ${id} is being wiped (managementState wipePending): it takes no other action until it has reset`);
    }
    return device;
  }

  private newAction(deviceId: string, type: ActionRecord["type"]): ActionRecord {
    const now = this.ctx.now();
    return { id: randomUUID(), deviceId, type, status: "pending", message: null, requested: now, updated: now, passcode: null };
  }

  /** Removed and deleted devices answer deviceNotFound (a deleted one learns at check-in). */
  private requirePresent(device: DeviceRecord): void {
    if (!isEnrolled(device)) {
      throw deviceError("deviceNotFound", "this device was removed from the service; reset it to enroll again");
    }
  }
}

function toDeviceAction(action: ActionRecord): DeviceAction {
  const wire: DeviceAction = { id: action.id, type: action.type, requestedDateTime: iso(action.requested) };
  return action.passcode === null ? wire : { ...wire, passcode: action.passcode };
}

/** The length of a passcode resetPasscode makes: 8 digits, within every AOSP password policy's numeric bounds (4 to 16). */
const PASSCODE_DIGITS = 8;

/** A random numeric passcode (Intune shows the admin a new temporary passcode; its form is not documented). */
function newPasscode(): string {
  return Array.from({ length: PASSCODE_DIGITS }, () => String(randomInt(10))).join("");
}
