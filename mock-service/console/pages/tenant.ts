/**
 * Tenant set-up, the seed's prerequisites: Users (create a user, assign licences: a user signs in
 * on a device only with a licence that includes Intune), Tenant administration (the tenant, its
 * MDM authority, which an admin sets to Intune once through the TenantService, and its
 * subscriptions), and Troubleshooting + support (pick a user, see the AOSP devices they
 * enrolled). Users and licences go through the UserService, with its refusals shown in place.
 */
import type { FastifyInstance } from "fastify";
import { findSku, includesIntune, SKUS } from "../../domain/licences.js";
import { mailNicknameOf } from "../../domain/mail-nickname.js";
import type { MdmAuthority, TenantRecord } from "../../store/tenant.js";
import type { UserRecord } from "../../store/users.js";
import { html, when, type Html } from "../html.js";
import { field, fields, type FormBody } from "../form.js";
import { errorSummary, notice, page, postForm, type Crumb } from "../layout.js";
import type { Session } from "../session.js";
import { sendPage, sessionOf, type ConsoleDeps } from "../route-helpers.js";
import { attempt, attemptAsync, fieldErrors, inFormWords, properties, queryText, table, type FieldRefusal } from "./common.js";
import { deviceColumns } from "./devices.js";
import { listPage, PAGE_SIZE, pageRefusal, pager, type ListPage } from "../paging.js";

const USERS = "/users";
export const TENANT_ADMIN = "/tenant-admin";

/** The admin center's names for Graph's mdmAuthority values. */
const MDM_AUTHORITY_LABELS: Record<MdmAuthority, string> = {
  unknown: "Unknown (not set)",
  intune: "Microsoft Intune",
  sccm: "Configuration Manager",
  office365: "Office 365",
};

/**
 * The New user field a UserService refusal is about. Its messages are Graph's, which name the
 * property in quotes or after "property" (userPrincipalName, mailNickname), or, for the
 * password, name none: "password complexity requirements".
 */
function userRefusal(message: string): FieldRefusal {
  if (/password complexity/.test(message)) return { field: "password", message };
  // Entra ID's own messages name the property as the form's labels do; the schema's rule on
  // displayName is said with the form's label.
  if (message.startsWith('"displayName"')) return inFormWords(message, { displayName: { label: "Display name" } });
  const field = ["userPrincipalName", "mailNickname"].find((name) => message.includes(`'${name}'`) || message.includes(`property ${name} `)) ?? null;
  return { field, message };
}

const home: Crumb = { label: "Home", href: "/" };

/** The skuIds of the licences a user holds. */
const heldSkus = (user: UserRecord): string[] => user.licenses.map((licence) => licence.skuId);

const licenceNames = (user: UserRecord): string =>
  heldSkus(user).map((id) => findSku(id)?.skuPartNumber ?? id).join(", ") || "None";

