/**
 * Devices > Configuration and Devices > Compliance, the seed's first two next steps: the policy
 * lists, Create policy (Platform Android (AOSP); profile type Device restrictions for a
 * configuration policy) with Basics, the settings of PROVISIONING.md §3 with their ranges,
 * Assignments and, for compliance, the actions for noncompliance; and a policy's page with its
 * settings and its assignments to groups.
 *
 * Both kinds are drawn from the same data the admin API's schemas are built from
 * (domain/aosp-policies.ts), checked with those schemas and worded as the API words a refusal,
 * then created and assigned by the PolicyService. What AOSP cannot enforce is shown as the
 * service's own warnings on the policy's page once it is assigned.
 */
import { Ajv, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import type { FastifyError, FastifyInstance } from "fastify";
import {
  COMPLIANCE_REPORTS_UNAVAILABLE,
  isEnforceablePasswordType,
  type PasswordRequiredType,
} from "../../../agent/protocol/aosp-policy.js";
import { POLICY_TYPES, settingSchema, type PolicyType, type SettingSpec } from "../../domain/aosp-policies.js";
import { validationMessage } from "../../http/errors.js";
import { graphTarget, type AssignmentInput } from "../../services/assignments.js";
import type { PolicyInput } from "../../services/policies.js";
import type { AssignmentRecord } from "../../store/assignments.js";
import type { PolicyKind, PolicyRecord } from "../../store/policies.js";
import { html, when, type Html, type Interpolation } from "../html.js";
import { field, fields, type FormBody } from "../form.js";
import { errorSummary, notice, page, postForm, type Crumb } from "../layout.js";
import type { Session } from "../session.js";
import { sendPage, sessionOf, type ConsoleDeps } from "../route-helpers.js";
import { attempt, commandBar, fieldErrors, inFormWords, properties, queryText, table, type FieldRefusal, type FieldWords } from "./common.js";

/** What differs between the two kinds of policy, in the admin center's words. */
const KINDS = {
  configuration: {
    path: "/devices/configuration",
    blade: "Configuration",
    policyType: "Device restrictions",
    settingsHeading: "Configuration settings",
    notConfigured: "Settings left at Not configured are not changed on the device.",
    empty: "No configuration policies yet. Select Create policy to restrict settings on devices.",
  },
  compliance: {
    path: "/devices/compliance",
    blade: "Compliance",
    policyType: "Compliance policy",
    settingsHeading: "Compliance settings",
    // A compliance policy changes nothing on a device: it evaluates it.
    notConfigured: "Settings left at Not configured are not evaluated.",
    empty: "No compliance policies yet. Select Create policy to make one.",
  },
} as const satisfies Record<PolicyKind, unknown>;

/** The admin center's names of Graph's androidDeviceOwnerRequiredPasswordType values. */
const PASSWORD_TYPE_LABELS: Record<PasswordRequiredType, string> = {
  deviceDefault: "Device default",
  required: "Password required, no restriction",
  numeric: "Numeric",
  numericComplex: "Numeric complex",
  alphabetic: "Alphabetic",
  alphanumeric: "Alphanumeric",
  alphanumericWithSymbols: "Alphanumeric with symbols",
  lowSecurityBiometric: "Weak biometric",
  customPassword: "Custom password",
};

/** Hints for the text settings whose format is not obvious from their label. */
const TEXT_HINTS: Record<string, string> = {
  minAndroidSecurityPatchLevel: "As YYYY-MM-DD, e.g. 2024-06-01.",
  osMinimumVersion: "e.g. 10 or 12.1.",
  osMaximumVersion: "e.g. 14.",
};

/** The compliance rule Graph requires at creation; the console offers its one action (the admin center's default). */
const NONCOMPLIANCE_RULE = "PasswordRequired";
const MAX_NONCOMPLIANCE_DAYS = 365;

/** What the form carries: each setting as typed ("" is Not configured). */
interface PolicyDraft {
  displayName: string;
  description: string;
  settings: Record<string, string>;
  groupIds: string[];
  noncompliantAfterDays: string;
}

/** A setting's category on the form, as the admin center groups them. */
function categoryOf(name: string): string {
  if (name.startsWith("password")) return "Password";
  if (name.startsWith("os") || name === "minAndroidSecurityPatchLevel") return "Device properties";
  return "General";
}

function passwordTypeLabel(type: string): string {
  const label = PASSWORD_TYPE_LABELS[type as PasswordRequiredType] ?? type;
  return isEnforceablePasswordType(type as PasswordRequiredType) ? label : `${label} (cannot be enforced on Android (AOSP))`;
}

/** A stored setting as the page shows it. */
function settingText(name: string, value: boolean | number | string): string {
  if (typeof value === "boolean") return value ? "Yes" : "No";
  if (name === "passwordRequiredType") return passwordTypeLabel(String(value));
  return String(value);
}

/** A form's text as the setting's JSON value: what the admin API would have been sent. */
function settingValue(spec: SettingSpec, text: string): unknown {
  if (spec.type === "boolean") return text === "true" ? true : text === "false" ? false : text;
  if (spec.type === "integer") return /^[+-]?\d+$/.test(text.trim()) ? Number(text.trim()) : text;
  return text;
}

/** The settings' schema as the admin API checks a policy body (built from the same table). */
const validators = new Map<PolicyKind, ValidateFunction>();
function settingsValidator(type: PolicyType): ValidateFunction {
  let validate = validators.get(type.kind);
  if (!validate) {
    const schema = {
      type: "object",
      properties: Object.fromEntries(Object.entries(type.settings).map(([name, spec]) => [name, settingSchema(spec)])),
    };
    // The admin API's ajv options (app.ts): exact types, no coercion, and the formats fastify's
    // compiler adds (a security patch level is a "date": a day the calendar has).
    const ajv = new Ajv({ allowUnionTypes: true, coerceTypes: false, strict: false });
    addFormats.default(ajv); // a CommonJS module: its function is its default export
    validate = ajv.compile(schema);
    validators.set(type.kind, validate);
  }
  return validate;
}

/** The form's words for the properties a refusal may name: each setting's label, and the policy's Name. */
function formWords(type: PolicyType): Record<string, FieldWords> {
  return { displayName: { label: "Name" }, description: { label: "Description" }, ...Object.fromEntries(Object.entries(type.settings).map(([name, spec]) => [name, { label: spec.label }])) };
}

/** What a text or number setting takes, said to the person who typed something else. */
function settingRule(spec: SettingSpec): string | null {
  if (spec.type === "integer") {
    return spec.maximum >= 2_147_483_647 ? `is not a whole number of ${spec.minimum} or more` : `is not a whole number from ${spec.minimum} to ${spec.maximum}`;
  }
  if (spec.type !== "string") return null;
  // The schema's pattern and format are for the API; a person gets the form they describe, with an example.
  if (spec.pattern) return "is not a version: write up to four whole numbers separated by dots, e.g. 10 or 12.1";
  if (spec.format === "date") return "is not a day the calendar has: write it as YYYY-MM-DD, e.g. 2024-06-01";
  return null;
}

/**
 * The admin API's check of these settings (the same schema), refused in the form's words: the
 * setting's label, what was typed and what the setting takes ("Minimum OS version: abc is not a
 * version: ..."), rather than the API's property names, ranges and regular expressions.
 */
function settingsRefusal(type: PolicyType, settings: Record<string, unknown>): FieldRefusal | null {
  const validate = settingsValidator(type);
  if (validate(settings)) return null;
  const error = validate.errors![0]!;
  const name = error.instancePath.replace(/^\//, "");
  const spec = type.settings[name];
  const rule = spec && error.keyword !== "maxLength" ? settingRule(spec) : null;
  if (spec && rule) return { field: name, message: `${spec.label}: ${String(settings[name])} ${rule}.` };
  return inFormWords(validationMessage({ validation: validate.errors, validationContext: "body" } as unknown as FastifyError), formWords(type));
}

/** Whom an assignment reaches, in the admin center's words. */
function targetText(a: AssignmentRecord, groupName: (id: string) => string): string {
  switch (a.targetType) {
    case "groupAssignmentTarget":
      return `Included: ${groupName(a.groupId!)}`;
    case "exclusionGroupAssignmentTarget":
      return `Excluded: ${groupName(a.groupId!)}`;
    case "allDevicesAssignmentTarget":
      return "All devices";
    case "allLicensedUsersAssignmentTarget":
      return "All users";
  }
}

const groupTarget = (groupId: string): AssignmentInput => ({ target: { "@odata.type": "#microsoft.graph.groupAssignmentTarget", groupId } });

export function policyPages(app: FastifyInstance, { services }: ConsoleDeps): void {
  const { policies, groups, ctx } = services;
  const groupName = (id: string) => ctx.store.groups.get(id)?.displayName ?? id;

  /** Included groups as checkboxes; `checked` are ticked. */
  const groupChoices = (checked: readonly string[], legend: string, hint: string): Html => {
    const all = groups.list();
    return html`<fieldset class="field" aria-describedby="groupIds-hint"><legend>${legend}</legend>
<p class="hint" id="groupIds-hint">${hint}</p>
${
  all.length === 0
    ? html`<p>No groups yet. <a href="/groups/new">Make a group</a> first, or assign the policy later from its page.</p>`
    : all.map(
        (g) => html`<div class="field checkbox"><input type="checkbox" id="group-${g.id}" name="groupIds" value="${g.id}"${checked.includes(g.id) ? html` checked` : ""}>
<label for="group-${g.id}">${g.displayName}</label></div>`,
      )
}</fieldset>`;
  };

  for (const kind of ["configuration", "compliance"] as const) {
    const type = POLICY_TYPES[kind];
    const words = KINDS[kind];
    const base = words.path;
    const settingNames = Object.keys(type.settings);
    const crumbs = (...more: Crumb[]): Crumb[] => [{ label: "Home", href: "/" }, { label: "Devices", href: "/devices" }, ...more];
    const listCrumb: Crumb = { label: words.blade, href: base };
    const frame = { section: "devices", subsection: base } as const;

    app.get(base, async (request, reply) =>
      sendPage(
        reply,
        page({
          ...frame,
          title: words.blade,
          session: sessionOf(request),
          crumbs: crumbs({ label: words.blade }),
          body: html`<h1>Devices | ${words.blade}</h1>
${kind === "compliance" ? html`<p class="warning" role="note">${COMPLIANCE_REPORTS_UNAVAILABLE}.</p>` : ""}
${commandBar("Policies", html`<a class="button primary" href="${base}/create">Create policy</a>`)}
${table(
  "Policies",
  [
    { kind: "text", header: "Policy name", cell: (p: PolicyRecord) => html`<a href="${base}/${p.id}">${p.displayName}</a>` },
    { header: "Platform", cell: () => "Android (AOSP)" },
    { header: "Policy type", cell: () => words.policyType },
    { header: "Assigned", cell: (p) => (policies.assignmentsOf(kind, p.id).length > 0 ? "Yes" : "No") },
    { kind: "short", header: "Last modified", cell: (p) => when(p.modified) },
  ],
  policies.list(kind),
  words.empty,
)}`,
        }),
      ),
    );

    const draftOf = (form: FormBody | undefined): PolicyDraft => ({
      displayName: field(form, "displayName"),
      description: field(form, "description"),
      settings: Object.fromEntries(settingNames.map((name) => [name, field(form, name)])),
      groupIds: fields(form, "groupIds"),
      noncompliantAfterDays: field(form, "noncompliantAfterDays") || "0",
    });

    /** One setting's control: Not configured, or a value in the setting's range. */
    const settingControl = (name: string, spec: SettingSpec, value: string, errors: ReturnType<typeof fieldErrors>): Html => {
      const choice = (v: string, label: string) => html`<option value="${v}"${v === value ? html` selected` : ""}>${label}</option>`;
      const options =
        spec.type === "boolean"
          ? [choice("true", "Yes"), choice("false", "No")]
          : spec.type === "string" && spec.enum
            ? spec.enum.map((v) => choice(v, name === "passwordRequiredType" ? passwordTypeLabel(v) : v))
            : null;
      if (options) {
        return html`<div class="field"><label for="${name}">${spec.label}</label>
  <select id="${name}" name="${name}"${errors.attributes(name)}>${choice("", "Not configured")}${options}</select>${errors.note(name)}</div>`;
      }
      const hint =
        spec.type === "integer"
          ? spec.maximum >= 2_147_483_647
            ? `A whole number, ${spec.minimum} or more. Leave empty for Not configured.`
            : `A whole number from ${spec.minimum} to ${spec.maximum}. Leave empty for Not configured.`
          : `${TEXT_HINTS[name] ?? ""} Leave empty for Not configured.`.trim();
      return html`<div class="field"><label for="${name}">${spec.label}</label>
  <input id="${name}" name="${name}" value="${value}"${spec.type === "integer" ? html` inputmode="numeric"` : ""} autocomplete="off"${errors.attributes(name, true)}>
  <p class="hint" id="${name}-hint">${hint}</p>${errors.note(name)}</div>`;
    };

    const createForm = (session: Session, draft: PolicyDraft, refusal?: FieldRefusal): string => {
      const errors = fieldErrors(refusal);
      const categories = [...new Set(settingNames.map(categoryOf))];
      return page({
        ...frame,
        title: "Create policy",
        session,
        crumbs: crumbs(listCrumb, { label: "Create policy" }),
        body: html`<h1>Create policy</h1>
<p class="subtitle">Android (AOSP) · ${words.policyType}</p>
${errorSummary(refusal?.message)}
${postForm(
  session,
  `${base}/create`,
  html`<div class="field"><label for="platform">Platform</label>
  <select id="platform" name="platform"><option value="androidAOSP" selected>Android (AOSP)</option></select></div>
${
  kind === "configuration"
    ? html`<div class="field"><label for="profileType">Profile type</label>
  <select id="profileType" name="profileType"><option value="deviceRestrictions" selected>Device restrictions</option></select></div>`
    : ""
}
<h2>Basics</h2>
<div class="field"><label for="displayName">Name <span class="required" aria-hidden="true">*</span></label>
  <input id="displayName" name="displayName" value="${draft.displayName}" required${errors.attributes("displayName")}${errors.first()}>${errors.note("displayName")}</div>
<div class="field"><label for="description">Description</label>
  <textarea id="description" name="description" rows="2"${errors.attributes("description")}>${draft.description}</textarea>${errors.note("description")}</div>
<h2>${words.settingsHeading}</h2>
<p class="hint">${words.notConfigured}${
    kind === "configuration"
      ? " Password types marked as such cannot be enforced on AOSP devices: devices report them not applicable."
      : ""
  }</p>
${categories.map(
  (category) => html`<fieldset class="settings-group"><legend>${category}</legend>
${settingNames.filter((name) => categoryOf(name) === category).map((name) => settingControl(name, type.settings[name]!, draft.settings[name] ?? "", errors))}
</fieldset>`,
)}
${
  kind === "compliance"
    ? html`<h2>Actions for noncompliance</h2>
<div class="field"><label for="noncompliantAfterDays">Mark device noncompliant: days after noncompliance</label>
  <input id="noncompliantAfterDays" name="noncompliantAfterDays" value="${draft.noncompliantAfterDays}" inputmode="numeric" required${errors.attributes("noncompliantAfterDays", true)}>
  <p class="hint" id="noncompliantAfterDays-hint">0 is immediately; at most ${MAX_NONCOMPLIANCE_DAYS}.</p>${errors.note("noncompliantAfterDays")}</div>`
    : ""
}
<h2>Assignments</h2>
${groupChoices(draft.groupIds, "Included groups", "Devices in these groups, and the devices of users in them, get the policy at their next check-in.")}
<div class="wizard-buttons"><button type="submit" class="primary">Create</button><a class="button" href="${base}">Cancel</a></div>`,
  "policy-form",
)}`,
      });
    };

    app.get(`${base}/create`, async (request, reply) => sendPage(reply, createForm(sessionOf(request), draftOf(undefined))));

    app.post<{ Body: FormBody }>(`${base}/create`, async (request, reply) => {
      const session = sessionOf(request);
      const draft = draftOf(request.body);
      const refuse = (refusal: FieldRefusal) => sendPage(reply, createForm(session, draft, refusal), 400);
      const settings: Record<string, unknown> = {};
      for (const name of settingNames) {
        if (draft.settings[name] !== "") settings[name] = settingValue(type.settings[name]!, draft.settings[name]!);
      }
      const refusal = settingsRefusal(type, settings);
      if (refusal) return refuse(refusal);
      const days = Number(draft.noncompliantAfterDays);
      if (kind === "compliance" && !(/^\d+$/.test(draft.noncompliantAfterDays) && days <= MAX_NONCOMPLIANCE_DAYS)) {
        // In the form's words, as the settings' refusals are: the label, what was typed, what it takes.
        return refuse({ field: "noncompliantAfterDays", message: `Mark device noncompliant: days after noncompliance: ${draft.noncompliantAfterDays} is not a whole number from 0 to ${MAX_NONCOMPLIANCE_DAYS}.` });
      }
      const input: PolicyInput = {
        "@odata.type": type.odataType,
        displayName: draft.displayName,
        description: draft.description || null,
        roleScopeTagIds: ["0"],
        ...settings,
        ...(kind === "compliance"
          ? { scheduledActionsForRule: [{ ruleName: NONCOMPLIANCE_RULE, scheduledActionConfigurations: [{ actionType: "block", gracePeriodHours: days * 24 }] }] }
          : {}),
      };
      // Created and assigned together: a refused assignment leaves no policy behind.
      const created = attempt(() =>
        ctx.store.transaction(() => {
          const policy = policies.create(kind, input);
          if (draft.groupIds.length > 0) policies.assign(kind, policy.id, draft.groupIds.map(groupTarget));
          return policy;
        }),
      );
      if (!created.ok) return refuse(inFormWords(created.message, formWords(type)));
      return reply.redirect(`${base}/${created.value.id}?done=created`, 303);
    });

    const notFound = (session: Session) =>
      page({
        ...frame,
        title: "Policy not found",
        session,
        crumbs: crumbs(listCrumb),
        body: html`<h1>Policy not found</h1><p>There is no such policy; it may have been deleted. <a href="${base}">Back to the policies</a>.</p>`,
      });

    const DONE: Record<string, string> = {
      created: "Policy created. Devices it is assigned to get it at their next check-in.",
      assigned: "Assignments saved. Devices get the change at their next check-in.",
    };

    const policyPage = (session: Session, policy: PolicyRecord, done: string, error?: string): string => {
      const assignments = policies.assignmentsOf(kind, policy.id);
      const included = assignments.filter((a) => a.targetType === "groupAssignmentTarget").map((a) => a.groupId!);
      const warnings = policies.warningsFor(policy);
      const configured = settingNames.filter((name) => policy.settings[name] !== undefined);
      const actions = (policy.scheduledActions ?? []) as { scheduledActionConfigurations?: { actionType: string; gracePeriodHours?: number }[] }[];
      return page({
        ...frame,
        title: policy.displayName,
        session,
        crumbs: crumbs(listCrumb, { label: policy.displayName }),
        body: html`<h1>${policy.displayName}</h1>
<p class="subtitle">Android (AOSP) · ${words.policyType}</p>
${notice(DONE[done])}
${errorSummary(error)}
${warnings.map((w) => html`<p class="warning" role="status">${w}.</p>`)}
<h2>Basics</h2>
${properties([
  ["Name", policy.displayName],
  ["Description", policy.description || "—"],
  ["Platform", "Android (AOSP)"],
  ["Policy type", words.policyType],
  ["Version", policy.version],
  ["Created", when(policy.created)],
  ["Last modified", when(policy.modified)],
])}
<h2>${words.settingsHeading}</h2>
${
  configured.length === 0
    ? html`<p>No settings configured.</p>`
    : properties(configured.map((name): [string, Interpolation] => [type.settings[name]!.label, settingText(name, policy.settings[name]!)]))
}
${
  kind === "compliance"
    ? html`<h2>Actions for noncompliance</h2>${table(
        "Actions for noncompliance",
        [
          { header: "Action", cell: (c: { actionType: string; gracePeriodHours?: number }) => (c.actionType === "block" ? "Mark device noncompliant" : c.actionType) },
          { header: "Schedule (days after noncompliance)", cell: (c) => ((c.gracePeriodHours ?? 0) === 0 ? "Immediately" : (c.gracePeriodHours ?? 0) / 24) },
        ],
        actions.flatMap((a) => a.scheduledActionConfigurations ?? []),
        "No actions.",
      )}`
    : ""
}
<h2>Assignments</h2>
${table("Assignments", [{ header: "Assigned to", cell: (a: AssignmentRecord) => targetText(a, groupName) }], assignments, "Not assigned: no device gets this policy.")}
${postForm(
  session,
  `${base}/${policy.id}/assignments`,
  html`${groupChoices(included, "Included groups", "Devices in these groups, and the devices of users in them, get the policy. Save replaces the included groups.")}
<button type="submit" class="primary">Save assignments</button>`,
)}`,
      });
    };

    app.get<{ Params: { id: string }; Querystring: { done?: string } }>(`${base}/:id`, async (request, reply) => {
      const session = sessionOf(request);
      const found = attempt(() => policies.get(kind, request.params.id));
      if (!found.ok) return sendPage(reply, notFound(session), 404);
      return sendPage(reply, policyPage(session, found.value, queryText(request.query.done)));
    });

    app.post<{ Params: { id: string }; Body: FormBody }>(`${base}/:id/assignments`, async (request, reply) => {
      const session = sessionOf(request);
      const found = attempt(() => policies.get(kind, request.params.id));
      if (!found.ok) return sendPage(reply, notFound(session), 404);
      const policy = found.value;
      // The form shows included groups only; other targets (all devices, exclusions set through the API) are kept.
      const kept = policies
        .assignmentsOf(kind, policy.id)
        .filter((a) => a.targetType !== "groupAssignmentTarget")
        .map((a) => ({ target: graphTarget(a) }) as AssignmentInput);
      const saved = attempt(() => policies.assign(kind, policy.id, [...kept, ...fields(request.body, "groupIds").map(groupTarget)]));
      if (!saved.ok) return sendPage(reply, policyPage(session, policy, "", saved.message), 400);
      return reply.redirect(`${base}/${policy.id}?done=assigned`, 303);
    });
  }
}
