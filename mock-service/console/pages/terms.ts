/**
 * Tenant administration > Terms and conditions, the seed's third next step: the list, Create
 * (Basics: Name, Description; Terms: Title, Terms and Conditions, Summary of Terms; Assignments
 * to user groups), and the terms' page with their assignments (add, remove) and who accepted
 * which version. The TermsService makes and assigns them, with its refusals shown in place;
 * users a group or All users reaches see the terms on their device after signing in.
 */
import type { FastifyInstance } from "fastify";
import { DYNAMIC } from "../../services/groups.js";
import type { AssignmentInput } from "../../services/assignments.js";
import type { AssignmentRecord } from "../../store/assignments.js";
import type { AcceptanceRecord, TermsRecord } from "../../store/terms.js";
import { html, when, type Html } from "../html.js";
import { field, fields, type FormBody } from "../form.js";
import { errorSummary, notice, page, postForm, type Crumb } from "../layout.js";
import type { Session } from "../session.js";
import { sendPage, sessionOf, type ConsoleDeps } from "../route-helpers.js";
import { attempt, commandBar, fieldErrors, inFormWords, properties, queryText, table, type FieldRefusal, type FieldWords } from "./common.js";

export const TERMS = "/tenant-admin/terms-and-conditions";
/** The value of the All users choice (Graph's allLicensedUsersAssignmentTarget: users with a licence). */
const ALL_USERS = "allUsers";

/** The form's labels of the properties the TermsService's refusals name. */
const FORM_WORDS: Record<string, FieldWords> = {
  displayName: { label: "Name" },
  description: { label: "Description" },
  title: { label: "Title" },
  bodyText: { label: "Terms and Conditions" },
  acceptanceStatement: { label: "Summary of Terms" },
};

interface TermsDraft {
  displayName: string;
  description: string;
  title: string;
  bodyText: string;
  acceptanceStatement: string;
  targets: string[];
}

/** A choice of the assignment form (a group id, or All users) as the service's assignment. */
function targetInput(choice: string): AssignmentInput {
  return choice === ALL_USERS
    ? { target: { "@odata.type": "#microsoft.graph.allLicensedUsersAssignmentTarget" } }
    : { target: { "@odata.type": "#microsoft.graph.groupAssignmentTarget", groupId: choice } };
}

