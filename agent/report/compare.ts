/**
 * Two enrollment summaries side by side (the `--json` of `aosp-sim enroll`, of `aosp-sim run`'s
 * device, or of `aosp-sim emulator verify`): what differs, and whether it matters.
 *
 * What matters (exit 1 in `aosp-sim compare`): the final state, the failure (its code and the
 * screen the user saw, where both summaries record it), the device owner, the apps (present in
 * one and not the other, or another version), and the order of the major steps both summaries show. What does not: ids, identities, times, wording, and steps only one side can see
 * (an emulator keeps no record of its download or its sign-in).
 */

/**
 * The steps of an enrollment, in flow order: those both a simulated and a real device leave a
 * trace of, and the agent's download and checksum check, which only the simulator records (an
 * emulator's summary has no trace of them, so there they are steps one side shows). They tell
 * where a run stopped: a download refused and a checksum that did not match end in the same state.
 */
export const MAJOR_STEPS = ["connectingWifi", "downloadingAgent", "verifyingAgent", "installingAgent", "settingDeviceOwner", "enrolling", "signingIn", "installingApps", "enrolled"] as const;

export interface EnrollmentSummary {
  finalState: string;
  deviceOwner?: string | null;
  /** versionCode when the summary records it (enroll --json and emulator verify --json do). */
  apps: { package: string; versionName: string; versionCode?: number }[];
  timeline: { state: string }[];
  /** Why the enrollment failed (null: it did not), when the summary records it (enroll --json and run --json do). */
  failure?: SummaryFailure | null;
}

/** A failure as a summary records it: its code, and where recorded the screen and the step. */
export interface SummaryFailure {
  code: string;
  screen?: string;
  step?: string;
}

export interface Difference {
  /** "finalState", "deviceOwner", "apps/<package>", "steps". */
  field: string;
  a: string;
  b: string;
  matters: boolean;
  /** Why it does not matter, when it does not. */
  note?: string;
}

export interface Comparison {
  same: boolean;
  differences: Difference[];
  /** The major steps each side shows, in order. */
  steps: { a: string[]; b: string[] };
}

export function compareSummaries(a: EnrollmentSummary, b: EnrollmentSummary): Comparison {
  const differences: Difference[] = [];
  if (a.finalState !== b.finalState) differences.push({ field: "finalState", a: a.finalState, b: b.finalState, matters: true });
  const ownerA = a.deviceOwner;
  const ownerB = b.deviceOwner;
  if (ownerA === undefined || ownerB === undefined) {
    if (ownerA !== ownerB) {
      differences.push({ field: "deviceOwner", a: show(ownerA), b: show(ownerB), matters: false, note: "one summary does not record the device owner" });
    }
  } else if (ownerA !== ownerB) {
    differences.push({ field: "deviceOwner", a: show(ownerA), b: show(ownerB), matters: true });
  }
  const failure = failureDifference(a.failure, b.failure);
  if (failure !== null) differences.push(failure);
  const appsA = new Map(a.apps.map((app) => [app.package, app]));
  const appsB = new Map(b.apps.map((app) => [app.package, app]));
  for (const name of [...new Set([...appsA.keys(), ...appsB.keys()])].sort()) {
    const va = appsA.get(name);
    const vb = appsB.get(name);
    if (!sameVersion(va, vb)) differences.push({ field: `apps/${name}`, a: versionText(va, vb), b: versionText(vb, va), matters: true });
  }
  const steps = { a: majorSteps(a), b: majorSteps(b) };
  const common = steps.a.filter((s) => steps.b.includes(s));
  const orderA = common.join(" > ");
  const orderB = steps.b.filter((s) => common.includes(s)).join(" > ");
  if (orderA !== orderB) differences.push({ field: "steps", a: orderA, b: orderB, matters: true });
  const onlyA = steps.a.filter((s) => !common.includes(s));
  const onlyB = steps.b.filter((s) => !common.includes(s));
  if (onlyA.length > 0 || onlyB.length > 0) {
    differences.push({ field: "steps seen", a: onlyA.join(", ") || "-", b: onlyB.join(", ") || "-", matters: false, note: "steps only one side shows are not compared" });
  }
  return { same: !differences.some((d) => d.matters), differences, steps };
}

/**
 * Two runs that failed for different reasons (a download refused 404 and a checksum that did not
 * match both end in provisioningFailed): another failure code, or another screen where both
 * record one, matters. A summary that does not record the failure (an emulator's) is noted.
 */
function failureDifference(a: SummaryFailure | null | undefined, b: SummaryFailure | null | undefined): Difference | null {
  if (a === undefined || b === undefined) {
    if ((a ?? null) === (b ?? null)) return null;
    return { field: "failure", a: failureText(a), b: failureText(b), matters: false, note: "one summary does not record the failure" };
  }
  if (a === null || b === null) return a === b ? null : { field: "failure", a: failureText(a), b: failureText(b), matters: true };
  const screens = a.screen !== undefined && b.screen !== undefined && a.screen !== b.screen;
  if (a.code === b.code && !screens) return null;
  return { field: "failure", a: failureText(a, screens), b: failureText(b, screens), matters: true };
}

/** A failure as a difference shows it: its code and step, and its screen where the screens differ. */
function failureText(failure: SummaryFailure | null | undefined, screen = false): string {
  if (failure === undefined) return "(not recorded)";
  if (failure === null) return "none";
  return `${failure.code}${failure.step === undefined ? "" : ` at ${failure.step}`}${screen ? `: "${failure.screen}"` : ""}`;
}

type App = EnrollmentSummary["apps"][number];

/**
 * The same build of an app: the same versionName and, where both summaries record it, the same
 * versionCode (a rebuild can keep its name; Android goes by the code).
 */
function sameVersion(a: App | undefined, b: App | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.versionName !== b.versionName) return false;
  return a.versionCode === undefined || b.versionCode === undefined || a.versionCode === b.versionCode;
}

/** An app's version as the difference shows it: with its versionCode when the names alone look the same. */
function versionText(app: App | undefined, other: App | undefined): string {
  if (app === undefined) return "not installed";
  const codeMatters = other !== undefined && other.versionName === app.versionName && app.versionCode !== undefined;
  return codeMatters ? `${app.versionName} (versionCode ${app.versionCode})` : app.versionName;
}

/** The major steps a timeline passes through, each once, in the order first entered. */
export function majorSteps(summary: EnrollmentSummary): string[] {
  const seen: string[] = [];
  for (const entry of summary.timeline) {
    const top = entry.state.split(".")[0]!;
    if ((MAJOR_STEPS as readonly string[]).includes(top) && !seen.includes(top)) seen.push(top);
  }
  return seen;
}

function show(owner: string | null | undefined): string {
  return owner === undefined ? "(not recorded)" : owner ?? "none";
}