export function tenantPages(app: FastifyInstance, { services }: ConsoleDeps): void {
  const { users, ctx, tenant: tenantService } = services;

  /**
   * A page of the users, in list order (created, then insertion), as full records for the
   * Licences column: only the page's users are read, so the list costs the same at 60 users
   * and at 6,000.
   */
  const usersAt = (at: ListPage): UserRecord[] =>
    ctx.store.consoleLists.users(at.offset, PAGE_SIZE).map((choice) => users.get(choice.id));

  const usersPage = (session: Session, asked: string, done: string | undefined, error?: string, form?: FormBody): string => {
    const at = listPage(asked, ctx.store.users.count());
    const listed = usersAt(at);
    const refusal = error === undefined ? undefined : userRefusal(error);
    const errors = fieldErrors(refusal);
    return page({
      title: "All users",
      section: "users",
      session,
      crumbs: [home, { label: "Users" }],
      body: html`<h1>Users | All users</h1>
${notice(done)}
${pageRefusal(at)}
${table(
  `All users (${at.total})`,
  [
    { kind: "text", header: "Display name", cell: (u: UserRecord) => html`<a href="${USERS}/${u.id}">${u.displayName}</a>` },
    { kind: "text", header: "User principal name", cell: (u) => u.userPrincipalName },
    { kind: "short", header: "Account enabled", cell: (u) => (u.accountEnabled ? "Yes" : "No") },
    { header: "Licences", cell: licenceNames },
  ],
  listed,
  "No users yet. Device users sign in during enrollment: create them here.",
)}
${pager("All users pages", at, listed.length, (n) => `${USERS}?page=${n}`)}
<section class="card" aria-labelledby="new-user">
<h2 id="new-user">New user</h2>
${errorSummary(refusal?.message)}
${postForm(
  session,
  USERS,
  html`<div class="field"><label for="userDisplayName">Display name</label>
  <input id="userDisplayName" name="displayName" value="${field(form, "displayName")}" required${errors.attributes("displayName")}>${errors.note("displayName")}</div>
<div class="field"><label for="upn">User principal name</label>
  <input id="upn" name="userPrincipalName" value="${field(form, "userPrincipalName")}" required placeholder="alex@contoso.example"${errors.attributes("userPrincipalName")}>
  ${errors.note("userPrincipalName")}</div>
<div class="field"><label for="mailNickname">Mail nickname</label>
  <input id="mailNickname" name="mailNickname" value="${field(form, "mailNickname")}"${errors.attributes("mailNickname", true)}>
  <p class="hint" id="mailNickname-hint">Left empty: derived from the user principal name (alex for alex@contoso.example).</p>
  ${errors.note("mailNickname")}</div>
<div class="field checkbox"><input id="accountEnabled" name="accountEnabled" type="checkbox" value="true"${form === undefined || field(form, "accountEnabled") === "true" ? html` checked` : ""}>
  <label for="accountEnabled">Account enabled</label></div>
<div class="field"><label for="password">Password</label>
  <input id="password" name="password" type="password" autocomplete="new-password" required${errors.attributes("password", true)}>
  <p class="hint" id="password-hint">8 to 256 characters with three of: lowercase, uppercase, digits, symbols.</p>
  ${errors.note("password")}</div>
<div class="field checkbox"><input id="licensed" name="licence" type="checkbox" value="${SKUS[0]!.skuId}" checked>
  <label for="licensed">Assign ${SKUS[0]!.displayName} (${SKUS[0]!.skuPartNumber})</label></div>
<button type="submit" class="primary">Create</button>`,
)}
</section>`,
    });
  };

  app.get<{ Querystring: { done?: string; page?: string } }>(USERS, async (request, reply) => {
    const asked = queryText(request.query.page);
    const done = queryText(request.query.done) === "created" ? "User created." : undefined;
    return sendPage(reply, usersPage(sessionOf(request), asked, done), listPage(asked, 0).refused === undefined ? 200 : 400);
  });

  app.post<{ Body: FormBody }>(USERS, async (request, reply) => {
    const form = request.body;
    const created = await attemptAsync(async () => {
      // Graph requires accountEnabled and mailNickname; the form derives the nickname as the admin center does.
      const user = await users.create({
        accountEnabled: field(form, "accountEnabled") === "true",
        displayName: field(form, "displayName"),
        mailNickname: field(form, "mailNickname").trim() || mailNicknameOf(field(form, "userPrincipalName")),
        userPrincipalName: field(form, "userPrincipalName"),
        passwordProfile: { password: field(form, "password") },
      });
      const licences = fields(form, "licence");
      return licences.length > 0 ? users.assignLicense(user.id, licences.map((skuId) => ({ skuId })), []) : user;
    });
    if (!created.ok) return sendPage(reply, usersPage(sessionOf(request), "", undefined, created.message, form), 400);
    return reply.redirect(`${USERS}?done=created`, 303);
  });

  const userPage = (session: Session, user: UserRecord, done?: string, error?: string): string =>
    page({
      title: user.displayName,
      section: "users",
      session,
      crumbs: [home, { label: "Users", href: USERS }, { label: user.displayName }],
      body: html`<h1>${user.displayName}</h1>
${notice(done)}
${errorSummary(error)}
${properties([
  ["User principal name", user.userPrincipalName],
  ["Account enabled", user.accountEnabled ? "Yes" : "No"],
  ["Created", when(user.created)],
])}
<h2>Licences</h2>
${postForm(
  session,
  `${USERS}/${user.id}/licences`,
  html`<fieldset><legend>Licences assigned to ${user.displayName}</legend>
${SKUS.map(
  (sku) => html`<div class="field checkbox"><input type="checkbox" id="sku-${sku.skuId}" name="licence" value="${sku.skuId}"${heldSkus(user).includes(sku.skuId) ? html` checked` : ""}>
<label for="sku-${sku.skuId}">${sku.displayName} (${sku.skuPartNumber})${includesIntune(sku) ? "" : " — does not include Intune"}</label></div>`,
)}
</fieldset>
<button type="submit" class="primary">Save</button>`,
)}`,
    });

  app.get<{ Params: { id: string }; Querystring: { done?: string } }>(`${USERS}/:id`, async (request, reply) => {
    const session = sessionOf(request);
    const found = attempt(() => users.get(request.params.id));
    if (!found.ok) return sendPage(reply, page({ title: "User not found", section: "users", session, body: html`<h1>User not found</h1><p><a href="${USERS}">All users</a></p>` }), 404);
    return sendPage(reply, userPage(session, found.value, queryText(request.query.done) === "licences" ? "Licences saved." : undefined));
  });

  app.post<{ Params: { id: string }; Body: FormBody }>(`${USERS}/:id/licences`, async (request, reply) => {
    const session = sessionOf(request);
    const found = attempt(() => users.get(request.params.id));
    if (!found.ok) return sendPage(reply, page({ title: "User not found", section: "users", session, body: html`<h1>User not found</h1>` }), 404);
    const wanted = fields(request.body, "licence");
    const user = found.value;
    const saved = attempt(() =>
      users.assignLicense(
        user.id,
        wanted.filter((id) => !heldSkus(user).includes(id)).map((skuId) => ({ skuId })),
        heldSkus(user).filter((id) => !wanted.includes(id)),
      ),
    );
    if (!saved.ok) return sendPage(reply, userPage(session, user, undefined, saved.message), 400);
    return reply.redirect(`${USERS}/${user.id}?done=licences`, 303);
  });

  /** Setting the authority: offered until Intune is the authority (setting it again changes nothing). */
  const mdmAuthoritySection = (session: Session, tenant: TenantRecord): Html | string =>
    tenant.mdmAuthority === "intune"
      ? ""
      : html`<section class="card" aria-labelledby="mdm-authority">
<h2 id="mdm-authority">MDM authority</h2>
<p>Android (AOSP) enrollment profiles can be created only once Microsoft Intune is this tenant's mobile device management authority.</p>
${postForm(session, `${TENANT_ADMIN}/mdm-authority`, html`<button type="submit" class="primary">Set Microsoft Intune as MDM authority</button>`)}
</section>`;

  const tenantAdminPage = (session: Session, done?: string, error?: string): string => {
    const tenant = tenantService.get();
    const everyone = users.list();
    return page({
      title: "Tenant administration",
      section: "tenant",
      session,
      crumbs: [home, { label: "Tenant administration" }],
      body: html`<h1>Tenant administration | Tenant status</h1>
${notice(done)}
${errorSummary(error)}
${properties([
  ["Tenant name", tenant.displayName],
  ["Tenant ID", tenant.tenantId],
  ["MDM authority", MDM_AUTHORITY_LABELS[tenant.mdmAuthority]],
  ["Created", when(tenant.created)],
])}
${mdmAuthoritySection(session, tenant)}
${table(
  "Subscriptions (licences)",
  [
    { header: "Licence", cell: (sku: (typeof SKUS)[number]) => sku.displayName },
    { header: "SKU", cell: (sku) => sku.skuPartNumber },
    { header: "Includes Intune", cell: (sku) => (includesIntune(sku) ? "Yes" : "No") },
    { header: "Assigned users", cell: (sku) => everyone.filter((u) => heldSkus(u).includes(sku.skuId)).length },
  ],
  SKUS,
  "",
)}`,
    });
  };

  app.get<{ Querystring: { done?: string } }>(TENANT_ADMIN, async (request, reply) =>
    sendPage(reply, tenantAdminPage(sessionOf(request), queryText(request.query.done) === "mdm-authority" ? "Microsoft Intune is the MDM authority." : undefined)),
  );

  app.post(`${TENANT_ADMIN}/mdm-authority`, async (request, reply) => {
    const set = attempt(() => tenantService.setMdmAuthority(tenantService.get().tenantId));
    if (!set.ok) return sendPage(reply, tenantAdminPage(sessionOf(request), undefined, set.message), 400);
    return reply.redirect(`${TENANT_ADMIN}?done=mdm-authority`, 303);
  });

  /**
   * Troubleshooting's user picker: the users whose user principal name or display name starts
   * with `search` (every user when empty), a page at a time, as Add members' picker is, so a
   * tenant of thousands of users is never one select of thousands of options.
   */
  const troubleshootingPicker = (search: string, asked: string, picked: UserRecord | undefined): { content: Html; refused: boolean } => {
    const lists = ctx.store.consoleLists;
    const at = listPage(asked, search === "" ? ctx.store.users.count() : lists.usersNamed.count(search), PAGE_SIZE, "userPage");
    const choices = search === "" ? lists.users(at.offset, PAGE_SIZE) : lists.usersNamed.at(search, at.offset, PAGE_SIZE);
    const href = (n: number): string => `/troubleshooting?${new URLSearchParams({ search, userPage: String(n) }).toString()}`;
    const content = html`<form method="get" action="/troubleshooting" class="inline-form" role="search" aria-label="Users">
  <div class="field"><label for="userSearch">User principal name or display name</label>
  <input id="userSearch" name="search" type="search" value="${search}" aria-describedby="userSearch-hint">
  <p class="hint" id="userSearch-hint">The start of either name, in any case.</p></div>
  <button type="submit">Search</button>
</form>
${pageRefusal(at)}
${
  choices.length === 0
    ? html`<p>${search ? html`No user principal name or display name starts with ${search}.` : "No users yet."}</p>`
    : html`<form method="get" action="/troubleshooting" class="inline-form">
  <input type="hidden" name="search" value="${search}"><input type="hidden" name="userPage" value="${at.number}">
  <div class="field"><label for="user">User (${at.total})</label>
  <select id="user" name="user" required><option value="">Select user</option>${choices.map(
    (u) => html`<option value="${u.id}"${u.id === picked?.id ? html` selected` : ""}>${u.displayName} (${u.userPrincipalName})</option>`,
  )}</select></div>
  <button type="submit" class="primary">Show devices</button>
</form>`
}
${pager("Users pages", at, choices.length, href)}`;
    return { content, refused: at.refused !== undefined };
  };

  app.get<{ Querystring: { user?: string; search?: string; userPage?: string } }>("/troubleshooting", async (request, reply) => {
    const asked = queryText(request.query.user);
    const found = asked === "" ? undefined : attempt(() => users.get(asked));
    const picked = found?.ok ? found.value : undefined;
    // Through the store's index on the user: the tenant's other devices are never read.
    const theirs = picked ? ctx.store.devices.visibleMatching("userId", [picked.id.toLowerCase()]).filter((d) => d.userId === picked.id) : [];
    const { content, refused } = troubleshootingPicker(queryText(request.query.search).trim(), queryText(request.query.userPage), picked);
    return sendPage(
      reply,
      page({
        title: "Troubleshooting + support",
        section: "troubleshooting",
        session: sessionOf(request),
        crumbs: [home, { label: "Troubleshooting + support" }],
        body: html`<h1>Troubleshooting + support</h1>
${content}
${
  picked
    ? html`<h2>Android (AOSP) devices of ${picked.displayName}</h2>
${properties([["User principal name", picked.userPrincipalName], ["Licences", licenceNames(picked)], ["Account enabled", picked.accountEnabled ? "Yes" : "No"]])}
${table(`Devices enrolled by ${picked.userPrincipalName}`, deviceColumns, theirs, "This user has enrolled no AOSP devices.")}`
    : ""
}`,
      }),
      refused ? 400 : 200,
    );
  });
}
