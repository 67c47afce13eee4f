/**
 * aosp-enroll-sim as a library, for your own test suites:
 *
 *   import { createDevice, startMockService, SimulatedClock, HOUR } from "aosp-enroll-sim";
 *
 *   const clock = new SimulatedClock();
 *   const service = await startMockService({ now: () => new Date(clock.now()) });
 *   await service.admin.createLicensedUser({ displayName: "Alex", userPrincipalName: "alex@contoso.example", password: "P@ss-w0rd" });
 *   const profile = await service.admin.createProfile({ displayName: "Lab", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice",
 *     configureWifi: true, wifiSsid: "Lab", wifiSecurityType: "wpa", wifiPassword: "lab-passphrase" });
 *   const device = await createDevice({
 *     qr: { image: Buffer.from(profile.qrCodeImage.value, "base64") },
 *     clock, seed: 1, faults: ["service-5xx"],
 *     user: { userPrincipalName: "alex@contoso.example", password: "P@ss-w0rd" },
 *   });
 *   const report = await device.enroll();          // report.finalState === "enrolled" (finalStatePath "enrolled.idle")
 *   await device.runFor(24 * HOUR);                 // 15 check-ins, in milliseconds
 *   device.dispose();
 *   await service.close();
 *
 * and fleets, as `aosp-sim fleet` runs them:
 *
 *   const { summary, devices } = await runFleet({ devices: 200, faults: ["service-5xx=5%"] });
 */

// The device
export { createDevice, isSettled } from "./device/create-device.js";
export type { CreateDeviceOptions, Device, DeviceEnrollOptions, DeviceReport, RunUntilOptions } from "./device/create-device.js";
export type { DeviceCommand, DeviceSnapshot, DeviceActor } from "./device/runtime.js";
export type { DeviceRecord, StepRecord, PowerRecord, NoteRecord, Timed } from "./device/step-record.js";
export { identityFromSeed, resolveIdentity } from "./device/identity.js";
export type { IdentityOptions } from "./device/identity.js";
export type { DeviceIdentity, Failure, DeviceContext, DeviceSettings } from "./machine/types.js";
// The machine's vocabulary (its context's parts, its events, what each step takes and returns).
export type {
  PackageOffer, DeviceAction, FindingSummary, ProvisioningPlan, StepFailure, RetryState, Enrollment, TermsToShow,
  SignedInUser, DeviceInput, DeviceEvent, WifiProgressStatus, Stamped, ScanQrOutput, CheckPayloadOutput,
  PreconditionsOutput, SettingsInput, SettingsOutput, SystemSettings, DeviceOwnerOutput, MobileDataOutput, NetworkOutput, InstalledAgentOutput, DownloadAgentInput, DownloadOutput, VerifyAgentInput,
  VerifyOutput, InstallOutput, EnrollInput, EnrollOutput, SignInInput, SignInOutput, AcceptTermsInput, InstallAppInput,
  CheckInInput, CheckInOutput, UpdatesOutput, AcknowledgeInput, UploadLogsInput, UploadLogsOutput, AppControlInput,
  CheckNetworkInput,
} from "./machine/types.js";
// What ports throw for a failed step (agent/device/ports.ts), with a code the machine reads.
export { StepError } from "./machine/step-error.js";
export type { PolicyPlan, PasswordRequirement, Restriction } from "./device/policy-plan.js";
// The device API's wire types (what a ServicePort sends and receives); three are renamed where the machine has its own.
export type {
  EnrollRequest, EnrollResponse, SignInRequest, SignInResponse, TermsToAccept, AcceptTermsRequest, CheckInRequest,
  CheckInResponse, DeviceActionType, AssignedConfiguration, AssignedCompliancePolicy, SettingStateValue, SettingStateReport, PolicyStateReport,
  UpdatesResponse, AcknowledgeActionRequest, UploadLogsRequest, UploadLogsResponse,
  InstalledApp as DeviceApiInstalledApp, DeviceAction as DeviceApiAction, PackageOffer as DeviceApiPackageOffer,
} from "./protocol/device-api.js";
export type { AospConfigurationSettings, AospComplianceSettings, PasswordRequiredType } from "./protocol/aosp-policy.js";
export type { LightSignal } from "./protocol/light-abort.js";
export { DEFAULT_SETTINGS } from "./machine/types.js";
export type { VirtualNetwork, WifiEnvironment } from "./device/virtual/wifi.js";
export { MemoryStorage, DirectoryStorage } from "./device/virtual/storage.js";
export type * from "./device/ports.js";

