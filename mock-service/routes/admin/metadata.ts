/**
 * GET /beta/$metadata: the CSDL document every @odata.context points to. Graph serves it without
 * a token; here, as every /beta route, it takes the admin token (the API's contract: anything
 * else is 401). A new collection adds its definition to ADMIN_COLLECTIONS; a type, navigation list
 * or action an answer or route refers to, its declaration to ADMIN_MODEL.
 */
import type { FastifyPluginAsync } from "fastify";
import type { CollectionDef } from "../../odata/model.js";
import { csdlDocument, type CsdlModel } from "../../odata/metadata.js";
import { SUBSCRIPTION_STATES } from "./device-management.js";
import { DIRECTORY_DEVICES } from "./devices.schema.js";
import { DIRECTORY_OBJECTS } from "./directory-objects.schema.js";
import { GROUP_MEMBER_OF, GROUP_TRANSITIVE_MEMBER_OF, GROUP_TRANSITIVE_MEMBERS, USER_MEMBER_OF, USER_TRANSITIVE_MEMBER_OF } from "./directory-navigation.schema.js";
import { GROUP_MEMBERS, GROUP_OWNERS, GROUPS } from "./groups.schema.js";
import { DEVICE_COMPLIANCE_POLICIES, DEVICE_CONFIGURATIONS } from "./policies.schema.js";
import { TERMS_AND_CONDITIONS } from "./terms.schema.js";
import { ACTION_STATE_VALUES, DETECTED_APPS, MANAGED_DEVICES, OBLITERATION_BEHAVIORS, USER_MANAGED_DEVICES } from "./managed-devices.schema.js";
import { ENROLLMENT_PROFILES } from "./profiles.schema.js";
import { ROLE_SCOPE_TAGS } from "./role-scope-tags.schema.js";
import { ORGANIZATION, SUBSCRIBED_SKUS, USERS } from "./users.schema.js";

export const ADMIN_COLLECTIONS: readonly CollectionDef[] = [
  USERS,
  GROUPS,
  GROUP_MEMBERS,
  GROUP_OWNERS,
  DIRECTORY_OBJECTS,
  USER_MEMBER_OF,
  USER_TRANSITIVE_MEMBER_OF,
  GROUP_MEMBER_OF,
  GROUP_TRANSITIVE_MEMBER_OF,
  GROUP_TRANSITIVE_MEMBERS,
  USER_MANAGED_DEVICES,
  DIRECTORY_DEVICES,
  ORGANIZATION,
  SUBSCRIBED_SKUS,
  MANAGED_DEVICES,
  DETECTED_APPS,
  ENROLLMENT_PROFILES,
  ROLE_SCOPE_TAGS,
  DEVICE_CONFIGURATIONS,
  DEVICE_COMPLIANCE_POLICIES,
  TERMS_AND_CONDITIONS,
];

const g = (name: string) => `microsoft.graph.${name}`;
const many = (type: string) => `Collection(${type})`;
const STRING = "Edm.String";
const INT = "Edm.Int32";
const BOOLEAN = "Edm.Boolean";
const WHEN = "Edm.DateTimeOffset";

/**
 * Graph's complianceStatus, the type of a policy state's and a setting state's `state`
 * (https://learn.microsoft.com/graph/api/resources/intune-shared-compliancestatus?view=graph-rest-beta).
 */
const COMPLIANCE_STATUSES = ["unknown", "notApplicable", "compliant", "remediated", "nonCompliant", "error", "conflict", "notAssigned"] as const;

/**
 * Graph's policyPlatformType, the type of a policy state's `platformType`, with Graph's values
 * (https://learn.microsoft.com/graph/api/resources/intune-deviceconfig-policyplatformtype?view=graph-rest-beta).
 */
const POLICY_PLATFORM_TYPES = {
  android: 0, androidForWork: 1, iOS: 2, macOS: 3, windowsPhone81: 4, windows81AndLater: 5, windows10AndLater: 6,
  androidWorkProfile: 7, windows10XProfile: 8, androidAOSP: 9, linux: 10, all: 100,
} as const;

const settingState = {
  setting: STRING,
  settingName: STRING,
  instanceDisplayName: STRING,
  state: g("complianceStatus"),
  currentValue: STRING,
  errorCode: "Edm.Int64",
  errorDescription: STRING,
  userId: STRING,
  userPrincipalName: STRING,
  sources: many(g("settingSource")),
};
const policyState = (settings: string) => ({
  displayName: STRING,
  version: INT,
  platformType: g("policyPlatformType"),
  state: g("complianceStatus"),
  settingCount: INT,
  settingStates: many(g(settings)),
  userId: STRING,
  userPrincipalName: STRING,
});
const assignment = { source: g("deviceAndAppManagementAssignmentSource"), sourceId: STRING, target: g("deviceAndAppManagementAssignmentTarget") };

