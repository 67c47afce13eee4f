/**
 * Groups > All groups > New group: a security group with assigned or dynamic device membership;
 * a group's page lists its members, and an assigned group's members are added (users, enrolled
 * devices) and removed there by the GroupService, as members/$ref does.
 * The dynamic query has the simple rule builder (property, operator, value: e.g.
 * enrollmentProfileName Equals "Factory 1 devices") and the rule syntax box; the rule is checked
 * by the service's own parser as it is typed (htmx, GET /groups/rule-check) and on Create, and
 * its errors are shown in place, with line and column.
 * Add members picks a user from a list and devices by ticking them on a page of 50 (Previous,
 * Next, the total), or among the devices of one name (a search through the store's name index):
 * the whole device list was megabytes of HTML at 20,000 devices.
 */
import type { FastifyInstance } from "fastify";
import { DYNAMIC } from "../../services/groups.js";
import { MembershipRuleError, parseMembershipRule } from "../../membership-rule/index.js";
import type { DeviceView } from "../../store/devices.js";
import type { GroupRecord, MemberRecord } from "../../store/groups.js";
import { html, when, type Html } from "../html.js";
import { field, fields, type FormBody } from "../form.js";
import { listPage, PAGE_SIZE, pageRefusal, pager, type ListPage } from "../paging.js";
import { errorSummary, notice, page, postForm, type Crumb } from "../layout.js";
import type { Session } from "../session.js";
import { sendPage, sessionOf, type ConsoleDeps } from "../route-helpers.js";
import { attempt, commandBar, properties, queryText, table, type Column } from "./common.js";

const GROUPS = "/groups";

/** The simple rule builder's choices: device properties an AOSP enrollment sets, and operators. */
const RULE_PROPERTIES = ["enrollmentProfileName", "deviceModel", "deviceManufacturer", "deviceOSType", "deviceOSVersion", "displayName"];
const RULE_OPERATORS = [
  { value: "-eq", label: "Equals" },
  { value: "-ne", label: "Not Equals" },
  { value: "-startsWith", label: "Starts With" },
  { value: "-contains", label: "Contains" },
];

interface GroupDraft {
  displayName: string;
  description: string;
  membershipType: "assigned" | "dynamicDevice";
  property: string;
  operator: string;
  value: string;
  rule: string;
}