// Faults
export { FAULT_NAMES, FAULT_GRAMMAR, parseFault, parseFaults, formatFault, toFault } from "./device/faults.js";
export type { Fault, FaultName, Times, FaultSpelling } from "./device/faults.js";

// Time
export { RealClock, SimulatedClock, SkewedClock } from "./device/clock.js";
export type { RunOutcome } from "./device/clock.js";
export { MINUTE, HOUR, checkInSchedule, nextCheckInAt, checkInInterval } from "./machine/checkin-cadence.js";
export { parseDuration, formatDuration } from "./device/duration.js";

// Scenarios (what `aosp-sim run` plays)
export { runScenario } from "./sim/scenario.js";
export type { ScenarioOptions, ScenarioResult, ScenarioStop } from "./sim/scenario.js";
export { checkScenario, loadScenario, DEFAULT_SCENARIO } from "./sim/scenario-format.js";
export type { Scenario, Step, BeforeStep, AdminStep, DeviceStep, TenantStep } from "./sim/scenario-format.js";

// Fleets (what `aosp-sim fleet` and `aosp-sim merge-reports` run)
export { runFleet, DEFAULT_CONCURRENCY, MAX_CONCURRENCY, MAX_DEVICES, MAX_LIFE_MS, MAX_RAMP_MS, MAX_SEED } from "./sim/fleet/run-fleet.js";
export { SERVICE_ANSWER_TIMEOUT_MS } from "./sim/service-check.js";
export type { Shard } from "./sim/fleet/plan.js";
export type { FleetOptions, FleetRun, FleetProgress } from "./sim/fleet/run-fleet.js";
export type { FleetSummary, DeviceRecord as FleetDeviceRecord, ThresholdOutcome, DeviceStory, FleetTool } from "./sim/fleet/summary.js";
export type { Percentiles, LatencyStat } from "./sim/fleet/histograms.js";
export type { Phase } from "./sim/fleet/phases.js";
export { parseFaultRate } from "./sim/fleet/fault-rates.js";
export type { FaultRate } from "./sim/fleet/fault-rates.js";
export { parseThreshold, evaluateThresholds, missedAlready } from "./sim/fleet/thresholds.js";
export type { Threshold, ThresholdResult, FleetCount, LatencyMetric, Operator } from "./sim/fleet/thresholds.js";
export { mergeSummaries, missingFromFleet, interruptedShards, differingLoads } from "./sim/fleet/merge.js";
export { fleetJunitXml, mergedJunitXml } from "./sim/fleet/report-junit.js";
export { fleetHtmlReport } from "./sim/fleet/report-html.js";
export { readFleetSummary, fleetSummarySchema, FailedRunReport, EmptyReport, CutOffReport, ShardWithoutSummary } from "./sim/fleet/read-summary.js";
// What the library throws for bad input (a file, a payload, a fault): `where` names it, `hint` says how to fix it.
export { InputError } from "./protocol/errors.js";

// The machine itself
export { deviceMachine, deviceSetup } from "./machine/device-machine.js";
export { wireDevice } from "./device/wiring.js";
export type { WiringOptions, PowerGate, WiredDeviceMachine, HardwareFacts } from "./device/wiring.js";
export type { ComplianceFacts } from "./device/compliance.js";
export { machineDiagram, machineMermaid } from "./machine/diagram.js";
export type { MachineDiagram, DiagramState, DiagramTransition } from "./machine/diagram.js";
export { statePaths, resolveStatePath } from "./machine/state-paths.js";
export type { ResolvedState } from "./machine/state-paths.js";
export { screenFor } from "./machine/failures.js";

