/**
 * Devices: the device list, 50 a page (Pending while a wipe waits for the factory reset, gone after it;
 * gone at once after a delete), a device's page with Wipe and Delete (one device at a time),
 * Discovered apps with their Application Version, the device's recent check-ins and actions, and
 * the configuration and compliance policies assigned to it with the states it reported, and its
 * compliance verdict (AOSP has no compliance reports, but devices are still marked).
 * The list and the device page refresh themselves when the service sees device traffic
 * (server-sent events, see activity.ts).
 */
import type { FastifyInstance } from "fastify";
import { complianceStateOf, policyStateOf, POLICY_TYPES } from "../../domain/aosp-policies.js";
import { isManagedPackage, PACKAGE_LABELS } from "../../packages/catalog.js";
import type { PolicyStateView } from "../../services/policies.js";
import type { ActionStatus, ActionType, DeviceView } from "../../store/devices.js";
import { SIGN_IN } from "../activity.js";
import { html, when, type Html } from "../html.js";
import { confirmation, notice, page, type Crumb } from "../layout.js";
import type { Session } from "../session.js";
import { sendPage, sessionOf, type ConsoleDeps } from "../route-helpers.js";
import { listPage, PAGE_SIZE, pageRefusal, pager } from "../paging.js";
import { attempt, commandBar, properties, queryText, table, type Column } from "./common.js";

const DEVICES = "/devices";

const managementStateLabel = (device: DeviceView): string =>
  device.managementState === "wipePending" ? "Pending (wipe)" : "Managed";

export const deviceColumns: Column<DeviceView>[] = [
  { kind: "text", header: "Device name", cell: (d) => html`<a href="${DEVICES}/${d.id}">${d.deviceName}</a>` },
  { header: "Management state", cell: (d) => html`<span class="state ${d.managementState}">${managementStateLabel(d)}</span>` },
  { header: "OS", cell: () => "Android (AOSP)" },
  { header: "OS version", cell: (d) => d.osVersion },
  { header: "Serial number", cell: (d) => d.serialNumber },
  { kind: "text", header: "Primary user UPN", cell: (d) => d.userPrincipalName ?? "—" },
  { kind: "text", header: "Enrollment profile", cell: (d) => d.enrollmentProfileName },
  { kind: "short", header: "Last check-in", cell: (d) => when(d.lastSync) },
];

const ACTIONS = {
  wipe: {
    label: "Wipe",
    question: "Are you sure you want to wipe",
    detail: "The device returns to its factory settings. It stays in the list as Pending until the reset completes, then Intune removes it.",
    done: "Wipe requested: the device shows Pending until it confirms its factory reset at its next check-in.",
  },
  delete: {
    label: "Delete",
    question: "Are you sure you want to delete",
    detail: "The device leaves the device list at once, with no pending status; it resets at its next check-in.",
    done: "Device deleted: it resets the next time it checks in.",
  },
} as const;
type ActionName = keyof typeof ACTIONS;

/** The admin center's name of each action a device's list of actions may hold (Restart is Graph's rebootNow). */
const ACTION_LABELS: Record<ActionType, string> = { wipe: "Wipe", delete: "Delete", rebootNow: "Restart", resetPasscode: "Reset passcode", remoteLock: "Remote lock" };

/** The admin center's words for an action's state (Graph's actionState: pending, active, done, failed). */
const ACTION_STATUS_LABELS: Record<ActionStatus, string> = { pending: "Pending", started: "Active", completed: "Done", failed: "Failed", canceled: "Canceled" };

/** The admin center's words for a policy's (or a setting's) state on a device. */
const STATE_LABELS: Record<string, string> = {
  compliant: "Succeeded",
  nonCompliant: "Not compliant",
  conflict: "Conflict",
  notApplicable: "Not applicable",
  error: "Error",
  unknown: "Unknown",
};

/** A compliance policy's words where they differ (a met setting is compliant, not "succeeded"). */
const COMPLIANCE_LABELS: Record<string, string> = { ...STATE_LABELS, compliant: "Compliant" };

