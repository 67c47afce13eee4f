/**
 * AOSP device configuration and compliance policies (Graph aospDeviceOwnerDeviceConfiguration
 * and aospDeviceOwnerCompliancePolicy): create, read, update (a change of settings raises the version),
 * delete, assign to groups; the configurations a device receives at check-in and the states it
 * reports back; and what an admin reads per device. The seed's limits hold: an unenforceable
 * password type is accepted but the admin is told at assignment that it will not take effect.
 * Compliance policies are evaluated by the device at check-in; its report gives the device its
 * verdict (compliant, or noncompliant once the block action's grace period has passed).
 */
import { randomUUID } from "node:crypto";
import type { AssignedCompliancePolicy, AssignedConfiguration, PolicyStateReport } from "../../agent/protocol/device-api.js";
import {
  type AospComplianceSettings,
  compareOsVersions,
  isEnforceablePasswordType,
  type PasswordRequiredType,
  unenforceablePasswordReason,
} from "../../agent/protocol/aosp-policy.js";
import type { ServiceContext } from "../context.js";
import { POLICY_TYPES, policyStateOf, type PolicyType } from "../domain/aosp-policies.js";
import { badRequest, itemNotFound } from "../http/errors.js";
import type { AssignmentRecord, TargetType } from "../store/assignments.js";
import type { DeviceCompliance, DeviceRecord } from "../store/devices.js";
import type { PolicyKind, PolicyRecord, PolicySettings, PolicyStateRecord } from "../store/policies.js";
import type { AssignmentInput, AssignmentService } from "./assignments.js";
import { namesODataType, refuseTypeChange } from "./odata-type.js";
import { refuseLongText, TEXT_LIMITS } from "./text-limits.js";
import { changesNothing, DEFAULT_SCOPE_TAGS } from "./writes.js";

/** What an admin sends: the common properties, and the type's settings by their Graph names. */
export interface PolicyInput {
  "@odata.type"?: string;
  displayName?: string;
  description?: string | null;
  /** null: the scope tags a policy created without them has (the default, "0"). */
  roleScopeTagIds?: string[] | null;
  scheduledActionsForRule?: unknown[];
  [setting: string]: unknown;
}

const POLICY_TARGETS: readonly TargetType[] = [
  "groupAssignmentTarget",
  "exclusionGroupAssignmentTarget",
  "allDevicesAssignmentTarget",
  "allLicensedUsersAssignmentTarget",
];

/** One policy's state on one device, as the admin reads it (Graph's deviceConfigurationState). */
export interface PolicyStateView {
  policy: PolicyRecord;
  state: PolicyStateRecord | undefined;
}