export function termsPages(app: FastifyInstance, { services }: ConsoleDeps): void {
  const { terms, groups, ctx } = services;
  const frame = { section: "tenant", subsection: TERMS } as const;
  const crumbs = (...more: Crumb[]): Crumb[] => [
    { label: "Home", href: "/" },
    { label: "Tenant administration", href: "/tenant-admin" },
    ...more,
  ];
  const listCrumb: Crumb = { label: "Terms and conditions", href: TERMS };

  /** Groups that can hold users: terms reach users, and a dynamic device group holds only devices. */
  const userGroups = () => groups.list().filter((g) => !g.groupTypes.includes(DYNAMIC));
  const groupName = (id: string) => ctx.store.groups.get(id)?.displayName ?? id;
  const targetText = (a: AssignmentRecord) =>
    a.targetType === "allLicensedUsersAssignmentTarget" ? "All users" : `${a.targetType === "exclusionGroupAssignmentTarget" ? "Excluded: " : ""}${groupName(a.groupId!)}`;

  app.get(TERMS, async (request, reply) =>
    sendPage(
      reply,
      page({
        ...frame,
        title: "Terms and conditions",
        session: sessionOf(request),
        crumbs: crumbs({ label: "Terms and conditions" }),
        body: html`<h1>Tenant administration | Terms and conditions</h1>
<p class="hint">Users the terms are assigned to accept them on the device when they sign in during enrollment, before the apps install. Users who enrolled before the terms were created or assigned accept them at their next enrollment.</p>
${commandBar("Terms and conditions", html`<a class="button primary" href="${TERMS}/create">Create</a>`)}
${table(
  "Terms and conditions",
  [
    { kind: "text", header: "Name", cell: (t: TermsRecord) => html`<a href="${TERMS}/${t.id}">${t.displayName}</a>` },
    { kind: "text", header: "Title", cell: (t) => t.title },
    { header: "Version", cell: (t) => t.version },
    { header: "Assigned", cell: (t) => (terms.assignmentsOf(t.id).length > 0 ? "Yes" : "No") },
    { kind: "short", header: "Last modified", cell: (t) => when(t.modified) },
  ],
  terms.list(),
  "No terms and conditions yet. Select Create to write them.",
)}`,
      }),
    ),
  );

  /** Groups that hold users, and All users, as checkboxes. */
  const targetChoices = (checked: readonly string[]): Html => {
    const box = (value: string, id: string, label: string) =>
      html`<div class="field checkbox"><input type="checkbox" id="${id}" name="targets" value="${value}"${checked.includes(value) ? html` checked` : ""}>
<label for="${id}">${label}</label></div>`;
    return html`<fieldset class="field" aria-describedby="targets-hint"><legend>Assign to</legend>
<p class="hint" id="targets-hint">Users with a licence (All users) or the users of assigned groups. Dynamic device groups hold devices, not users, so they are not offered.</p>
${box(ALL_USERS, "target-all-users", "All users")}
${userGroups().map((g) => box(g.id, `target-${g.id}`, g.displayName))}
</fieldset>`;
  };

  const createForm = (session: Session, draft: TermsDraft, refusal?: FieldRefusal): string => {
    const errors = fieldErrors(refusal);
    const text = (name: "displayName" | "title", label: string) =>
      html`<div class="field"><label for="${name}">${label} <span class="required" aria-hidden="true">*</span></label>
  <input id="${name}" name="${name}" value="${draft[name]}" required${errors.attributes(name)}${name === "displayName" ? errors.first() : ""}>${errors.note(name)}</div>`;
    return page({
      ...frame,
      title: "Create terms and conditions",
      session,
      crumbs: crumbs(listCrumb, { label: "Create" }),
      body: html`<h1>Create terms and conditions</h1>
${errorSummary(refusal?.message)}
${postForm(
  session,
  `${TERMS}/create`,
  html`<h2>Basics</h2>
${text("displayName", "Name")}
<div class="field"><label for="description">Description</label>
  <textarea id="description" name="description" rows="2"${errors.attributes("description")}>${draft.description}</textarea>${errors.note("description")}</div>
<h2>Terms</h2>
${text("title", "Title")}
<div class="field"><label for="bodyText">Terms and Conditions <span class="required" aria-hidden="true">*</span></label>
  <textarea id="bodyText" name="bodyText" rows="8" required${errors.attributes("bodyText", true)}>${draft.bodyText}</textarea>
  <p class="hint" id="bodyText-hint">The terms users read on their device.</p>${errors.note("bodyText")}</div>
<div class="field"><label for="acceptanceStatement">Summary of Terms <span class="required" aria-hidden="true">*</span></label>
  <textarea id="acceptanceStatement" name="acceptanceStatement" rows="2" required${errors.attributes("acceptanceStatement", true)}>${draft.acceptanceStatement}</textarea>
  <p class="hint" id="acceptanceStatement-hint">What users agree to by accepting, e.g. "I accept the terms of use of my work device."</p>${errors.note("acceptanceStatement")}</div>
<h2>Assignments</h2>
${targetChoices(draft.targets)}
<div class="wizard-buttons"><button type="submit" class="primary">Create</button><a class="button" href="${TERMS}">Cancel</a></div>`,
  "terms-form",
)}`,
    });
  };

  const draftOf = (form: FormBody | undefined): TermsDraft => ({
    displayName: field(form, "displayName"),
    description: field(form, "description"),
    title: field(form, "title"),
    bodyText: field(form, "bodyText"),
    acceptanceStatement: field(form, "acceptanceStatement"),
    targets: fields(form, "targets"),
  });

  app.get(`${TERMS}/create`, async (request, reply) => sendPage(reply, createForm(sessionOf(request), draftOf(undefined))));

  app.post<{ Body: FormBody }>(`${TERMS}/create`, async (request, reply) => {
    const draft = draftOf(request.body);
    // Created and assigned together: a refused assignment leaves no terms behind.
    const created = attempt(() =>
      ctx.store.transaction(() => {
        const made = terms.create({
          displayName: draft.displayName,
          description: draft.description || null,
          title: draft.title,
          bodyText: draft.bodyText,
          acceptanceStatement: draft.acceptanceStatement,
        });
        for (const choice of draft.targets) terms.addAssignment(made.id, targetInput(choice));
        return made;
      }),
    );
    if (!created.ok) {
      return sendPage(reply, createForm(sessionOf(request), draft, inFormWords(created.message, FORM_WORDS)), 400);
    }
    return reply.redirect(`${TERMS}/${created.value.id}?done=created`, 303);
  });

  const DONE: Record<string, string> = {
    created: "Terms and conditions created. Users they are assigned to accept them at sign-in the next time they enroll a device; devices already enrolled are not asked.",
    added: "Assignment added.",
    removed: "Assignment removed.",
  };

  const termsPage = (session: Session, record: TermsRecord, done: string, error?: string): string => {
    const assignments = terms.assignmentsOf(record.id);
    const assigned = new Set(assignments.map((a) => a.groupId ?? ALL_USERS));
    const offered = [{ value: ALL_USERS, label: "All users" }, ...userGroups().map((g) => ({ value: g.id, label: g.displayName }))].filter(
      (o) => !assigned.has(o.value),
    );
    const userName = (id: string) => ctx.store.users.get(id)?.userPrincipalName ?? id;
    return page({
      ...frame,
      title: record.displayName,
      session,
      crumbs: crumbs(listCrumb, { label: record.displayName }),
      body: html`<h1>${record.displayName}</h1>
${notice(DONE[done])}
${errorSummary(error)}
<h2>Basics</h2>
${properties([
  ["Name", record.displayName],
  ["Description", record.description || "—"],
  ["Version", record.version],
  ["Created", when(record.created)],
  ["Last modified", when(record.modified)],
])}
<h2>Terms</h2>
${properties([
  ["Title", record.title],
  ["Terms and Conditions", html`<span class="preserve-lines">${record.bodyText}</span>`],
  ["Summary of Terms", record.acceptanceStatement],
])}
<h2>Assignments</h2>
${table(
  "Assignments",
  [
    { header: "Assigned to", cell: targetText },
    {
      header: "Action",
      cell: (a: AssignmentRecord) =>
        postForm(
          session,
          `${TERMS}/${record.id}/assignments/remove`,
          html`<input type="hidden" name="assignmentId" value="${a.id}"><button type="submit" aria-label="Remove ${targetText(a)}">Remove</button>`,
        ),
    },
  ],
  assignments,
  "Not assigned: no user is asked to accept these terms.",
)}
${
  offered.length === 0
    ? ""
    : postForm(
        session,
        `${TERMS}/${record.id}/assignments`,
        html`<div class="field"><label for="target">Add assignment</label>
  <select id="target" name="target" required>${offered.map((o) => html`<option value="${o.value}">${o.label}</option>`)}</select></div>
<button type="submit" class="primary">Add</button>`,
        "inline-form",
      )
}
<h2>Acceptance status</h2>
${table(
  "Users who accepted the terms",
  [
    { header: "User", cell: (a: AcceptanceRecord) => userName(a.userId) },
    { header: "Accepted version", cell: (a) => a.acceptedVersion },
    { kind: "short", header: "Accepted", cell: (a) => when(a.accepted) },
  ],
  terms.acceptanceStatuses(record.id),
  "No user has accepted these terms yet.",
)}`,
    });
  };

  const termsOr404 = (id: string) => attempt(() => terms.get(id));
  const notFound = (session: Session) =>
    page({
      ...frame,
      title: "Terms not found",
      session,
      crumbs: crumbs(listCrumb),
      body: html`<h1>Terms not found</h1><p>There are no such terms and conditions; they may have been deleted. <a href="${TERMS}">Back to the list</a>.</p>`,
    });

  app.get<{ Params: { id: string }; Querystring: { done?: string } }>(`${TERMS}/:id`, async (request, reply) => {
    const session = sessionOf(request);
    const found = termsOr404(request.params.id);
    if (!found.ok) return sendPage(reply, notFound(session), 404);
    return sendPage(reply, termsPage(session, found.value, queryText(request.query.done)));
  });

  /** Adding or removing one assignment: the service's refusal shown on the terms' page. */
  const change = (path: string, done: string, apply: (id: string, form: FormBody) => unknown) =>
    app.post<{ Params: { id: string }; Body: FormBody }>(`${TERMS}/:id/${path}`, async (request, reply) => {
      const session = sessionOf(request);
      const found = termsOr404(request.params.id);
      if (!found.ok) return sendPage(reply, notFound(session), 404);
      const changed = attempt(() => apply(found.value.id, request.body));
      if (!changed.ok) return sendPage(reply, termsPage(session, found.value, "", changed.message), 400);
      return reply.redirect(`${TERMS}/${found.value.id}?done=${done}`, 303);
    });
  change("assignments", "added", (id, form) => terms.addAssignment(id, targetInput(field(form, "target"))));
  change("assignments/remove", "removed", (id, form) => terms.removeAssignment(id, field(form, "assignmentId")));
}