// Reports
export type { TimelineEntry } from "./report/timeline.js";
export { formatTimelineEntry, formatElapsed } from "./report/timeline.js";
export type { Styles } from "./cli/output.js";
export { DeviceLog, TimelineRenderer, transcriptLines } from "./report/device-log.js";
export type { DescribeOptions } from "./report/describe.js";
export type { TranscriptRecord, TranscriptSink, TranscriptSecrets, StartRecord, PreinstalledRecord, StateRecord, ScanRecord, EndRecord, EndStop, InterruptSignal, HttpRecord, HttpPurpose } from "./report/transcript.js";
// A transcript's power and note records (the device's own records above have the plain names).
export type { PowerRecord as TranscriptPowerRecord, NoteRecord as TranscriptNoteRecord } from "./report/transcript.js";
export { TranscriptFile, TRANSCRIPT_FORMAT } from "./report/transcript.js";

// The mock enrollment service
export { startMockService, AdminClient, AdminApiError, AdminAnswerError, ADMIN_ANSWER_LIMIT_BYTES, SHUTDOWN_GRACE_MS } from "../mock-service/index.js";
// The `chaos` and `throttle` options as `--chaos` and `--throttle` write them (their errors name the call).
export { parseChaosRule, parseThrottleBudget, ROUTE_FAMILIES } from "../mock-service/index.js";
export type { AdminClientOptions, MockService, MockServiceOptions, ChaosOptions, ChaosRule, RouteFamily, ThrottleBudget, TenantCloud, AnswerInjector, InjectedAnswer } from "../mock-service/index.js";
// What the admin client takes and returns (Graph's shapes).
export type {
  GraphList, GraphUser, NewUserRequest, UserPatchRequest, GraphSubscribedSku, GraphOrganization, GraphDeviceManagement, GraphDeviceManagementSettings, BatchRequest, BatchAnswer, ProfileRequest, ProfilePatch, ProfileInput,
  EnrollmentMode, EnrollmentModeName, GraphWifiSecurityType, GraphProfile, GraphManagedDevice, GraphDetectedApp, GraphRoleScopeTag,
  GroupRequest, GraphGroup, GroupMember, MemberOfGroup, GraphDirectoryDevice, GraphPolicy, PolicyAssignment, AssignResult, AssignmentTarget, GraphPolicyState,
  ScheduledActionsForRule, TermsRequest, GraphTerms, TermsAssignment, GraphAcceptanceStatus, PackageVersion,
  PublishPackageRequest, Signer, Incident,
} from "../mock-service/index.js";

// The QR toolkit and the payload rules (what `decode`, `validate` and `qr` use)
export { readQrImageFile, decodeQrImage, isImageBytes, isFragile } from "./qr/index.js";
export type { DecodeImageResult, DecodedCode, DecoderName, EcLevel, FrameKind, QrMode } from "./qr/index.js";
export { renderQrPng, PayloadTooLargeError } from "./qr/render.js";
export type { RenderOptions, RenderedQr } from "./qr/render.js";
export { checkPayloadText, checkPayloadBytes, buildIntunePayload, RULES } from "./payload/index.js";
export type { Finding, PayloadCheck, RuleSetName, ProvisioningParams, Severity, RuleInfo, DeviceFailureStep } from "./payload/index.js";
export type { BytesCheck, BytesCheckOptions, CheckOptions, IntunePayloadOptions, ProfileWifiSecurity, IntuneConventions } from "./payload/index.js";
export type { AdminComponent, AdminPackageDownload, EapMethod, WifiParams, WifiProxy, WifiSecurityType } from "./payload/index.js";