export class PolicyService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly assignments: AssignmentService,
  ) {}

  create(kind: PolicyKind, input: PolicyInput): PolicyRecord {
    const type = POLICY_TYPES[kind];
    if (!namesODataType(input["@odata.type"], type.odataType)) {
      throw badRequest(
        `"@odata.type" must be "${type.odataType}": this service keeps only Android (AOSP) ${type.entitySet}${input["@odata.type"] === undefined ? "" : ` (got "${String(input["@odata.type"])}")`}`,
      );
    }
    const displayName = (input.displayName ?? "").trim();
    if (displayName === "") throw badRequest('"displayName" is required: give the policy a name');
    refuseLongText({ displayName, description: input.description }, TEXT_LIMITS.policy);
    let scheduledActions: unknown[] | null = null;
    if (kind === "compliance") {
      // Graph: "a required property when creating any individual per-platform compliance policies".
      scheduledActions = scheduledActionsOf("scheduledActionsForRule", "when creating a compliance policy", input.scheduledActionsForRule);
    }
    const settings = settingsOf(type, input, {});
    refuseEmptyOsRange(settings);
    const now = this.ctx.now();
    const policy: PolicyRecord = {
      id: randomUUID(),
      kind,
      displayName,
      description: input.description ?? null,
      settings,
      scheduledActions,
      roleScopeTagIds: input.roleScopeTagIds ?? [...DEFAULT_SCOPE_TAGS],
      version: 1,
      created: now,
      modified: now,
    };
    this.ctx.store.policies.insert(policy);
    return policy;
  }

  get(kind: PolicyKind, id: string): PolicyRecord {
    const policy = this.ctx.store.policies.get(id);
    if (!policy || policy.kind !== kind) throw itemNotFound(POLICY_TYPES[kind].noun, id);
    return policy;
  }

  list(kind: PolicyKind): PolicyRecord[] {
    return this.ctx.store.policies.list(kind);
  }

  /**
   * PATCH: the settings given change (null clears one). The version goes up only when a setting
   * changes: devices apply a configuration again when its version does (a new name changes nothing there).
   * A PATCH that changes nothing (`{}`, a round trip sent back as read) keeps lastModifiedDateTime too.
   */
  update(kind: PolicyKind, id: string, patch: PolicyInput): PolicyRecord {
    const current = this.get(kind, id);
    const type = POLICY_TYPES[kind];
    refuseTypeChange(patch, type.odataType, "this policy");
    if (patch.scheduledActionsForRule !== undefined) {
      throw badRequest(
        'scheduledActionsForRule is set when the policy is created; change it with POST .../deviceCompliancePolicies/{id}/scheduleActionsForRules {"deviceComplianceScheduledActionForRules": [...]}',
      );
    }
    const displayName = patch.displayName === undefined ? current.displayName : patch.displayName.trim();
    if (displayName === "") throw badRequest('"displayName" must not be empty');
    refuseLongText({ displayName, description: patch.description }, TEXT_LIMITS.policy);
    const settings = settingsOf(type, patch, current.settings);
    refuseEmptyOsRange(settings);
    const description = patch.description === undefined ? current.description : patch.description;
    const roleScopeTagIds = patch.roleScopeTagIds === undefined ? current.roleScopeTagIds : (patch.roleScopeTagIds ?? [...DEFAULT_SCOPE_TAGS]);
    const settingsChanged = !sameSettings(settings, current.settings);
    if (!settingsChanged && changesNothing({ displayName, description, roleScopeTagIds }, current)) return current;
    const updated: PolicyRecord = {
      ...current,
      displayName,
      description,
      roleScopeTagIds,
      settings,
      version: settingsChanged ? current.version + 1 : current.version,
      modified: this.ctx.now(),
    };
    this.ctx.store.policies.save(updated);
    return updated;
  }

  /**
   * Graph's scheduleActionsForRules action: the compliance policy's actions for noncompliance are
   * replaced. The version goes up, as for a changed setting, so each device evaluates the policy
   * again at its next check-in and its grace period is measured anew against the block action's
   * gracePeriodHours, from the first report that found it noncompliant.
   */
  scheduleActions(id: string, rules: unknown[] | undefined): PolicyRecord {
    const current = this.get("compliance", id);
    const updated: PolicyRecord = {
      ...current,
      scheduledActions: scheduledActionsOf("deviceComplianceScheduledActionForRules", "", rules),
      version: current.version + 1,
      modified: this.ctx.now(),
    };
    this.ctx.store.policies.save(updated);
    return updated;
  }

  delete(kind: PolicyKind, id: string): void {
    this.get(kind, id);
    this.ctx.store.transaction(() => {
      this.ctx.store.assignments.deleteAllOf(id);
      this.ctx.store.policies.delete(id);
    });
  }

  /** The assign action: the given assignments replace the policy's (an empty list unassigns it). */
  assign(kind: PolicyKind, id: string, inputs: AssignmentInput[]): { assignments: AssignmentRecord[]; warnings: string[] } {
    const policy = this.get(kind, id);
    const records = this.assignments.build(kind, id, inputs, POLICY_TARGETS);
    this.ctx.store.transaction(() => {
      this.ctx.store.assignments.deleteAllOf(id);
      for (const record of records) this.ctx.store.assignments.insert(record);
    });
    return { assignments: records, warnings: records.length === 0 ? [] : limitations(policy) };
  }

  assignmentsOf(kind: PolicyKind, id: string): AssignmentRecord[] {
    this.get(kind, id);
    return this.ctx.store.assignments.of(id);
  }

  /** POST .../assignments: one more target (the assign action replaces them all), and what AOSP will not honour. */
  addAssignment(kind: PolicyKind, id: string, input: AssignmentInput): { assignment: AssignmentRecord; warnings: string[] } {
    const policy = this.get(kind, id);
    const [record] = this.assignments.build(kind, id, [input], POLICY_TARGETS);
    if (this.ctx.store.assignments.of(id).some((a) => a.id === record!.id)) {
      throw badRequest(`this ${POLICY_TYPES[kind].noun} is already assigned to that target; GET .../assignments lists its assignments`);
    }
    this.ctx.store.assignments.insert(record!);
    return { assignment: record!, warnings: limitations(policy) };
  }

  /** One assignment of the policy, by its id (ids ignore case, as in a path). */
  assignment(kind: PolicyKind, id: string, assignmentId: string): AssignmentRecord {
    const found = this.assignmentsOf(kind, id).find((a) => a.id.toLowerCase() === assignmentId.toLowerCase());
    if (!found) throw itemNotFound(POLICY_TYPES[kind].assignmentType, assignmentId);
    return found;
  }

  /**
   * DELETE .../assignments/{assignmentId}: the target no longer gets the policy; a device it
   * reached is sent the policies it still gets at its next check-in, as after an assign action.
   */
  removeAssignment(kind: PolicyKind, id: string, assignmentId: string): void {
    const found = this.assignment(kind, id, assignmentId);
    this.ctx.store.assignments.delete(id, found.id);
  }

  /** What an admin is told about a policy that is assigned: the settings AOSP will not honour. */
  warningsFor(policy: PolicyRecord): string[] {
    return this.ctx.store.assignments.of(policy.id).length === 0 ? [] : limitations(policy);
  }

  /** The policies of a kind that reach this device (its groups, its user's groups, all devices...). */
  assignedTo(kind: PolicyKind, device: DeviceRecord): PolicyRecord[] {
    const byOwner = this.assignments.byOwner(kind);
    if (byOwner.size === 0) return [];
    const audience = { deviceId: device.id, userId: device.userId };
    return this.list(kind).filter((p) => this.assignments.reaches(byOwner.get(p.id) ?? [], audience));
  }

  /**
   * The configurations a device receives at check-in, or undefined when it has none and never
   * had any (the answer then stays as it was before policies existed). A device that reported
   * states before gets the empty list, so it learns its policies were unassigned.
   */
  configurationsFor(device: DeviceRecord): AssignedConfiguration[] | undefined {
    const assigned = this.assignedTo("configuration", device);
    if (assigned.length === 0 && this.ctx.store.policies.statesOfDevice(device.id).size === 0) return undefined;
    return assigned.map((p) => ({
      id: p.id,
      displayName: p.displayName,
      version: p.version,
      settings: p.settings,
    }));
  }

  /**
   * The compliance policies a device receives at check-in, or undefined when it has none and no
   * verdict from any (a fleet without compliance policies pays nothing). A device with a verdict
   * gets the empty list, so it reports that none applies any more and it has no policy.
   */
  compliancePoliciesFor(device: DeviceRecord): AssignedCompliancePolicy[] | undefined {
    const assigned = this.assignedTo("compliance", device);
    if (assigned.length === 0 && !hasPolicyVerdict(device)) return undefined;
    return assigned.map((p) => ({ id: p.id, displayName: p.displayName, version: p.version, settings: p.settings as AospComplianceSettings }));
  }

  /**
   * A check-in found no compliance policy assigned to the device: Intune's built-in policy then
   * gives its verdict, by the tenant's secureByDefault (complianceStateOf reads it).
   */
  checkedInWithoutPolicy(device: DeviceRecord): void {
    if (device.compliance?.state !== "noPolicy") this.ctx.store.devices.setCompliance(device.id, { state: "noPolicy", graceEnds: null });
  }

  /**
   * The device's report of what it applied and how it evaluated its compliance policies; a policy
   * that is not assigned to it is refused. A compliance report gives the device its verdict.
   */
  recordStates(device: DeviceRecord, report: PolicyStateReport): void {
    const now = this.ctx.now();
    refuseUnassigned("configurations", report.configurations, this.assignedTo("configuration", device));
    const compliance = report.compliancePolicies;
    const assignedCompliance = compliance === undefined ? [] : this.assignedTo("compliance", device);
    if (compliance !== undefined) refuseUnassigned("compliancePolicies", compliance, assignedCompliance);
    this.ctx.store.transaction(() => {
      for (const c of report.configurations) {
        this.ctx.store.policies.recordState({ deviceId: device.id, policyId: c.id, version: c.version, settings: c.settings, reported: now });
      }
      if (compliance === undefined) return;
      const before = this.ctx.store.policies.statesOfDevice(device.id);
      const byId = new Map(assignedCompliance.map((p) => [p.id, p]));
      let verdict: DeviceCompliance = { state: compliance.length === 0 ? "noPolicy" : "compliant", graceEnds: null };
      let locks: DueLocks | undefined;
      // Noncompliant with several policies: the earliest end of their grace periods.
      for (const c of compliance) {
        const noncompliant = policyStateOf(c.settings) === "nonCompliant";
        // The grace period runs from the first report that found the device noncompliant.
        const since = noncompliant ? (before.get(c.id)?.noncompliantSince ?? now) : null;
        this.ctx.store.policies.recordState({ deviceId: device.id, policyId: c.id, version: c.version, settings: c.settings, reported: now, noncompliantSince: since });
        if (since === null) continue;
        const graceEnds = since + graceHours(byId.get(c.id)!) * 3_600_000;
        verdict = { state: "noncompliant", graceEnds: Math.min(verdict.graceEnds ?? Infinity, graceEnds) };
        locks = dueLocks(byId.get(c.id)!, since, now, locks);
      }
      this.ctx.store.devices.setCompliance(device.id, verdict);
      if (locks !== undefined && device.managementState !== "wipePending") this.lockIfDue(device.id, locks, now);
    });
  }

  /**
   * The compliance action *Remotely lock the noncompliant device*: one remote lock for each of
   * its instances whose schedule has passed since the device was found noncompliant (Microsoft:
   * "When you set multiple instances of an action in a policy, the action runs again at that
   * later scheduled time if the device remains non-compliant"), queued as the admin's remoteLock
   * is, one at a time.
   */
  private lockIfDue(deviceId: string, locks: DueLocks, now: number): void {
    const sent = this.ctx.store.devices.actionsOf(deviceId).filter((a) => a.type === "remoteLock" && a.requested >= locks.since);
    if (sent.length >= locks.due || sent.some((a) => a.status === "pending")) return;
    this.ctx.store.devices.addAction({ id: randomUUID(), deviceId, type: "remoteLock", status: "pending", message: null, requested: now, updated: now, passcode: null });
  }

  /** Every policy of the kind assigned to the device, with what the device reported. */
  statesOf(kind: PolicyKind, device: DeviceRecord): PolicyStateView[] {
    const assigned = this.assignedTo(kind, device);
    const reported = assigned.length === 0 ? new Map<string, PolicyStateRecord>() : this.ctx.store.policies.statesOfDevice(device.id);
    return assigned.map((policy) => ({ policy, state: reported.get(policy.id) }));
  }
}

