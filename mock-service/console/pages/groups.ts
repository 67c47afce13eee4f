/**
 * Groups > All groups > New group: a security group with assigned or dynamic device membership;
 * a group's page lists its members, and an assigned group's members are added (users, enrolled
 * devices) and removed there by the GroupService, as members/$ref does.
 * As the seed's steps go, New group's *Add dynamic query* opens the Dynamic membership rules page:
 * the simple rule (Add devices where property, operator, value: e.g. enrollmentProfileName Equals
 * "Factory 1 devices") and the rule syntax box, checked by the service's own parser as they are
 * typed (htmx, GET /groups/rule-check) and at *Add query*, which takes the rule back to New group
 * for *Create*; errors are shown in place, with line and column.
 * A group's members are listed 50 a page, as the device list is. Add members ticks users and
 * devices on pages of 50 (Previous, Next, the total), each list narrowed to the start of a name
 * through the store's index on it; ticks travel with the form from page to page until Add. The
 * whole member or device list was megabytes of HTML at 20,000 devices.
 */
import type { FastifyInstance } from "fastify";
import { DYNAMIC } from "../../services/groups.js";
import { MembershipRuleError, parseMembershipRule } from "../../membership-rule/index.js";
import type { NamedMember, StartingWith } from "../../store/console-lists.js";
import type { GroupRecord, MemberType } from "../../store/groups.js";
import { html, when, type Html, type Interpolation } from "../html.js";
import { field, fields, type FormBody } from "../form.js";
import { formPager, listPage, PAGE_SIZE, pageRefusal, pager, type ListPage } from "../paging.js";
import { errorSummary, notice, page, postForm, type Crumb } from "../layout.js";
import type { Session } from "../session.js";
import { sendPage, sessionOf, type ConsoleDeps } from "../route-helpers.js";
import { attempt, commandBar, fieldErrors, inFormWords, properties, queryList, queryText, table, type Column, type FieldRefusal, type FieldWords } from "./common.js";

const GROUPS = "/groups";
const MEMBER_TYPE_NAMES: Readonly<Record<MemberType, string>> = { user: "User", device: "Device", group: "Group" };

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

/**
 * Where New group puts the keyboard focus as it opens: Group name (the first box), Create (after
 * Add query, the seed's "Add query > Create"), or Add/Edit dynamic query (back from Discard).
 */
type NewGroupFocus = "name" | "create" | "query";

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

/**
 * What a group's page shows, from its query (or the picker's form): the members table's page,
 * the picker's user and device searches (the start of a name) and pages, and the ids ticked so far.
 */
interface GroupView {
  memberPage: string;
  user: string;
  userPage: string;
  name: string;
  page: string;
  picked: string[];
}

/** A group's page as a link without a query shows it. */
const FIRST_VIEW: GroupView = { memberPage: "", user: "", userPage: "", name: "", page: "", picked: [] };

/**
 * The most ticks a page carries to the next: they travel in its address, and Node refuses a
 * request whose headers pass 16 KiB (a tick is some 45 characters of the address).
 */
const MAX_CARRIED = 200;

/** The query parameters of a group's page, in the order its addresses write them. */
const VIEW_PARAMS = ["memberPage", "user", "userPage", "name", "page"] as const;

/** The New group form's labels of the properties the GroupService's refusals name. */
const FORM_WORDS: Record<string, FieldWords> = { displayName: { label: "Group name" }, description: { label: "Group description" } };

/** The parser's verdict on a rule (the simple rule's, or the syntax box's), as the fragment shown under the rule box. */
function ruleVerdict(rule: string): Html {
  if (rule.trim() === "") return html`<div id="rule-check" class="hint" role="status">Fill in the simple rule or write the rule syntax.</div>`;
  try {
    parseMembershipRule(rule);
    return html`<div id="rule-check" class="rule-ok" role="status">The rule is valid: <code class="rule">${rule}</code></div>`;
  } catch (error) {
    if (!(error instanceof MembershipRuleError)) throw error;
    return html`<div id="rule-check" class="field-error" role="status">Line ${error.line}, column ${error.column}: ${error.message}
<span class="hint">Expected ${error.expected}.</span></div>`;
  }
}