/**
 * Graph's deviceComplianceActionType, the type of a compliance action's `actionType`, with Graph's
 * values (https://learn.microsoft.com/graph/api/resources/intune-deviceconfig-devicecomplianceactiontype?view=graph-rest-beta).
 */
const COMPLIANCE_ACTION_TYPES = {
  noAction: 0, notification: 1, block: 2, retire: 3, wipe: 4, removeResourceAccessProfiles: 5, pushNotification: 9, remoteLock: 10,
} as const;

/**
 * The rest of what the admin API's answers and routes refer to (only the properties the mock
 * fills): the AOSP policy types (their settings are declared on the base types, see
 * policies.schema.ts), assignments and their targets, policy states, terms' assignments and
 * acceptances, a group's device members, the deviceManagement singleton's own properties, and
 * the actions.
 */
export const ADMIN_MODEL: CsdlModel = {
  enumTypes: {
    obliterationBehavior: OBLITERATION_BEHAVIORS,
    deviceManagementSubscriptionState: SUBSCRIPTION_STATES,
    complianceStatus: COMPLIANCE_STATUSES,
    policyPlatformType: POLICY_PLATFORM_TYPES,
    actionState: ACTION_STATE_VALUES,
    deviceComplianceActionType: COMPLIANCE_ACTION_TYPES,
    deviceConfigAssignmentIntent: ["apply", "remove"],
    deviceAndAppManagementAssignmentSource: ["direct", "policySets"],
    deviceAndAppManagementAssignmentFilterType: ["none", "include", "exclude"],
    settingSourceType: ["deviceConfiguration", "deviceIntent"],
  },
  complexTypes: {
    mimeContent: { properties: { type: STRING, value: "Edm.Binary" } },
    // managedDevice.usersLoggedOn, which the mock answers [] (https://learn.microsoft.com/graph/api/resources/intune-devices-loggedonuser?view=graph-rest-beta).
    loggedOnUser: { properties: { userId: STRING, lastLogOnDateTime: WHEN } },
    assignedLicense: { properties: { disabledPlans: many("Edm.Guid"), skuId: "Edm.Guid" } },
    servicePlanInfo: { properties: { servicePlanId: "Edm.Guid", servicePlanName: STRING, provisioningStatus: STRING, appliesTo: STRING } },
    deviceAndAppManagementAssignmentTarget: {
      abstract: true,
      properties: { deviceAndAppManagementAssignmentFilterId: STRING, deviceAndAppManagementAssignmentFilterType: g("deviceAndAppManagementAssignmentFilterType") },
      notNullable: ["deviceAndAppManagementAssignmentFilterType"],
    },
    groupAssignmentTarget: { base: g("deviceAndAppManagementAssignmentTarget"), properties: { groupId: STRING } },
    exclusionGroupAssignmentTarget: { base: g("groupAssignmentTarget") },
    allDevicesAssignmentTarget: { base: g("deviceAndAppManagementAssignmentTarget") },
    allLicensedUsersAssignmentTarget: { base: g("deviceAndAppManagementAssignmentTarget") },
    settingSource: { properties: { id: STRING, displayName: STRING, sourceType: g("settingSourceType") }, notNullable: ["sourceType"] },
    deviceActionResult: {
      properties: { actionName: STRING, actionState: g("actionState"), startDateTime: WHEN, lastUpdatedDateTime: WHEN },
      notNullable: ["actionState", "startDateTime", "lastUpdatedDateTime"],
    },
    // A passcode reset's result: the new passcode the admin hands the user.
    resetPasscodeActionResult: { base: g("deviceActionResult"), properties: { passcode: STRING, errorCode: INT }, notNullable: ["errorCode"] },
    deviceConfigurationSettingState: { properties: settingState, notNullable: ["state", "errorCode"] },
    deviceCompliancePolicySettingState: { properties: settingState, notNullable: ["state", "errorCode"] },
    // The tenant's compliance policy settings the mock models (PATCH /beta/deviceManagement).
    deviceManagementSettings: {
      properties: { deviceComplianceCheckinThresholdDays: INT, secureByDefault: BOOLEAN },
      notNullable: ["deviceComplianceCheckinThresholdDays", "secureByDefault"],
    },
  },
  entityTypes: {
    // GET /beta/deviceManagement answers these; its collections are its navigation properties.
    deviceManagement: {
      properties: { intuneAccountId: "Edm.Guid", subscriptionState: g("deviceManagementSubscriptionState"), settings: g("deviceManagementSettings") },
    },
    aospDeviceOwnerDeviceConfiguration: { base: g("deviceConfiguration") },
    aospDeviceOwnerCompliancePolicy: { base: g("deviceCompliancePolicy") },
    deviceConfigurationAssignment: { properties: { intent: g("deviceConfigAssignmentIntent"), ...assignment }, notNullable: ["intent", "source"] },
    deviceCompliancePolicyAssignment: { properties: assignment, notNullable: ["source"] },
    deviceComplianceScheduledActionForRule: { properties: { ruleName: STRING } },
    deviceComplianceActionItem: {
      properties: { actionType: g("deviceComplianceActionType"), gracePeriodHours: INT, notificationTemplateId: STRING, notificationMessageCCList: many(STRING) },
      notNullable: ["actionType", "gracePeriodHours"],
    },
    deviceConfigurationState: { properties: policyState("deviceConfigurationSettingState") },
    deviceCompliancePolicyState: { properties: policyState("deviceCompliancePolicySettingState") },
    termsAndConditionsAssignment: { properties: { target: g("deviceAndAppManagementAssignmentTarget") } },
    termsAndConditionsAcceptanceStatus: {
      properties: { userDisplayName: STRING, userPrincipalName: STRING, acceptedVersion: INT, acceptedDateTime: WHEN },
    },
    device: {
      base: g("directoryObject"),
      properties: { displayName: STRING, deviceId: STRING, operatingSystem: STRING, operatingSystemVersion: STRING, model: STRING, manufacturer: STRING },
    },
  },
  navigation: [
    { of: g("deviceConfiguration"), name: "assignments", type: g("deviceConfigurationAssignment") },
    { of: g("deviceCompliancePolicy"), name: "assignments", type: g("deviceCompliancePolicyAssignment") },
    { of: g("deviceCompliancePolicy"), name: "scheduledActionsForRule", type: g("deviceComplianceScheduledActionForRule") },
    { of: g("deviceComplianceScheduledActionForRule"), name: "scheduledActionConfigurations", type: g("deviceComplianceActionItem") },
    { of: g("managedDevice"), name: "deviceConfigurationStates", type: g("deviceConfigurationState") },
    { of: g("managedDevice"), name: "deviceCompliancePolicyStates", type: g("deviceCompliancePolicyState") },
    { of: g("termsAndConditions"), name: "assignments", type: g("termsAndConditionsAssignment") },
    { of: g("termsAndConditions"), name: "acceptanceStatuses", type: g("termsAndConditionsAcceptanceStatus") },
  ],
  entitySets: {},
  actions: [
    {
      name: "assignLicense",
      boundTo: g("user"),
      parameters: { addLicenses: many(g("assignedLicense")), removeLicenses: many("Edm.Guid") },
      returns: g("user"),
    },
    { name: "setMobileDeviceManagementAuthority", boundTo: g("organization"), returns: INT },
    {
      name: "wipe",
      boundTo: g("managedDevice"),
      parameters: {
        keepEnrollmentData: BOOLEAN,
        keepUserData: BOOLEAN,
        macOsUnlockCode: STRING,
        persistEsimDataPlan: BOOLEAN,
        useProtectedWipe: BOOLEAN,
        obliterationBehavior: g("obliterationBehavior"),
      },
    },
    { name: "rebootNow", boundTo: g("managedDevice") },
    { name: "resetPasscode", boundTo: g("managedDevice") },
    { name: "remoteLock", boundTo: g("managedDevice") },
    { name: "createToken", boundTo: g("androidDeviceOwnerEnrollmentProfile"), parameters: { tokenValidityInSeconds: INT } },
    { name: "revokeToken", boundTo: g("androidDeviceOwnerEnrollmentProfile") },
    {
      name: "assign",
      boundTo: g("deviceConfiguration"),
      parameters: { assignments: many(g("deviceConfigurationAssignment")) },
      returns: many(g("deviceConfigurationAssignment")),
    },
    {
      name: "assign",
      boundTo: g("deviceCompliancePolicy"),
      parameters: { assignments: many(g("deviceCompliancePolicyAssignment")) },
      returns: many(g("deviceCompliancePolicyAssignment")),
    },
    {
      name: "scheduleActionsForRules",
      boundTo: g("deviceCompliancePolicy"),
      parameters: { deviceComplianceScheduledActionForRules: many(g("deviceComplianceScheduledActionForRule")) },
    },
  ],
};

export function metadataRoutes(collections: readonly CollectionDef[] = ADMIN_COLLECTIONS, model: CsdlModel = ADMIN_MODEL): FastifyPluginAsync {
  // Written when first asked for: most runs of the service (a fleet, an enrollment) never are.
  let document: string | undefined;
  return async (app) => {
    app.get(
      "/beta/$metadata",
      {
        schema: {
          tags: ["admin: OData"],
          summary: "The CSDL (OData 4.0 XML) description of the entity sets and types the admin API serves",
          response: { 200: { type: "string", description: "application/xml" } },
        },
      },
      async (_request, reply) => reply.type("application/xml; charset=utf-8").send((document ??= csdlDocument(collections, model))),
    );
  };
}