/** Whether the device's verdict came from compliance policies (one it must be told are gone). */
function hasPolicyVerdict(device: DeviceRecord): boolean {
  const state = device.compliance?.state ?? "unknown";
  return state === "compliant" || state === "noncompliant";
}

/** A report's entries must be policies assigned to the device (by kind). */
function refuseUnassigned(property: string, entries: readonly { id: string }[], assigned: readonly PolicyRecord[]): void {
  const ids = new Set(assigned.map((p) => p.id));
  for (const [i, entry] of entries.entries()) {
    if (!ids.has(entry.id)) throw badRequest(`${property}[${i}]: the policy '${entry.id}' is not assigned to this device`);
  }
}

/**
 * The grace period of a compliance policy's block action ("Mark device noncompliant"), in hours:
 * Graph's scheduledActionsForRule[].scheduledActionConfigurations[] with actionType "block" and
 * gracePeriodHours. Without one the device is noncompliant at once (Intune's default schedule of 0 days).
 */
function graceHours(policy: PolicyRecord): number {
  let hours: number | null = null;
  for (const c of actionConfigurations(policy)) {
    if (c.actionType === "block" && typeof c.gracePeriodHours === "number" && c.gracePeriodHours > 0) {
      hours = Math.min(hours ?? Infinity, c.gracePeriodHours);
    }
  }
  return hours ?? 0;
}