/** A double-quoted rule string: a backtick escapes a quote or a backtick inside it. */
function quoted(value: string): string {
  return `"${value.replace(/[`"]/g, (c) => `\`${c}`)}"`;
}

/** The rule the group gets: the rule syntax box when filled, else the simple rule. */
function ruleOf(draft: GroupDraft): string {
  if (draft.rule.trim() !== "") return draft.rule;
  if (draft.value === "") return "";
  return `(device.${draft.property} ${draft.operator} ${quoted(draft.value)})`;
}

/** Which devices the Add members picker shows: the `page` and `name` query parameters of a group's page. */
interface PickerQuery {
  page: string;
  name: string;
}

/** The picker's first page, unsearched. */
const FIRST_PAGE: PickerQuery = { page: "", name: "" };

/** The parser's verdict on a rule, as the fragment shown under the rule box. */
function ruleVerdict(rule: string): Html {
  if (rule.trim() === "") return html`<div id="rule-check" class="hint" role="status">Fill in the simple rule or write the rule syntax.</div>`;
  try {
    parseMembershipRule(rule);
    return html`<div id="rule-check" class="rule-ok" role="status">The rule syntax is valid.</div>`;
  } catch (error) {
    if (!(error instanceof MembershipRuleError)) throw error;
    return html`<div id="rule-check" class="field-error" role="status">Line ${error.line}, column ${error.column}: ${error.message}
<span class="hint">Expected ${error.expected}.</span></div>`;
  }
}

export function groupPages(app: FastifyInstance, { services }: ConsoleDeps): void {
  const { groups, ctx } = services;
  const crumbs = (...more: Crumb[]): Crumb[] => [{ label: "Home", href: "/" }, { label: "Groups", href: GROUPS }, ...more];

  app.get(GROUPS, async (request, reply) =>
    sendPage(
      reply,
      page({
        title: "All groups",
        section: "groups",
        session: sessionOf(request),
        crumbs: crumbs({ label: "All groups" }),
        body: html`<h1>Groups | All groups</h1>
${commandBar("Groups", html`<a class="button primary" href="${GROUPS}/new">New group</a>`)}
${table(
  "All groups",
  [
    { header: "Name", cell: (g: GroupRecord) => html`<a href="${GROUPS}/${g.id}">${g.displayName}</a>` },
    { header: "Group type", cell: (g) => (g.securityEnabled ? "Security" : "Microsoft 365") },
    { header: "Membership type", cell: (g) => (g.groupTypes.includes(DYNAMIC) ? "Dynamic device" : "Assigned") },
    { header: "Members", cell: (g) => ctx.store.groups.members(g.id).length },
    { header: "Created", cell: (g) => when(g.created) },
  ],
  groups.list(),
  "No groups yet. Select New group to make one.",
)}`,
      }),
    ),
  );

  const newGroupForm = (session: Session, draft: GroupDraft, error?: string): string => {
    const rule = ruleOf(draft);
    const isRuleError = error?.startsWith("Invalid membershipRule") ?? false;
    return page({
      title: "New group",
      section: "groups",
      session,
      crumbs: crumbs({ label: "New group" }),
      body: html`<h1>New group</h1>
${errorSummary(error)}
${postForm(
  session,
  `${GROUPS}/new`,
  html`<div class="field"><label for="groupType">Group type</label>
  <select id="groupType" name="groupType"><option value="security" selected>Security</option></select></div>
<div class="field"><label for="displayName">Group name <span class="required" aria-hidden="true">*</span></label>
  <input id="displayName" name="displayName" value="${draft.displayName}" required maxlength="256" placeholder="e.g. Factory 1 devices"></div>
<div class="field"><label for="description">Group description</label>
  <textarea id="description" name="description" rows="2">${draft.description}</textarea></div>
<div class="field"><label for="membershipType">Membership type</label>
  <select id="membershipType" name="membershipType">
    <option value="assigned"${draft.membershipType === "assigned" ? html` selected` : ""}>Assigned</option>
    <option value="dynamicDevice"${draft.membershipType === "dynamicDevice" ? html` selected` : ""}>Dynamic device</option>
  </select></div>
<fieldset class="dynamic-query">
  <legend>Dynamic membership rules</legend>
  <p class="hint">For a Dynamic device group. The rule syntax box, when filled, replaces the simple rule.</p>
  <fieldset class="simple-rule"><legend>Simple rule: add devices where</legend>
    <div class="rule-row">
      <div class="field"><label for="property">Property</label>
        <select id="property" name="property">${RULE_PROPERTIES.map((p) => html`<option${p === draft.property ? html` selected` : ""}>${p}</option>`)}</select></div>
      <div class="field"><label for="operator">Operator</label>
        <select id="operator" name="operator">${RULE_OPERATORS.map(
          (o) => html`<option value="${o.value}"${o.value === draft.operator ? html` selected` : ""}>${o.label}</option>`,
        )}</select></div>
      <div class="field"><label for="value">Value</label>
        <input id="value" name="value" value="${draft.value}" placeholder="the enrollment profile name"></div>
    </div>
  </fieldset>
  <div class="field"><label for="membershipRule">Rule syntax</label>
    <textarea id="membershipRule" name="rule" rows="4" spellcheck="false" class="code" aria-describedby="rule-check"
      hx-get="${GROUPS}/rule-check" hx-trigger="input changed delay:300ms" hx-target="#rule-check" hx-swap="outerHTML"${isRuleError ? html` aria-invalid="true"` : ""}>${draft.rule}</textarea>
    ${ruleVerdict(rule)}
  </div>
</fieldset>
<div class="wizard-buttons"><button type="submit" class="primary">Create</button><a class="button" href="${GROUPS}">Cancel</a></div>`,
  "group-form",
)}`,
    });
  };

  const draftOf = (form: FormBody | undefined): GroupDraft => ({
    displayName: field(form, "displayName"),
    description: field(form, "description"),
    membershipType: field(form, "membershipType") === "assigned" ? "assigned" : "dynamicDevice",
    property: RULE_PROPERTIES.includes(field(form, "property")) ? field(form, "property") : "enrollmentProfileName",
    operator: RULE_OPERATORS.some((o) => o.value === field(form, "operator")) ? field(form, "operator") : "-eq",
    value: field(form, "value"),
    rule: field(form, "rule"),
  });

  app.get(`${GROUPS}/new`, async (request, reply) => sendPage(reply, newGroupForm(sessionOf(request), draftOf(undefined))));

  app.get<{ Querystring: { rule?: string } }>(`${GROUPS}/rule-check`, async (request, reply) =>
    reply.type("text/html; charset=utf-8").send(ruleVerdict(queryText(request.query.rule)).text),
  );

  app.post<{ Body: FormBody }>(`${GROUPS}/new`, async (request, reply) => {
    const session = sessionOf(request);
    const draft = draftOf(request.body);
    const dynamic = draft.membershipType === "dynamicDevice";
    const created = attempt(() =>
      groups.create({
        displayName: draft.displayName,
        description: draft.description || null,
        securityEnabled: true,
        mailEnabled: false,
        groupTypes: dynamic ? [DYNAMIC] : [],
        membershipRule: dynamic ? ruleOf(draft) : null,
      }),
    );
    if (!created.ok) return sendPage(reply, newGroupForm(session, draft, created.message), 400);
    return reply.redirect(`${GROUPS}/${created.value.id}`, 303);
  });

  /**
   * The devices the picker shows: a page of the listed devices, or of those with the name asked
   * for (the store's name index finds a superset, kept to the names equal but for case).
   */
  const pickerDevices = (query: PickerQuery): { at: ListPage; devices: DeviceView[] } => {
    const store = ctx.store.devices;
    if (query.name === "") {
      const at = listPage(query.page, store.countVisible());
      return { at, devices: store.listVisibleAt(at.offset, PAGE_SIZE) };
    }
    const wanted = query.name.toLowerCase();
    const named = store.visibleMatching("deviceName", [wanted]).filter((d) => d.deviceName.toLowerCase() === wanted);
    const at = listPage(query.page, named.length);
    return { at, devices: named.slice(at.offset, at.offset + PAGE_SIZE) };
  };

  /** A group's page address showing the picker's `query` (and `done`'s notice). */
  const groupHref = (group: GroupRecord, query: PickerQuery, done = ""): string => {
    const params = new URLSearchParams();
    if (done) params.set("done", done);
    if (query.name) params.set("name", query.name);
    if (query.page) params.set("page", query.page);
    const search = params.toString();
    return `${GROUPS}/${group.id}${search ? `?${search}` : ""}`;
  };

  /**
   * Add members: a user from the list, and devices ticked on the page of devices shown (members
   * already in the group ticked and disabled), with the device-name search and the pager. Paging
   * keeps the rows on a page where they were: hiding members would shift every later page.
   */
  const picker = (session: Session, group: GroupRecord, memberIds: ReadonlySet<string>, query: PickerQuery): Html => {
    const users = services.users.list().filter((u) => !memberIds.has(u.id));
    const { at, devices } = pickerDevices(query);
    const base = `${GROUPS}/${group.id}`;
    const empty = query.name ? html`<p>No enrolled device is named ${query.name}.</p>` : html`<p>No enrolled devices yet.</p>`;
    return html`<h2>Add members</h2>
<form method="get" action="${base}" class="inline-form" role="search" aria-label="Devices to add">
  <div class="field"><label for="deviceName">Device name</label>
  <input id="deviceName" name="name" type="search" value="${query.name}" aria-describedby="deviceName-hint">
  <p class="hint" id="deviceName-hint">The whole name, in any case.</p></div>
  <button type="submit">Search</button>${query.name ? html`<a class="button" href="${base}">All devices</a>` : ""}
</form>
${pageRefusal(at)}
${postForm(
  session,
  `${base}/members`,
  html`<input type="hidden" name="name" value="${query.name}"><input type="hidden" name="page" value="${at.number > 1 ? String(at.number) : ""}">
<div class="field"><label for="memberId">User</label>
  <select id="memberId" name="memberId"><option value="">None</option>${users.map(
    (u) => html`<option value="${u.id}">${u.displayName} (${u.userPrincipalName})</option>`,
  )}</select></div>
<fieldset class="field"><legend>Devices (${at.total})</legend>
${
  devices.length === 0
    ? empty
    : devices.map((d) =>
        memberIds.has(d.id)
          ? html`<div class="field checkbox"><input type="checkbox" id="device-${d.id}" checked disabled>
<label for="device-${d.id}">${d.deviceName} (already a member)</label></div>`
          : html`<div class="field checkbox"><input type="checkbox" id="device-${d.id}" name="memberId" value="${d.id}">
<label for="device-${d.id}">${d.deviceName}</label></div>`,
      )
}
${pager("Devices to add pages", at, devices.length, (n) => groupHref(group, { name: query.name, page: String(n) }))}
</fieldset>
<button type="submit" class="primary">Add</button>`,
  "member-form",
)}`;
  };

  const groupPage = (session: Session, group: GroupRecord, done: string, query: PickerQuery, error?: string): string => {
    const dynamic = group.groupTypes.includes(DYNAMIC);
    const members = ctx.store.groups.members(group.id);
    const memberIds = new Set(members.map((m) => m.memberId));
    const name = (id: string, type: string) =>
      type === "device" ? (ctx.store.devices.get(id)?.deviceName ?? id) : (ctx.store.users.get(id)?.displayName ?? id);
    const columns: Column<MemberRecord>[] = [
      { header: "Name", cell: (m) => name(m.memberId, m.memberType) },
      { header: "Type", cell: (m) => (m.memberType === "device" ? "Device" : "User") },
    ];
    if (!dynamic) {
      columns.push({
        header: "Action",
        cell: (m) =>
          postForm(
            session,
            `${GROUPS}/${group.id}/members/remove`,
            html`<input type="hidden" name="memberId" value="${m.memberId}"><button type="submit" aria-label="Remove ${name(m.memberId, m.memberType)}">Remove</button>`,
          ),
      });
    }
    return page({
      title: group.displayName,
      section: "groups",
      session,
      crumbs: crumbs({ label: group.displayName }),
      body: html`<h1>${group.displayName}</h1>
${notice({ added: "Member added.", removed: "Member removed." }[done])}
${errorSummary(error)}
${properties([
  ["Group type", group.securityEnabled ? "Security" : "Microsoft 365"],
  ["Membership type", dynamic ? "Dynamic device" : "Assigned"],
  ["Description", group.description ?? "—"],
  ...(dynamic ? ([["Dynamic membership rule", html`<code>${group.membershipRule}</code>`]] as [string, Html][]) : []),
  ["Created", when(group.created)],
])}
${table(
  "Members",
  columns,
  members,
  dynamic ? "No members yet. Devices that match the rule join when they enroll." : "No members yet. Add users or devices with Add members.",
)}
${dynamic ? "" : picker(session, group, memberIds, query)}`,
    });
  };

  const groupOr404 = (session: Session, id: string) => {
    const found = attempt(() => groups.get(id));
    const missing = found.ok
      ? null
      : page({ title: "Group not found", section: "groups", session, crumbs: crumbs(), body: html`<h1>Group not found</h1><p><a href="${GROUPS}">All groups</a></p>` });
    return { group: found.ok ? found.value : null, missing };
  };

  app.get<{ Params: { id: string }; Querystring: { done?: string; page?: string; name?: string } }>(`${GROUPS}/:id`, async (request, reply) => {
    const session = sessionOf(request);
    const { group, missing } = groupOr404(session, request.params.id);
    if (!group) return sendPage(reply, missing!, 404);
    const query = { page: queryText(request.query.page), name: queryText(request.query.name).trim() };
    // Not a page number: 400, as the device list answers it (the page shows page 1 with the warning).
    const refused = listPage(query.page, 0).refused !== undefined;
    return sendPage(reply, groupPage(session, group, queryText(request.query.done), query), refused ? 400 : 200);
  });

  /**
   * Adding members (the user picked and the devices ticked) to, or removing one from, an assigned
   * group; the GroupService's refusal, or a form with nothing picked, is shown on the group's page
   * at the picker's page. Members are added one by one, as members/$ref does: those before a
   * refusal stay added.
   */
  for (const [path, done] of [["members", "added"], ["members/remove", "removed"]] as const) {
    app.post<{ Params: { id: string }; Body: FormBody }>(`${GROUPS}/:id/${path}`, async (request, reply) => {
      const session = sessionOf(request);
      const { group, missing } = groupOr404(session, request.params.id);
      if (!group) return sendPage(reply, missing!, 404);
      const query = done === "added" ? { page: field(request.body, "page"), name: field(request.body, "name") } : FIRST_PAGE;
      const memberIds = done === "added" ? fields(request.body, "memberId").filter((id) => id !== "") : [field(request.body, "memberId")];
      if (memberIds.length === 0) {
        return sendPage(reply, groupPage(session, group, "", query, "Nothing to add: pick a user or tick one or more devices, then select Add."), 400);
      }
      for (const memberId of memberIds) {
        const changed = attempt(() => (done === "added" ? groups.addMember(group.id, memberId) : groups.removeMember(group.id, memberId)));
        if (!changed.ok) return sendPage(reply, groupPage(session, group, "", query, changed.message), 400);
      }
      return reply.redirect(groupHref(group, query, done), 303);
    });
  }
}