/**
 * Enter in a box submits a form with its first submit button, which on New group would be *Add
 * dynamic query* (even hidden, for an Assigned group), not *Create*. This copy of Create comes
 * first, out of sight and out of the tab order (the visible Create is the one to tab to).
 */
const DEFAULT_CREATE = html`<button type="submit" name="go" value="create" class="default-action" tabindex="-1" aria-hidden="true">Create</button>`;

/** The query's fields as hidden inputs, named with `prefix` (the rules page keeps the query it had as `saved-`). */
function queryFields(prefix: string, draft: GroupDraft): Html {
  return html`${(["property", "operator", "value", "rule"] as const).map((name) => html`<input type="hidden" name="${prefix}${name}" value="${draft[name]}">`)}`;
}

/** The group's basics as hidden inputs, for the rules page to carry back to New group. */
function groupFields(draft: GroupDraft): Html {
  return html`${(["displayName", "description", "membershipType"] as const).map((name) => html`<input type="hidden" name="${name}" value="${draft[name]}">`)}`;
}

export function groupPages(app: FastifyInstance, { services }: ConsoleDeps): void {
  const { groups, ctx } = services;
  const crumbs = (...more: Crumb[]): Crumb[] => [{ label: "Home", href: "/" }, { label: "Groups", href: GROUPS }, ...more];

  app.get(GROUPS, async (request, reply) => {
    const listed = groups.list();
    return sendPage(
      reply,
      page({
        title: "All groups",
        section: "groups",
        session: sessionOf(request),
        crumbs: crumbs({ label: "All groups" }),
        body: html`<h1>Groups | All groups</h1>
${commandBar("Groups", html`<a class="button primary" href="${GROUPS}/new">New group</a>`)}
${table(
  // Counted, as All devices (n) and All users (n) are.
  `All groups (${listed.length})`,
  [
    { kind: "text", header: "Name", cell: (g: GroupRecord) => html`<a href="${GROUPS}/${g.id}">${g.displayName}</a>` },
    { header: "Group type", cell: (g) => (g.securityEnabled ? "Security" : "Microsoft 365") },
    { header: "Membership type", cell: (g) => (g.groupTypes.includes(DYNAMIC) ? "Dynamic device" : "Assigned") },
    { header: "Members", cell: (g) => ctx.store.groups.countMembers(g.id) },
    { kind: "short", header: "Created", cell: (g) => when(g.created) },
  ],
  listed,
  "No groups yet. Select New group to make one.",
)}`,
      }),
    );
  });

  const newGroupCrumb: Crumb = { label: "New group", href: `${GROUPS}/new` };

  /**
   * The New group blade (the seed's "Create a device group", steps 1 to 3 and 5): the group's
   * basics, and its dynamic query as added on the Dynamic membership rules page (carried in
   * hidden fields), with *Add dynamic query* (or *Edit dynamic query*) to open that page.
   */
  const newGroupForm = (session: Session, draft: GroupDraft, refusal?: FieldRefusal, focus: NewGroupFocus = "name"): string => {
    const rule = ruleOf(draft);
    const errors = fieldErrors(refusal);
    // A refused form opens on its error summary (which has its own autofocus); else on `focus`.
    const autofocus = (at: NewGroupFocus): Interpolation => (refusal === undefined && focus === at ? html` autofocus` : "");
    return page({
      title: "New group",
      section: "groups",
      session,
      crumbs: crumbs({ label: "New group" }),
      body: html`<h1>New group</h1>
${errorSummary(refusal?.message)}
${postForm(
  session,
  `${GROUPS}/new`,
  html`${DEFAULT_CREATE}<div class="field"><label for="groupType">Group type</label>
  <select id="groupType" name="groupType"><option value="security" selected>Security</option></select></div>
<div class="field"><label for="displayName">Group name <span class="required" aria-hidden="true">*</span></label>
  <input id="displayName" name="displayName" value="${draft.displayName}" required placeholder="e.g. Factory 1 devices"${errors.attributes("displayName")}${autofocus("name")}>${errors.note("displayName")}</div>
<div class="field"><label for="description">Group description</label>
  <textarea id="description" name="description" rows="2"${errors.attributes("description")}>${draft.description}</textarea>${errors.note("description")}</div>
<div class="field"><label for="membershipType">Membership type</label>
  <select id="membershipType" name="membershipType">
    <option value="assigned"${draft.membershipType === "assigned" ? html` selected` : ""}>Assigned</option>
    <option value="dynamicDevice"${draft.membershipType === "dynamicDevice" ? html` selected` : ""}>Dynamic device</option>
  </select></div>
${queryFields("", draft)}
<fieldset class="field dynamic-query"${errors.attributes("query", true)}>
  <legend>Dynamic device members</legend>
  <p class="hint" id="query-hint">The rule that decides the members of a Dynamic device group, such as enrollmentProfileName Equals the enrollment profile name.</p>
  ${rule === "" ? html`<p>No dynamic query yet.</p>` : html`<p>Dynamic query: <code class="rule">${rule}</code></p>`}
  <button type="submit" name="go" value="query" formnovalidate${autofocus("query")}>${rule === "" ? "Add dynamic query" : "Edit dynamic query"}</button>
  ${errors.note("query")}
</fieldset>
<div class="wizard-buttons"><button type="submit" name="go" value="create" class="primary"${autofocus("create")}>Create</button><a class="button" href="${GROUPS}">Cancel</a></div>`,
  "group-form",
)}`,
    });
  };

  /**
   * The Dynamic membership rules blade (the seed's step 4): the simple rule (Add devices where
   * property, operator, value) and the rule syntax box, both checked by the service's rule parser
   * as they are typed; *Add query* takes the rule back to New group, *Discard* goes back with the
   * query it had. The group's basics and its query before this page travel in hidden fields.
   */
  const rulesForm = (session: Session, draft: GroupDraft, saved: GroupDraft, refusal?: FieldRefusal): string => {
    const errors = fieldErrors(refusal);
    return page({
      title: "Dynamic membership rules",
      section: "groups",
      session,
      crumbs: crumbs(newGroupCrumb, { label: "Dynamic membership rules" }),
      body: html`<h1>Dynamic membership rules</h1>
${errorSummary(refusal?.message)}
${postForm(
  session,
  `${GROUPS}/new`,
  html`<p>Group: <strong>${draft.displayName || "(no name yet)"}</strong>. Add dynamic membership rule: <strong>Simple rule</strong>, or write the rule syntax.</p>
${groupFields(draft)}
${queryFields("saved-", saved)}
<div id="rule-fields" hx-get="${GROUPS}/rule-check" hx-include="#rule-fields" hx-trigger="input delay:300ms, change" hx-target="#rule-check" hx-swap="outerHTML">
  <fieldset class="simple-rule"><legend>Add devices where</legend>
    <div class="rule-row">
      <div class="field"><label for="property">Property</label>
        <select id="property" name="property">${RULE_PROPERTIES.map((p) => html`<option${p === draft.property ? html` selected` : ""}>${p}</option>`)}</select></div>
      <div class="field"><label for="operator">Operator</label>
        <select id="operator" name="operator">${RULE_OPERATORS.map(
          (o) => html`<option value="${o.value}"${o.value === draft.operator ? html` selected` : ""}>${o.label}</option>`,
        )}</select></div>
      <div class="field"><label for="value">Value</label>
        <input id="value" name="value" value="${draft.value}" placeholder="the enrollment profile name"${errors.attributes("value")}${errors.first()}>${errors.note("value")}</div>
    </div>
  </fieldset>
  <div class="field"><label for="membershipRule">Rule syntax</label>
    <p class="hint" id="membershipRule-hint">When filled, it replaces the simple rule.</p>
    <textarea id="membershipRule" name="rule" rows="4" spellcheck="false" class="code" aria-describedby="membershipRule-hint rule-check"${refusal?.field === "rule" ? html` aria-invalid="true"` : ""}>${draft.rule}</textarea>
  </div>
  ${ruleVerdict(ruleOf(draft))}
</div>
<div class="wizard-buttons"><button type="submit" name="go" value="add" class="primary">Add query</button><button type="submit" name="go" value="discard" formnovalidate>Discard</button></div>`,
  "rules-form",
)}`,
    });
  };

  const draftOf = (form: FormBody | undefined, prefix = ""): GroupDraft => ({
    displayName: field(form, "displayName"),
    description: field(form, "description"),
    membershipType: field(form, "membershipType") === "assigned" ? "assigned" : "dynamicDevice",
    property: RULE_PROPERTIES.includes(field(form, `${prefix}property`)) ? field(form, `${prefix}property`) : "enrollmentProfileName",
    operator: RULE_OPERATORS.some((o) => o.value === field(form, `${prefix}operator`)) ? field(form, `${prefix}operator`) : "-eq",
    value: field(form, `${prefix}value`),
    rule: field(form, `${prefix}rule`),
  });

  app.get(`${GROUPS}/new`, async (request, reply) => sendPage(reply, newGroupForm(sessionOf(request), draftOf(undefined))));

  app.get<{ Querystring: Record<string, unknown> }>(`${GROUPS}/rule-check`, async (request, reply) => {
    const query = request.query;
    const draft = draftOf({ property: queryText(query.property), operator: queryText(query.operator), value: queryText(query.value), rule: queryText(query.rule) });
    return reply.type("text/html; charset=utf-8").send(ruleVerdict(ruleOf(draft)).text);
  });

  app.post<{ Body: FormBody }>(`${GROUPS}/new`, async (request, reply) => {
    const session = sessionOf(request);
    const draft = draftOf(request.body);
    const go = field(request.body, "go");
    if (go === "query") return sendPage(reply, rulesForm(session, draft, draft));
    // Back from the rules page, the focus is on the button that opened it, as a dialog returns it.
    if (go === "discard") return sendPage(reply, newGroupForm(session, { ...draftOf(request.body, "saved-"), membershipType: draft.membershipType }, undefined, "query"));
    if (go === "add") {
      const saved = draftOf(request.body, "saved-");
      const refuseRule = (refusal: FieldRefusal) => sendPage(reply, rulesForm(session, draft, saved, refusal), 400);
      const rule = ruleOf(draft);
      if (rule === "") return refuseRule({ field: "value", message: "Enter the Value of the simple rule (e.g. the enrollment profile name), or write the rule syntax." });
      try {
        parseMembershipRule(rule);
      } catch (error) {
        if (!(error instanceof MembershipRuleError)) throw error;
        const where = draft.rule.trim() === "" ? "value" : "rule";
        return refuseRule({ field: where, message: `The rule cannot be read (line ${error.line}): ${error.message}` });
      }
      // The query is what makes the group dynamic (the blade offers it only for Dynamic device).
      // The seed goes on "Add query > Create": the focus is on Create, or on Group name while it is empty.
      const next = draft.displayName.trim() === "" ? "name" : "create";
      return sendPage(reply, newGroupForm(session, { ...draft, membershipType: "dynamicDevice" }, undefined, next));
    }
    const dynamic = draft.membershipType === "dynamicDevice";
    const refuse = (refusal: FieldRefusal) => sendPage(reply, newGroupForm(session, draft, refusal), 400);
    // The service's "needs a membershipRule" names Graph's properties; the form has Add dynamic query for it.
    if (dynamic && draft.displayName.trim() !== "" && ruleOf(draft) === "") {
      return refuse({
        field: "query",
        message: "A Dynamic device group needs a rule: choose Add dynamic query and fill in the simple rule (e.g. enrollmentProfileName Equals the enrollment profile name), or choose Membership type Assigned.",
      });
    }
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
    if (!created.ok) {
      // A rule's refusal speaks of the rule's own terms (device properties such as displayName): kept as it is.
      const ruleRefused = created.message.startsWith("Invalid membershipRule");
      return refuse(ruleRefused ? { field: "query", message: created.message } : inFormWords(created.message, FORM_WORDS));
    }
    return reply.redirect(`${GROUPS}/${created.value.id}`, 303);
  });

  /** A page of a list, or of its rows whose name starts with `start` (through the name's index). */
  const pageOf = <Row>(asked: string, start: string, all: { count(): number; at(offset: number, limit: number): Row[] }, named: StartingWith<Row>) => {
    const at = listPage(asked, start === "" ? all.count() : named.count(start));
    const rows = start === "" ? all.at(at.offset, PAGE_SIZE) : named.at(start, at.offset, PAGE_SIZE);
    return { at, rows };
  };
  const lists = ctx.store.consoleLists;

  /** A group's page address showing `view` (and `done`'s notice). */
  const groupHref = (group: GroupRecord, view: GroupView, done = ""): string => {
    const params = new URLSearchParams();
    if (done) params.set("done", done);
    for (const name of VIEW_PARAMS) if (view[name]) params.set(name, view[name]);
    for (const id of view.picked) params.append("picked", id);
    const search = params.toString();
    return `${GROUPS}/${group.id}${search ? `?${search}` : ""}`;
  };

  /**
   * Add members: users and devices ticked on the pages shown (members already in the group ticked
   * and disabled), each list with its search and pager. Paging keeps the rows on a page where
   * they were: hiding members would shift every later page. Ticks made on other pages are hidden
   * fields, so Search, Previous, Next and Add carry them all; the first submit button is Search,
   * which Enter in a search box presses.
   */
  const picker = (session: Session, group: GroupRecord, view: GroupView): Html => {
    const users = pageOf(view.userPage, view.user, { count: () => ctx.store.users.count(), at: (o, n) => lists.users(o, n) }, lists.usersNamed);
    const devices = pageOf(view.page, view.name, { count: () => ctx.store.devices.countVisible(), at: (o, n) => ctx.store.devices.listVisibleAt(o, n) }, lists.devicesNamed);
    const picked = new Set(view.picked);
    const shown = new Set([...users.rows.map((u) => u.id), ...devices.rows.map((d) => d.id)]);
    const carried = [...picked].filter((id) => !shown.has(id));
    const choice = (kind: "user" | "device", id: string, label: string): Html =>
      ctx.store.groups.isMember(group.id, id)
        ? html`<div class="field checkbox"><input type="checkbox" id="${kind}-${id}" checked disabled>
<label for="${kind}-${id}">${label} (already a member)</label></div>`
        : html`<div class="field checkbox"><input type="checkbox" id="${kind}-${id}" name="memberId" value="${id}"${picked.has(id) ? html` checked` : ""}>
<label for="${kind}-${id}">${label}</label></div>`;
    const hidden = (name: string, value: string) => html`<input type="hidden" name="${name}" value="${value}">`;
    const pageField = (name: string, at: ListPage) => hidden(name, at.number > 1 ? String(at.number) : "");
    return html`<h2>Add members</h2>
${pageRefusal(users.at)}${pageRefusal(devices.at)}
${postForm(
  session,
  `${GROUPS}/${group.id}/members`,
  html`${hidden("memberPage", view.memberPage)}${pageField("userPage", users.at)}${pageField("page", devices.at)}${carried.map((id) => hidden("memberId", id))}
<div class="inline-form" role="search" aria-label="Members to add">
  <div class="field"><label for="userSearch">User principal name or display name</label>
  <input id="userSearch" name="user" type="search" value="${view.user}" aria-describedby="userSearch-hint">
  <p class="hint" id="userSearch-hint">The start of either name, in any case.</p></div>
  <div class="field"><label for="deviceName">Device name</label>
  <input id="deviceName" name="name" type="search" value="${view.name}" aria-describedby="deviceName-hint">
  <p class="hint" id="deviceName-hint">The start of the name, in any case.</p></div>
  <button type="submit" name="go" value="search">Search</button>
</div>
${carried.length > 0 ? html`<p class="hint">${carried.length} ticked on other pages: Add adds them with those ticked here. <a href="${groupHref(group, { ...view, picked: [] })}">Clear every tick</a></p>` : ""}
<fieldset class="field"><legend>Users (${users.at.total})</legend>
${users.rows.length === 0 ? html`<p>${view.user ? html`No user principal name or display name starts with ${view.user}.` : "No users yet."}</p>` : users.rows.map((u) => choice("user", u.id, `${u.displayName} (${u.userPrincipalName})`))}
${formPager("Users to add pages", users.at, users.rows.length, "users")}
</fieldset>
<fieldset class="field"><legend>Devices (${devices.at.total})</legend>
${devices.rows.length === 0 ? html`<p>${view.name ? html`No enrolled device's name starts with ${view.name}.` : "No enrolled devices yet."}</p>` : devices.rows.map((d) => choice("device", d.id, d.deviceName))}
${formPager("Devices to add pages", devices.at, devices.rows.length, "devices")}
</fieldset>
<button type="submit" class="primary" name="go" value="add">Add</button>`,
  "member-form",
)}`;
  };

  const groupPage = (session: Session, group: GroupRecord, done: string, view: GroupView, error?: string): string => {
    const dynamic = group.groupTypes.includes(DYNAMIC);
    const at = listPage(view.memberPage, ctx.store.groups.countMembers(group.id), PAGE_SIZE, "memberPage");
    const members = lists.members(group.id, at.offset, PAGE_SIZE);
    const columns: Column<NamedMember>[] = [
      { kind: "text", header: "Name", cell: (m) => m.name },
      { header: "Type", cell: (m) => MEMBER_TYPE_NAMES[m.memberType] },
    ];
    if (!dynamic) {
      columns.push({
        header: "Action",
        cell: (m) =>
          postForm(
            session,
            `${GROUPS}/${group.id}/members/remove`,
            html`<input type="hidden" name="memberId" value="${m.memberId}"><input type="hidden" name="memberPage" value="${view.memberPage}"><button type="submit" aria-label="Remove ${m.name}">Remove</button>`,
          ),
      });
    }
    return page({
      title: group.displayName,
      section: "groups",
      session,
      crumbs: crumbs({ label: group.displayName }),
      body: html`<h1>${group.displayName}</h1>
${notice({ added: "Member added.", addedMany: "Members added.", removed: "Member removed." }[done])}
${errorSummary(error)}
${properties([
  ["Group type", group.securityEnabled ? "Security" : "Microsoft 365"],
  ["Membership type", dynamic ? "Dynamic device" : "Assigned"],
  ["Description", group.description ?? "—"],
  ...(dynamic ? ([["Dynamic membership rule", html`<code>${group.membershipRule}</code>`]] as [string, Html][]) : []),
  ["Created", when(group.created)],
])}
${pageRefusal(at)}
${table(
  `Members (${at.total})`,
  columns,
  members,
  dynamic ? "No members yet. Devices that match the rule join when they enroll." : "No members yet. Add users or devices with Add members.",
)}
${pager("Members pages", at, members.length, (n) => groupHref(group, { ...view, memberPage: String(n) }))}
${dynamic ? "" : picker(session, group, view)}`,
    });
  };

  const groupOr404 = (session: Session, id: string) => {
    const found = attempt(() => groups.get(id));
    const missing = found.ok
      ? null
      : page({ title: "Group not found", section: "groups", session, crumbs: crumbs(), body: html`<h1>Group not found</h1><p><a href="${GROUPS}">All groups</a></p>` });
    return { group: found.ok ? found.value : null, missing };
  };

  app.get<{ Params: { id: string }; Querystring: Record<string, unknown> }>(`${GROUPS}/:id`, async (request, reply) => {
    const session = sessionOf(request);
    const { group, missing } = groupOr404(session, request.params.id);
    if (!group) return sendPage(reply, missing!, 404);
    const q = request.query;
    const view: GroupView = {
      memberPage: queryText(q.memberPage),
      user: queryText(q.user).trim(),
      userPage: queryText(q.userPage),
      name: queryText(q.name).trim(),
      page: queryText(q.page),
      picked: [...new Set(queryList(q.picked))],
    };
    // Not a page number: 400, as the device list answers it (the page shows page 1 with the warning).
    const refused = [view.memberPage, view.userPage, view.page].some((asked) => listPage(asked, 0).refused !== undefined);
    return sendPage(reply, groupPage(session, group, queryText(q.done), view), refused ? 400 : 200);
  });

  /**
   * The picker's form: Search, Previous and Next (`go` = search, users:n, devices:n) come back to
   * the group's page at the searches and pages asked for with every tick carried in its address;
   * Add (or no `go`) adds the ticked users and devices one by one, as members/$ref does: those
   * before a refusal stay added. The GroupService's refusal, or a form with nothing ticked, is
   * shown on the group's page as the form left it, ticks kept.
   */
  app.post<{ Params: { id: string }; Body: FormBody }>(`${GROUPS}/:id/members`, async (request, reply) => {
    const session = sessionOf(request);
    const { group, missing } = groupOr404(session, request.params.id);
    if (!group) return sendPage(reply, missing!, 404);
    const body = request.body;
    const view: GroupView = {
      memberPage: field(body, "memberPage"),
      user: field(body, "user").trim(),
      userPage: field(body, "userPage"),
      name: field(body, "name").trim(),
      page: field(body, "page"),
      picked: [...new Set(fields(body, "memberId").filter((id) => id !== ""))],
    };
    const refuse = (message: string) => sendPage(reply, groupPage(session, group, "", view, message), 400);
    const go = field(body, "go") || "add";
    if (go !== "add") {
      const [list, to] = go.split(":");
      const moved =
        go === "search" ? { ...view, userPage: "", page: "" } : list === "users" && to ? { ...view, userPage: to } : list === "devices" && to ? { ...view, page: to } : undefined;
      if (!moved) return refuse(`"go" must be add, search, users:<page> or devices:<page>, not "${go}": use the page's buttons.`);
      if (view.picked.length > MAX_CARRIED) {
        return refuse(`${view.picked.length} users and devices are ticked; a page carries at most ${MAX_CARRIED} ticks to another. Select Add to add these, then tick more.`);
      }
      return reply.redirect(groupHref(group, moved), 303);
    }
    if (view.picked.length === 0) return refuse("Nothing to add: tick one or more users or devices, then select Add.");
    for (const [i, memberId] of view.picked.entries()) {
      const added = attempt(() => groups.addMember(group.id, memberId));
      // Those added are no longer ticked, nor the one refused (a tick carried from another page
      // could not be unticked here): Add again adds the rest.
      if (!added.ok) return sendPage(reply, groupPage(session, group, "", { ...view, picked: view.picked.slice(i + 1) }, added.message), 400);
    }
    return reply.redirect(groupHref(group, { ...view, picked: [] }, view.picked.length > 1 ? "addedMany" : "added"), 303);
  });

  /** Removing a member from an assigned group; the page comes back at the members' page it was on. */
  app.post<{ Params: { id: string }; Body: FormBody }>(`${GROUPS}/:id/members/remove`, async (request, reply) => {
    const session = sessionOf(request);
    const { group, missing } = groupOr404(session, request.params.id);
    if (!group) return sendPage(reply, missing!, 404);
    const view = { ...FIRST_VIEW, memberPage: field(request.body, "memberPage") };
    const removed = attempt(() => groups.removeMember(group.id, field(request.body, "memberId")));
    if (!removed.ok) return sendPage(reply, groupPage(session, group, "", view, removed.message), 400);
    return reply.redirect(groupHref(group, view, "removed"), 303);
  });
}