/** The remote locks a device's noncompliance has made due: how many, counted from when (the earliest policy's). */
interface DueLocks {
  since: number;
  due: number;
}

/** Adds the policy's remoteLock instances whose schedule (gracePeriodHours after `since`) has passed; undefined while none has. */
function dueLocks(policy: PolicyRecord, since: number, now: number, sum: DueLocks | undefined): DueLocks | undefined {
  const due = actionConfigurations(policy).filter(
    (c) => c.actionType === "remoteLock" && since + (typeof c.gracePeriodHours === "number" ? c.gracePeriodHours : 0) * 3_600_000 <= now,
  ).length;
  if (due === 0) return sum;
  return sum === undefined ? { since, due } : { since: Math.min(sum.since, since), due: Math.max(sum.due, due) };
}

/** Every scheduledActionConfigurations item of a compliance policy's rules. */
function actionConfigurations(policy: PolicyRecord): { actionType?: unknown; gracePeriodHours?: unknown }[] {
  return (policy.scheduledActions ?? []).flatMap((rule) => (rule as { scheduledActionConfigurations?: unknown[] }).scheduledActionConfigurations ?? []) as {
    actionType?: unknown;
    gracePeriodHours?: unknown;
  }[];
}

/**
 * Refuses a compliance policy whose minimum OS version is above its maximum: no device could
 * ever be compliant with it.
 */