/** The admin center's words for a device's compliance (Graph's complianceState). */
const COMPLIANCE_STATE_LABELS: Record<string, string> = {
  unknown: "Not evaluated",
  compliant: "Compliant",
  noncompliant: "Not compliant",
  inGracePeriod: "In grace period",
};

/** A policy's state on the device: pending until the device reports its current version. */
function policyStateText({ policy, state }: PolicyStateView): string {
  if (state === undefined) return "Pending: the device gets it at its next check-in";
  const labels = policy.kind === "compliance" ? COMPLIANCE_LABELS : STATE_LABELS;
  const overall = labels[policy.kind === "compliance" && state.settings.length === 0 ? "compliant" : policyStateOf(state.settings)]!;
  return state.version < policy.version ? `${overall} (version ${state.version}; version ${policy.version} applies at the next check-in)` : overall;
}

/** Each setting the device reported: its state, what the device now has, and why it was not applied or not met. */
function settingStates({ policy, state }: PolicyStateView): Html | string {
  if (!state || state.settings.length === 0) return "—";
  const labels = policy.kind === "compliance" ? COMPLIANCE_LABELS : STATE_LABELS;
  return html`<ul class="setting-states">${state.settings.map(
    (s) =>
      html`<li>${POLICY_TYPES[policy.kind].settings[s.setting]?.label ?? s.setting}: ${labels[s.state] ?? s.state}${s.currentValue ? ` (${s.currentValue})` : ""}${s.reason ? html`<span class="hint">${s.reason}</span>` : ""}</li>`,
  )}</ul>`;
}

/**
 * A part of a page that follows the service's device events (GET /events): on each event it
 * re-fetches its content from `source`. The element stays and only its content is replaced, so
 * an event that arrives while the previous re-fetch is on its way queues one more re-fetch on it
 * (hx-sync "queue last"). Replacing the element itself (outerHTML) lost that event: the queued
 * re-fetch belonged to the element just removed and htmx drops requests of removed elements, so
 * the page kept the first answer (a wiped device stayed "Pending" in an open list).
 */
/**
 * The region's first child, empty while the live channel works, says when it fails (the service
 * not answering, or the session gone after a restart) so stale data is not taken for current:
 * console.js fills it. It is in the page from the start, as a status region must be for screen
 * readers to announce what is put in it.
 */
const liveRegion = (id: string, source: string, content: Html): Html =>
  html`<div hx-ext="sse" sse-connect="/events"><p class="warning live-status" role="status"></p><div id="${id}" hx-get="${source}" hx-trigger="sse:devices" hx-swap="innerHTML" hx-sync="this:queue last">${content}</div></div>`;