function refuseEmptyOsRange(settings: PolicySettings): void {
  const minimum = settings["osMinimumVersion"];
  const maximum = settings["osMaximumVersion"];
  if (typeof minimum !== "string" || typeof maximum !== "string") return;
  if ((compareOsVersions(minimum, maximum) ?? 0) > 0) {
    throw badRequest(
      `"osMinimumVersion" (${minimum}) is above "osMaximumVersion" (${maximum}): no device could be compliant; lower osMinimumVersion or raise osMaximumVersion`,
    );
  }
}

/** The type's settings from a create or PATCH body over `base`: null clears one, absent keeps it. */
function settingsOf(type: PolicyType, input: PolicyInput, base: PolicySettings): PolicySettings {
  const settings: PolicySettings = { ...base };
  for (const name of Object.keys(type.settings)) {
    if (!(name in input)) continue;
    const value = input[name];
    if (value === null) delete settings[name];
    else settings[name] = value as boolean | number | string;
  }
  return settings;
}

/** Settings are flat (booleans, numbers, strings): the same names with the same values. */
function sameSettings(a: PolicySettings, b: PolicySettings): boolean {
  const names = Object.keys(a);
  return names.length === Object.keys(b).length && names.every((name) => Object.hasOwn(b, name) && a[name] === b[name]);
}

/**
 * A compliance policy's scheduled actions, each with its ids. Graph requires them, and Intune's
 * *Mark device noncompliant* action cannot be removed, so an empty list is refused.
 */
function scheduledActionsOf(property: string, when: string, rules: unknown[] | undefined): unknown[] {
  if (!rules || rules.length === 0) {
    throw badRequest(
      `"${property}" is required${when === "" ? "" : ` ${when}`}, e.g. [{"ruleName": "PasswordRequired", "scheduledActionConfigurations": [{"actionType": "block", "gracePeriodHours": 0}]}]`,
    );
  }
  return rules.map((rule) => withIds(rule));
}

/** Graph gives every scheduled action and its configurations an id. */
function withIds(rule: unknown): unknown {
  const r = rule as { scheduledActionConfigurations?: unknown[] } & Record<string, unknown>;
  return {
    id: randomUUID(),
    ...r,
    scheduledActionConfigurations: (r.scheduledActionConfigurations ?? []).map((c) => ({ id: randomUUID(), ...(c as object) })),
  };
}

/**
 * The seed's known limitations, as they affect this policy (configuration or compliance), and the
 * actions for noncompliance that have no effect here.
 */
function limitations(policy: PolicyRecord): string[] {
  const warnings: string[] = [];
  const type = policy.settings["passwordRequiredType"] as PasswordRequiredType | undefined;
  if (type !== undefined && !isEnforceablePasswordType(type)) {
    warnings.push(`"${policy.displayName}": ${unenforceablePasswordReason(type)}. The setting will not take effect; devices report it not applicable`);
  }
  for (const action of actionTypesOf(policy)) {
    const why = UNSIMULATED_ACTIONS[action];
    if (why !== undefined) warnings.push(`"${policy.displayName}": the action for noncompliance ${action} ${why}`);
  }
  return warnings;
}

/**
 * Actions for noncompliance the mock does not carry out, and why. Block (*Mark device
 * noncompliant*, with its grace period) gives the device its complianceState, and remoteLock
 * (*Remotely lock the noncompliant device*) sends the device a remote lock (lockIfDue).
 * Microsoft's actions-for-noncompliance page (MicrosoftDocs/memdocs,
 * memdocs/intune/protect/actions-for-noncompliance.md) lists Android (AOSP) for remote lock and
 * retire (preview), and not for the push notification.
 */
const ONLY_BLOCK = "only block (Mark device noncompliant, after its gracePeriodHours) and remoteLock (a remote lock, after its gracePeriodHours) have an effect";
const NOT_SIMULATED = `is not simulated by the mock: it is never carried out; ${ONLY_BLOCK}`;
const UNSIMULATED_ACTIONS: Readonly<Record<string, string>> = {
  notification: `is not simulated by the mock: no email is sent; ${ONLY_BLOCK}`,
  retire: NOT_SIMULATED,
  wipe: NOT_SIMULATED,
  removeResourceAccessProfiles: NOT_SIMULATED,
  pushNotification: "is not available for Android (AOSP) devices (Intune sends it to Android Enterprise, Android device administrator and iOS devices) and is not simulated: nothing is sent",
};

/** The distinct actionTypes of a compliance policy's scheduled actions, in order. */
function actionTypesOf(policy: PolicyRecord): string[] {
  return [...new Set(actionConfigurations(policy).flatMap((c) => (typeof c.actionType === "string" ? [c.actionType] : [])))];
}