export function devicePages(app: FastifyInstance, { services, activity }: ConsoleDeps): void {
  const { devices, policies, ctx } = services;
  const crumbs = (...more: Crumb[]): Crumb[] => [{ label: "Home", href: "/" }, { label: "Devices", href: DEVICES }, ...more];

  /**
   * One page of the device list, with its pager. Only that page's devices are read and rendered,
   * so a live refresh costs the same whatever the tenant's size.
   */
  const deviceTableContent = (asked: string): { content: Html; refused: boolean } => {
    const at = listPage(asked, ctx.store.devices.countVisible());
    const listed = ctx.store.devices.listVisibleAt(at.offset, PAGE_SIZE);
    const content = html`${pageRefusal(at)}${table(
      `All devices (${at.total})`,
      deviceColumns,
      listed,
      "No devices yet. Enroll one with the QR code of an enrollment profile's Token.",
    )}${pager("All devices pages", at, listed.length, (n) => `${DEVICES}?page=${n}`)}`;
    return { content, refused: at.refused !== undefined };
  };

  app.get<{ Querystring: { done?: string; page?: string } }>(DEVICES, async (request, reply) => {
    const asked = queryText(request.query.page);
    const { content, refused } = deviceTableContent(asked);
    // The live region re-fetches the page shown, so a refresh keeps the admin on it.
    const source = asked === "" || refused ? `${DEVICES}/table` : `${DEVICES}/table?page=${encodeURIComponent(asked)}`;
    return sendPage(
      reply,
      page({
        title: "All devices",
        section: "devices",
        session: sessionOf(request),
        crumbs: crumbs({ label: "All devices" }),
        body: html`<h1>Devices | All devices</h1>
<nav class="tabs" aria-label="Devices"><ul>
  <li><a href="${DEVICES}" aria-current="page">All devices</a></li>
  <li><a href="/devices/enrollment">Enrollment</a></li>
</ul></nav>
${notice(queryText(request.query.done) === "delete" ? ACTIONS.delete.done : undefined)}
<p class="hint">The list updates by itself as devices enroll, check in and are wiped.</p>
${liveRegion("device-table", source, content)}`,
      }),
      refused ? 400 : 200,
    );
  });

  app.get<{ Querystring: { page?: string } }>(`${DEVICES}/table`, async (request, reply) => {
    const { content, refused } = deviceTableContent(queryText(request.query.page));
    return reply.code(refused ? 400 : 200).type("text/html; charset=utf-8").send(content.text);
  });

  /** The parts of a device's page that change as it checks in (re-fetched on each event). */
  const live = (id: string): Html => {
    const found = attempt(() => devices.visible(id));
    if (!found.ok) {
      return html`<p class="warning" role="status">This device is no longer in the device list: its wipe completed, or it was deleted.</p>${actionResults(id)}${recent(id)}`;
    }
    const device = found.value;
    const open = ctx.store.devices.openActionsOf(id);
    return html`${properties([
  ["Management state", html`<span class="state ${device.managementState}">${managementStateLabel(device)}</span>`],
  ["Last check-in", when(device.lastSync)],
  ["Intune app version", device.agentVersion],
])}
<h2>Device actions status</h2>
${table(
  "Pending device actions",
  [
    { header: "Action", cell: (a) => ACTION_LABELS[a.type] },
    { header: "Status", cell: (a) => ACTION_STATUS_LABELS[a.status] },
    { kind: "short", header: "Requested", cell: (a) => when(a.requested) },
  ],
  open,
  "No pending actions.",
)}
<h2>Device configuration</h2>
${table(
  "Configuration policies assigned to this device",
  [
    { header: "Policy", cell: (v: PolicyStateView) => html`<a href="/devices/configuration/${v.policy.id}">${v.policy.displayName}</a>` },
    { header: "State", cell: policyStateText },
    { header: "Settings", cell: settingStates },
  ],
  policies.statesOf("configuration", device),
  "No configuration policies are assigned to this device.",
)}
<h2>Device compliance</h2>
${properties([["Compliance", COMPLIANCE_STATE_LABELS[complianceStateOf(device, ctx.store.tenant.complianceSettings(), ctx.now())] ?? "Not evaluated"]])}
${table(
  "Compliance policies assigned to this device",
  [
    { header: "Policy", cell: (v: PolicyStateView) => html`<a href="/devices/compliance/${v.policy.id}">${v.policy.displayName}</a>` },
    { header: "State", cell: policyStateText },
    { header: "Settings", cell: settingStates },
  ],
  policies.statesOf("compliance", device),
  "No compliance policies are assigned to this device.",
)}
${recent(id)}`;
  };

  /**
   * Every action asked of a device that left the list, with how it ended (a wipe Done once the
   * device confirmed its reset; a delete Pending until the device's next check-in, then Done). Graph
   * no longer serves such a device, so this is where the admin reads the outcome; nothing for an
   * id the service never knew.
   */
  const actionResults = (id: string): Html => {
    const actions = ctx.store.devices.actionsOf(id);
    if (actions.length === 0) return html``;
    return html`<h2>Device actions status</h2>${table(
      "Device actions",
      [
        { header: "Action", cell: (a) => ACTION_LABELS[a.type] },
        { header: "Status", cell: (a) => ACTION_STATUS_LABELS[a.status] },
        { kind: "short", header: "Requested", cell: (a) => when(a.requested) },
        { kind: "short", header: "Last updated", cell: (a) => when(a.updated) },
      ],
      actions,
      "",
    )}`;
  };

  /**
   * The device's primary user; when it has none, and the last sign-in on it was refused (a user
   * without a licence that includes Intune: userNotLicensed), why, and what to do. Such a device
   * enrolled with the profile's token, so it is listed (Graph's managementState is managed: it
   * has no state for a device waiting for its user), but no user is associated with it yet.
   */
  const primaryUser = (device: DeviceView): Html | string => {
    if (device.userPrincipalName) return device.userPrincipalName;
    const signIn = activity.of(device.id).find((e) => e.what === SIGN_IN);
    if (!signIn || signIn.status < 400) return "None";
    const fix = signIn.code === "userNotLicensed" ? html` Assign the user a licence that includes Intune in <a href="/users">Users</a>, then sign in again on the device.` : "";
    return html`None: the last sign-in on the device was refused (${signIn.code ?? `HTTP ${signIn.status}`}).${fix}`;
  };

  const recent = (id: string): Html =>
    html`<h2>Recent check-ins and actions</h2>${table(
      "Recent check-ins and actions, newest first (since the service started)",
      [
        { kind: "short", header: "Time", cell: (e) => when(e.at) },
        { header: "Event", cell: (e) => e.what },
        { header: "Result", cell: (e) => (e.status < 400 ? "OK" : e.code ? `Refused: ${e.code} (HTTP ${e.status})` : `Refused (HTTP ${e.status})`) },
      ],
      activity.of(id),
      "Nothing seen yet since the service started.",
    )}`;

  const deviceNav = (id: string, current: "overview" | "apps"): Html =>
    html`<nav class="tabs" aria-label="Device"><ul>
  <li><a href="${DEVICES}/${id}"${current === "overview" ? html` aria-current="page"` : ""}>Overview</a></li>
  <li><a href="${DEVICES}/${id}/discovered-apps"${current === "apps" ? html` aria-current="page"` : ""}>Discovered apps</a></li>
</ul></nav>`;

  const gone = (session: Session, id: string): string =>
    page({
      title: "Device not found",
      section: "devices",
      session,
      crumbs: crumbs({ label: "Device" }),
      body: html`<h1>Device not found</h1><p>This device is not in the device list: its wipe completed, or it was deleted.</p>${actionResults(id)}${recent(id)}<p><a href="${DEVICES}">All devices</a></p>`,
    });

  /** Registers a page of one listed device; a device no longer listed gets the "not found" page. */
  const devicePage = (path: string, render: (device: DeviceView, session: Session, query: Record<string, unknown>) => string) =>
    app.get<{ Params: { id: string }; Querystring: Record<string, unknown> }>(`${DEVICES}/:id${path}`, async (request, reply) => {
      const session = sessionOf(request);
      const found = attempt(() => devices.visible(request.params.id));
      if (!found.ok) return sendPage(reply, gone(session, request.params.id), 404);
      return sendPage(reply, render(found.value, session, request.query));
    });

  devicePage("", (device, session, query) =>
    page({
      title: device.deviceName,
      section: "devices",
      session,
      crumbs: crumbs({ label: device.deviceName }),
      body: html`<h1>${device.deviceName}</h1>
${deviceNav(device.id, "overview")}
${notice(queryText(query.done) === "wipe" ? ACTIONS.wipe.done : undefined)}
${commandBar(
  "Device actions",
  html`${device.managementState === "wipePending" ? "" : html`<a class="button" href="${DEVICES}/${device.id}/wipe">Wipe</a>`}<a class="button" href="${DEVICES}/${device.id}/delete">Delete</a>`,
)}
<h2>Essentials</h2>
${properties([
  ["Device name", device.deviceName],
  ["Primary user", primaryUser(device)],
  ["Ownership", "Corporate"],
  ["Operating system", "Android (AOSP)"],
  ["OS version", device.osVersion],
  ["Model", device.model],
  ["Manufacturer", device.manufacturer],
  ["Serial number", device.serialNumber],
  ["Enrollment profile", device.enrollmentProfileName],
  ["Enrolled", when(device.enrolled)],
])}
${liveRegion("device-live", `${DEVICES}/${device.id}/live`, live(device.id))}`,
    }),
  );

  app.get<{ Params: { id: string } }>(`${DEVICES}/:id/live`, async (request, reply) =>
    reply.type("text/html; charset=utf-8").send(live(request.params.id).text),
  );

  devicePage("/discovered-apps", (device, session) =>
    page({
      title: `Discovered apps - ${device.deviceName}`,
      section: "devices",
      session,
      crumbs: crumbs({ label: device.deviceName, href: `${DEVICES}/${device.id}` }, { label: "Discovered apps" }),
      body: html`<h1>${device.deviceName} | Discovered apps</h1>
${deviceNav(device.id, "apps")}
${table(
  "Apps the device reported at its last check-in",
  [
    { header: "Application name", cell: (a) => (isManagedPackage(a.packageName) ? PACKAGE_LABELS[a.packageName] : a.packageName) },
    { header: "Package", cell: (a) => a.packageName },
    { header: "Application Version", cell: (a) => a.versionName },
  ],
  ctx.store.devices.apps(device.id),
  "The device has reported no apps yet.",
)}`,
    }),
  );

  /**
   * Wipe on a device whose wipe is pending, by a link or a confirmation kept from before: the
   * wipe is already on its way (a second one would only be logged again as new), so the page
   * says what happens next instead of asking.
   */
  const wipeAlreadyPending = (device: DeviceView): Html => html`<h1>Wipe</h1>
<p class="warning" role="status">A wipe of ${device.deviceName} is already pending: the device resets to its factory settings at its next check-in, then leaves the device list. Delete removes it from the list at once.</p>
<p><a href="${DEVICES}/${device.id}">Back to the device</a></p>`;

  for (const name of Object.keys(ACTIONS) as ActionName[]) {
    const action = ACTIONS[name];
    devicePage(`/${name}`, (device, session) =>
      page({
        title: `${action.label} - ${device.deviceName}`,
        section: "devices",
        session,
        crumbs: crumbs({ label: device.deviceName, href: `${DEVICES}/${device.id}` }, { label: action.label }),
        body: name === "wipe" && device.managementState === "wipePending" ? wipeAlreadyPending(device) : html`<h1>${action.label}</h1>
${confirmation(session, `${action.question} ${device.deviceName}?`, action.detail, `${DEVICES}/${device.id}/${name}`, `${DEVICES}/${device.id}`)}`,
      }),
    );

    app.post<{ Params: { id: string } }>(`${DEVICES}/:id/${name}`, async (request, reply) => {
      const session = sessionOf(request);
      const id = request.params.id;
      const listed = attempt(() => devices.visible(id));
      if (name === "wipe" && listed.ok && listed.value.managementState === "wipePending") {
        return sendPage(reply, page({ title: `${action.label} - ${listed.value.deviceName}`, section: "devices", session, crumbs: crumbs({ label: listed.value.deviceName, href: `${DEVICES}/${id}` }, { label: action.label }), body: wipeAlreadyPending(listed.value) }), 409);
      }
      const result = attempt(() => (name === "wipe" ? devices.wipe(id) : devices.delete(id)));
      if (!result.ok) return sendPage(reply, gone(session, id), 404);
      activity.record(id, `${action.label} requested`, 204);
      return reply.redirect(name === "wipe" ? `${DEVICES}/${id}?done=wipe` : `${DEVICES}?done=delete`, 303);
    });
  }
}
