/**
 * Devices > Enrollment > Android > Android Open Source Project (AOSP) > Corporate-owned,
 * user-associated devices: the profile list, the Create profile wizard (Basics, Scope tags,
 * Review + create), a profile's page, and its Token (QR code, Export, Replace token, Revoke
 * token). Profiles are made and changed by the ProfileService, so the wizard refuses exactly
 * what the admin API refuses, with the same message.
 */
import { randomUUID } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { contentDisposition } from "../../routes/sim/sim.js";
import { addYears, DEFAULT_TOKEN_VALIDITY_MS, USER_ASSOCIATED, type ProfileInput } from "../../services/profiles.js";
import type { ProfileRecord, TokenRecord, WifiSecurityType } from "../../store/profiles.js";
import { BoundedMap } from "../bounded-map.js";
import { dateInputValue, html, when, type Html, type Interpolation } from "../html.js";
import { field, type FormBody } from "../form.js";
import { confirmation, errorSummary, notice, page, postForm, type Crumb } from "../layout.js";
import type { Session } from "../session.js";
import { sendPage, sessionOf, type ConsoleDeps } from "../route-helpers.js";
import { listPage, PAGE_SIZE, pageRefusal, pager } from "../paging.js";
import { attempt, commandBar, fieldErrors, inFormWords, properties, queryText, table, type FieldRefusal, type FieldWords } from "./common.js";
import { TENANT_ADMIN } from "./tenant.js";

export const ENROLLMENT = "/devices/enrollment";
export const AOSP_USER_ASSOCIATED = `${ENROLLMENT}/android/aosp/corporate-owned-user-associated`;
const DAY_MS = 86_400_000;

const WIFI_TYPES: { value: WifiSecurityType; label: string }[] = [
  { value: "none", label: "Open (no authentication)" },
  { value: "wep", label: "WEP Pre-shared key" },
  { value: "wpa", label: "WPA Pre-shared key" },
];
const wifiTypeLabel = (value: string) => WIFI_TYPES.find((t) => t.value === value)?.label ?? value;
const enabled = (on: boolean) => (on ? "Enabled" : "Disabled");

const STEPS = [
  { id: "basics", label: "Basics" },
  { id: "scope", label: "Scope tags" },
  { id: "review", label: "Review + create" },
] as const;
type Step = (typeof STEPS)[number]["id"];

/** The wizard's fields, as the form carries them from step to step. */
interface Draft {
  /**
   * The draft's own id, made when the wizard opens and carried by every step, so that its Create
   * creates one profile however often the Review step is sent (a double submit, or Back and
   * resubmit after Create): later sends go to the profile the first one created.
   */
  id: string;
  displayName: string;
  description: string;
  expiry: string;
  wifiSsid: string;
  wifiHidden: boolean;
  wifiType: string;
  wifiPassword: string;
  teams: boolean;
}

const CREATED_NOTICES: Record<string, string> = {
  created: "Profile created. Select Token to show its QR code.",
  alreadyCreated: "This profile was already created from that form, so no other was made. Select Token to show its QR code.",
};

const crumbsTo = (...more: Crumb[]): Crumb[] => [
  { label: "Home", href: "/" },
  { label: "Devices", href: "/devices" },
  { label: "Enrollment", href: ENROLLMENT },
  ...more,
];
const listCrumb: Crumb = { label: "Corporate-owned, user-associated devices", href: AOSP_USER_ASSOCIATED };

/**
 * The time a date picked in the console stands for: that day at the current time of day (UTC),
 * i.e. a whole number of days from now. Today is then "now" (refused: not in the future) and the
 * date 65 years ahead is exactly the limit (allowed), as a person reading the dates expects.
 */
function pickedDateTime(date: string, now: number): string {
  const day = Date.parse(`${date}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !Number.isFinite(day)) return date;
  return new Date(day + (now % DAY_MS)).toISOString();
}

/** A draft id as the wizard makes them (a UUID); anything else starts a new draft. */
const DRAFT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function draftOf(form: FormBody | undefined, now: number): Draft {
  const id = field(form, "draft");
  return {
    id: DRAFT_ID.test(id) ? id : randomUUID(),
    displayName: field(form, "displayName"),
    description: field(form, "description"),
    expiry: field(form, "expiry") || dateInputValue(now + DEFAULT_TOKEN_VALIDITY_MS),
    wifiSsid: field(form, "wifiSsid"),
    wifiHidden: field(form, "wifiHidden") === "enabled",
    wifiType: field(form, "wifiType") || "none",
    wifiPassword: field(form, "wifiPassword"),
    teams: field(form, "teams") === "enabled",
  };
}

function profileInput(draft: Draft, now: number): ProfileInput {
  return {
    displayName: draft.displayName,
    description: draft.description,
    enrollmentMode: USER_ASSOCIATED,
    tokenExpirationDateTime: pickedDateTime(draft.expiry, now),
    wifiSsid: draft.wifiSsid,
    wifiHidden: draft.wifiHidden,
    wifiSecurityType: draft.wifiType as WifiSecurityType,
    // The key belongs to WEP and WPA only; one typed before switching to Open is dropped.
    ...(draft.wifiType === "none" ? {} : { wifiPassword: draft.wifiPassword }),
    isTeamsDeviceProfile: draft.teams,
    roleScopeTagIds: ["0"],
  };
}

/**
 * A refusal of the ProfileService (its message, and the admin API's error code) or of the
 * wizard's own check, which names its field (and may say it with a link, `shown`); the service's
 * name the property in the message.
 */
type Refusal = { message: string; code: string; field?: keyof Draft; shown?: Html };

/** The Basics labels of the properties the ProfileService's refusals name. */
const FORM_WORDS: Record<string, FieldWords> = {
  displayName: { label: "Name" },
  description: { label: "Description" },
  tokenExpirationDateTime: { label: "Token expiration date", field: "expiry" },
  wifiSsid: { label: "SSID" },
  wifiPassword: { label: "Pre-shared key" },
  wifiSecurityType: { label: "Wi-Fi type", field: "wifiType" },
};

/**
 * The wizard's own check of the Wi-Fi fields, after the service's. The admin API takes a Wi-Fi
 * type and key, or a hidden network, without an SSID and leaves them all out of the QR code
 * (configureWifi is then false). In the wizard they are details of the one network the SSID
 * names (the seed: "SSID: Identifies the network that the device will connect to"; the Wi-Fi
 * type and key "authenticate with the network"), so a person who fills them in means devices to
 * join it: refused, rather than silently dropped.
 */
function wifiRefusal(draft: Draft): Refusal | null {
  if (draft.wifiSsid !== "") return null;
  const noWifi = `or leave Wi-Fi out of the QR code: SSID empty, Wi-Fi type ${wifiTypeLabel("none")}, Hidden network Disabled`;
  if (draft.wifiType === "wep" || draft.wifiType === "wpa") {
    return { field: "wifiSsid", code: "wifiSsidRequired", message: `SSID is required for Wi-Fi type ${wifiTypeLabel(draft.wifiType)}: enter the SSID of the network the key is for, ${noWifi}` };
  }
  if (draft.wifiHidden) {
    return { field: "wifiSsid", code: "wifiSsidRequired", message: `SSID is required for a hidden network, which devices find by its SSID: enter it, ${noWifi}` };
  }
  return null;
}

/**
 * A refusal as the wizard shows it, tied to its field: the service's message in the form's
 * words (its labels for Graph's property names, the Wi-Fi type's label for its value), except
 * that a tenant without Intune as its MDM authority is sent to the console's button for it (the
 * message names the admin API's action, which a person in the console does not need).
 */
function shownRefusal(refusal: Refusal): FieldRefusal {
  if (refusal.code === "mdmAuthorityNotSet") {
    return {
      field: null,
      message: html`Microsoft Intune is not yet this tenant's mobile device management (MDM) authority. Go to <a href="${TENANT_ADMIN}">Tenant administration</a>, select <strong>Set Microsoft Intune as MDM authority</strong> (needed once), then create the profile.`,
    };
  }
  if (refusal.field) return { field: refusal.field, message: refusal.shown ?? refusal.message };
  if (refusal.message.startsWith("tokenExpirationDateTime:")) return { field: "expiry", message: expiryRefusalText(refusal.message, "tokenExpirationDateTime") };
  const valued = refusal.message.replace(/\bwifiSecurityType (\w+)/g, (_all, value: string) => `wifiSecurityType ${wifiTypeLabel(value)}`);
  return inFormWords(valued, FORM_WORDS);
}

/**
 * What to know before scanning a profile's QR code (the seed's notes, docs/provisioning-facts.md
 * §2 and §3): how to open the scanner, RealWear's exception (no first-time setup: the code is all
 * it needs), and, only when the code names a network, that a staging network is the one to
 * enroll on, since with a key the code carries it in plain text. A code that names no network is
 * all a RealWear device needs only if it could get online without it, which it cannot: it has no
 * first-time setup to join a network on (the seed: "Wi-Fi details are required if the device
 * doesn't have a button or option that lets it automatically connect to a network"), so it stops
 * at "Couldn't connect to Wi-Fi", and the page says so instead.
 */
function qrCaption(profile: ProfileRecord): Html {
  if (!profile.configureWifi) {
    return html`<p>Scan this code on the device's welcome screen, once the device is on a network: tap the screen six times to open the scanner.</p>
<p>The code names no Wi-Fi network, so a device must already be online when it scans it. A RealWear device skips the first-time setup and cannot join a network before it scans, so it cannot enroll with this code: it stops at "Couldn't connect to Wi-Fi". For RealWear devices, create a profile with the SSID (and Wi-Fi type and pre-shared key) of the network they should join.</p>`;
  }
  const scan = html`<p>Scan this code on the device's welcome screen: tap the screen six times to open the scanner. On a RealWear device, skip the first-time setup: its scanner opens when it starts, and this code is all it needs.</p>`;
  const keyed = profile.wifiSecurityType !== "none" && profile.wifiPassword !== "";
  return html`${scan}<p>${
    keyed
      ? html`The code holds the pre-shared key of ${profile.wifiSsid} in plain text: anyone who can see the code can read the key.`
      : html`Devices join ${profile.wifiSsid}, an open network, during setup.`
  } Use a staging network with limited access for enrollment, not your production network.</p>`;
}

/**
 * A refusal of the token's expiry in the form's words. The service names the property
 * (tokenExpirationDateTime in the wizard; createToken's tokenValidityInSeconds, a number of
 * seconds, in Replace token), which the forms do not show: their field is the Token expiration
 * date, so the refusal names that and says which way to move the date.
 */
function expiryRefusalText(message: string, property: string): string {
  const reason = message.replace(new RegExp(`^${property}:\\s*`), "");
  if (reason === message) return message;
  const fix = /in the future/.test(reason) ? "pick a later date" : /at most/.test(reason) ? "pick an earlier date" : "pick another date";
  return `Token expiration date: ${reason}; ${fix}.`;
}

/** Export, on a profile's page and its Token page, while its token can still enroll devices. */
function exportButton(base: string, usable: boolean): Html | string {
  return usable ? html`<a class="button" href="${base}/export" download>Export</a>` : "";
}

/**
 * What the console says of a token that is revoked or expired, wherever it would offer the
 * token's QR code or its Export (the JSON holds the same token, and a device given either is
 * refused with tokenRevoked or tokenExpired).
 */
const NO_LONGER_ENROLLS = "This token can no longer enroll devices, so the console shows no QR code and offers no Export for it. Select Replace token to issue a new one.";

/** A page under a profile (Token, Export, Replace token, Revoke token): its title and breadcrumbs name both. */
function profileSubpage(session: Session, profile: ProfileRecord, label: string, body: Interpolation): string {
  return page({
    title: `${label} - ${profile.displayName}`,
    section: "devices",
    subsection: ENROLLMENT,
    session,
    crumbs: crumbsTo(listCrumb, { label: profile.displayName, href: `${AOSP_USER_ASSOCIATED}/${profile.id}` }, { label }),
    body,
  });
}

export function enrollmentPages(app: FastifyInstance, { services }: ConsoleDeps): void {
  const { profiles, ctx } = services;
  /** The profile each wizard draft created (by draft id): the Review step's Create is one-shot. */
  const createdDrafts = new BoundedMap<string, string>(1000);
  /** Whether a token can still enroll devices: the QR code and Export are offered only then. */
  const canEnroll = (token: TokenRecord) => token.state === "active" && token.expires > ctx.now();

  /** A profile of the kind these pages show, or null (wrong id, or a userless profile). */
  const profileOr404 = (id: string): ProfileRecord | null => {
    const found = attempt(() => profiles.get(id));
    return found.ok && found.value.enrollmentMode === USER_ASSOCIATED ? found.value : null;
  };
  const notFound = (session: Session) =>
    page({
      title: "Profile not found",
      section: "devices",
      subsection: ENROLLMENT,
      session,
      crumbs: crumbsTo(listCrumb),
      body: html`<h1>Profile not found</h1><p>There is no such enrollment profile; it may have been deleted. <a href="${AOSP_USER_ASSOCIATED}">Back to the profiles</a>.</p>`,
    });

  /**
   * The service's verdict on a draft without keeping anything: the profile is created inside a
   * transaction that is then rolled back. So "Next" on Basics refuses exactly what Create would.
   */
  const DRY_RUN = Symbol("dry run");
  const check = (input: ProfileInput): Refusal | null => {
    const result = attempt(() => {
      try {
        ctx.store.transaction(() => {
          profiles.create(input);
          throw DRY_RUN;
        });
      } catch (error) {
        if (error !== DRY_RUN) throw error;
      }
    });
    return result.ok ? null : result;
  };

  /**
   * The service's one-Teams-profile rule, said in the wizard's words: the service names the other
   * profile by its id, for the API; the console names it as its list does and links to it.
   */
  const teamsRefusal = (draft: Draft): Refusal | null => {
    const otherId = draft.teams ? ctx.store.profiles.teamsProfileIds()[0] : undefined;
    if (otherId === undefined) return null;
    const other = attempt(() => profiles.get(otherId));
    const name = other.ok ? other.value.displayName : otherId;
    const lead = "For Microsoft Teams devices (preview): only one profile per tenant can be for Microsoft Teams devices, and";
    const end = "already is. Select Disabled for this profile.";
    return {
      field: "teams",
      code: "invalidRequest",
      message: `${lead} the profile ${name} ${end}`,
      shown: profileOr404(otherId) ? html`${lead} the profile <a href="${AOSP_USER_ASSOCIATED}/${otherId}">${name}</a> ${end}` : undefined,
    };
  };

  app.get(ENROLLMENT, async (request, reply) =>
    sendPage(
      reply,
      page({
        title: "Enrollment",
        section: "devices",
        subsection: ENROLLMENT,
        session: sessionOf(request),
        crumbs: [...crumbsTo().slice(0, 2), { label: "Enrollment" }],
        body: html`<h1>Device enrollment</h1>
<nav class="tabs" aria-label="Platform"><ul><li><a href="${ENROLLMENT}" aria-current="page">Android</a></li></ul></nav>
<section aria-labelledby="aosp-heading" class="card">
  <h2 id="aosp-heading">Android Open Source Project (AOSP)</h2>
  <p>Enrollment profiles for corporate-owned devices built on AOSP, without Google Mobile Services.</p>
  <ul class="link-list">
    <li><a href="${AOSP_USER_ASSOCIATED}">Corporate-owned, user-associated devices</a>
      <span class="hint">Devices used by one person, exclusively for work.</span></li>
  </ul>
</section>`,
      }),
    ),
  );

  // The breadcrumbs' and addresses' middle segments have no page of their own in the admin
  // center; an address trimmed to them goes to the Enrollment page, which lists both.
  for (const parent of [`${ENROLLMENT}/android`, `${ENROLLMENT}/android/aosp`]) {
    app.get(parent, async (_request, reply) => reply.redirect(ENROLLMENT, 303));
  }

  app.get<{ Querystring: { page?: string } }>(AOSP_USER_ASSOCIATED, async (request, reply) => {
    // A page of profiles: only its profiles are looked up (token, enrolled devices) and rendered.
    const all = profiles.list().filter((p) => p.enrollmentMode === USER_ASSOCIATED);
    const at = listPage(queryText(request.query.page), all.length);
    const list = all.slice(at.offset, at.offset + PAGE_SIZE).map((p) => profiles.view(p));
    return sendPage(
      reply,
      page({
        title: "Corporate-owned, user-associated devices",
        section: "devices",
        subsection: ENROLLMENT,
        session: sessionOf(request),
        crumbs: crumbsTo({ label: "Corporate-owned, user-associated devices" }),
        body: html`<h1>Android (AOSP) | Corporate-owned, user-associated devices</h1>
${commandBar("Profiles", html`<a class="button primary" href="${AOSP_USER_ASSOCIATED}/create">Create profile</a>`)}
${pageRefusal(at)}
${table(
  "Enrollment profiles",
  [
    { kind: "text", header: "Name", cell: (v) => html`<a href="${AOSP_USER_ASSOCIATED}/${v.profile.id}">${v.profile.displayName}</a>` },
    { kind: "text", header: "Description", cell: (v) => v.profile.description },
    { kind: "short", header: "Token expiration date", cell: (v) => when(v.token.expires) },
    { header: "Enrolled devices", cell: (v) => v.enrolledDeviceCount },
    { kind: "short", header: "Created", cell: (v) => when(v.profile.created) },
  ],
  list,
  "No profiles yet. Select Create profile to make one.",
)}
${pager("Enrollment profiles pages", at, list.length, (n) => `${AOSP_USER_ASSOCIATED}?page=${n}`)}`,
      }),
      at.refused ? 400 : 200,
    );
  });

  const wizard = (session: Session, step: Step, draft: Draft, refusal?: Refusal): string => {
    // One aria-describedby per control, naming its hint and its error: a browser keeps only the
    // first of two such attributes, which left the error unannounced.
    const shown = refusal && shownRefusal(refusal);
    const errors = fieldErrors(shown);
    const now = ctx.now();
    const carried = (names: (keyof Draft)[]): Html[] =>
      names.map((name) => {
        const value = draft[name];
        const text = typeof value === "boolean" ? (value ? "enabled" : "disabled") : value;
        return html`<input type="hidden" name="${name}" value="${text}">`;
      });
    const all: (keyof Draft)[] = ["displayName", "description", "expiry", "wifiSsid", "wifiHidden", "wifiType", "wifiPassword", "teams"];
    const radios = (name: "wifiHidden" | "teams", legend: string, hint: string) => html`<fieldset class="field"${errors.attributes(name, true)}>
  <legend>${legend}</legend>
  <p class="hint" id="${name}-hint">${hint}</p>
  <div class="segmented">
    <input type="radio" id="${name}-disabled" name="${name}" value="disabled"${draft[name] ? "" : html` checked`}><label for="${name}-disabled">Disabled</label>
    <input type="radio" id="${name}-enabled" name="${name}" value="enabled"${draft[name] ? html` checked` : ""}><label for="${name}-enabled">Enabled</label>
  </div>
  ${errors.note(name)}
</fieldset>`;

    let content: Html;
    if (step === "basics") {
      content = html`<h2>Basics</h2>
<div class="field"><label for="displayName">Name <span class="required" aria-hidden="true">*</span></label>
  <input id="displayName" name="displayName" value="${draft.displayName}" required${errors.attributes("displayName", true)}${errors.first()}>
  <p class="hint" id="displayName-hint">Note the name: the dynamic device group's rule uses it.</p>${errors.note("displayName")}</div>
<div class="field"><label for="description">Description</label>
  <textarea id="description" name="description" rows="3"${errors.attributes("description")}>${draft.description}</textarea>${errors.note("description")}</div>
<div class="field"><label for="expiry">Token expiration date <span class="required" aria-hidden="true">*</span></label>
  <input id="expiry" name="expiry" type="date" value="${draft.expiry}" min="${dateInputValue(now + DAY_MS)}" max="${dateInputValue(addYears(now, 65))}" required${errors.attributes("expiry", true)}>
  <p class="hint" id="expiry-hint">Up to 65 years in the future.</p>${errors.note("expiry")}</div>
<div class="field"><label for="wifiSsid">SSID</label>
  <input id="wifiSsid" name="wifiSsid" value="${draft.wifiSsid}"${errors.attributes("wifiSsid", true)}>
  <p class="hint" id="wifiSsid-hint">The network devices join during setup. Needed when a device cannot join a network by itself.</p>${errors.note("wifiSsid")}</div>
${radios("wifiHidden", "Hidden network", "Disabled: the network broadcasts its SSID.")}
<div class="field"><label for="wifiType">Wi-Fi type</label>
  <select id="wifiType" name="wifiType">${WIFI_TYPES.map(
    (t) => html`<option value="${t.value}"${t.value === draft.wifiType ? html` selected` : ""}>${t.label}</option>`,
  )}</select></div>
<div class="field psk"><label for="wifiPassword">Pre-shared key</label>
  <input id="wifiPassword" name="wifiPassword" value="${draft.wifiPassword}" autocomplete="off"${errors.attributes("wifiPassword", true)}>
  <p class="hint" id="wifiPassword-hint">For WEP and WPA: the key that authenticates with the network. The QR code carries it in plain text.</p>${errors.note("wifiPassword")}</div>
${radios("teams", "For Microsoft Teams devices (preview)", "Enable only for Microsoft Teams Android devices; one such profile per tenant.")}
${carried([])}`;
    } else if (step === "scope") {
      content = html`<h2>Scope tags</h2>
<p>Scope tags decide which admins see this profile. This tenant has one scope tag, which the profile gets.</p>
${table("Scope tags", [{ header: "Name", cell: (name: string) => name }, { header: "ID", cell: () => "0" }], ["Default"], "")}
${carried(all)}`;
    } else {
      content = html`<h2>Review + create</h2>
<h3>Basics</h3>
${properties([
  ["Name", draft.displayName],
  ["Description", draft.description || "—"],
  ["Platform", "Android (AOSP)"],
  ["Token expiration date", draft.expiry],
  ["SSID", draft.wifiSsid || "—"],
  ["Hidden network", enabled(draft.wifiHidden)],
  ["Wi-Fi type", wifiTypeLabel(draft.wifiType)],
  ...(draft.wifiType === "none" ? [] : ([["Pre-shared key", "••••••••"]] as [string, string][])),
  ["For Microsoft Teams devices (preview)", enabled(draft.teams)],
])}
<h3>Scope tags</h3>
${properties([["Scope tags", "Default"]])}
${carried(all)}`;
    }
    const index = STEPS.findIndex((s) => s.id === step);
    // Basics opens in its Name box; the later steps have nothing the admin must fill (the seed:
    // "Select Next and optionally, select scope tags. Select Next. Review ... select Create"),
    // so they open on the button the seed goes on with, not at the top of the page, a dozen Tabs
    // away. A refused step opens on its error summary instead.
    const nextFocus = step !== "basics" && shown === undefined ? html` autofocus` : "";
    return page({
      title: `Create profile - ${STEPS[index]!.label}`,
      section: "devices",
      subsection: ENROLLMENT,
      session,
      crumbs: crumbsTo(listCrumb, { label: "Create profile" }),
      body: html`<h1>Create profile</h1>
<p class="subtitle">Android (AOSP) · Corporate-owned, user-associated devices</p>
<ol class="wizard-steps">${STEPS.map(
        (s, i) => html`<li class="${i < index ? "done" : ""}"${i === index ? html` aria-current="step"` : ""}>${s.label}</li>`,
      )}</ol>
${errorSummary(shown?.message)}
${postForm(
  session,
  `${AOSP_USER_ASSOCIATED}/create`,
  html`<input type="hidden" name="step" value="${step}"><input type="hidden" name="draft" value="${draft.id}">
${content}
<div class="wizard-buttons">
  ${index > 0 ? html`<button type="submit" name="go" value="previous" formnovalidate>Previous</button>` : ""}
  ${
    step === "review"
      ? html`<button type="submit" name="go" value="create" class="primary"${nextFocus}>Create</button>`
      : html`<button type="submit" name="go" value="next" class="primary"${nextFocus}>Next</button>`
  }
  <a class="button" href="${AOSP_USER_ASSOCIATED}">Cancel</a>
</div>`,
  "wizard",
)}`,
    });
  };

  app.get(`${AOSP_USER_ASSOCIATED}/create`, async (request, reply) =>
    sendPage(reply, wizard(sessionOf(request), "basics", draftOf(undefined, ctx.now()))),
  );

  app.post<{ Body: FormBody }>(`${AOSP_USER_ASSOCIATED}/create`, async (request, reply) => {
    const session = sessionOf(request);
    const now = ctx.now();
    const draft = draftOf(request.body, now);
    const step = STEPS.find((s) => s.id === field(request.body, "step"))?.id ?? "basics";
    const go = field(request.body, "go");
    const index = STEPS.findIndex((s) => s.id === step);
    if (go === "previous") return sendPage(reply, wizard(session, STEPS[Math.max(0, index - 1)]!.id, draft));
    if (go === "create") {
      const already = createdDrafts.get(draft.id);
      if (already !== undefined) return reply.redirect(`${AOSP_USER_ASSOCIATED}/${already}?done=alreadyCreated`, 303);
      const refused = wifiRefusal(draft) ?? teamsRefusal(draft);
      if (refused) return sendPage(reply, wizard(session, "basics", draft, refused), 400);
      const created = attempt(() => profiles.create(profileInput(draft, now)));
      if (!created.ok) return sendPage(reply, wizard(session, "basics", draft, created), 400);
      createdDrafts.set(draft.id, created.value.id);
      return reply.redirect(`${AOSP_USER_ASSOCIATED}/${created.value.id}?done=created`, 303);
    }
    if (step === "basics") {
      // The Teams rule is checked last, by the wizard, which names the other profile as the list does.
      const refusal = check(profileInput({ ...draft, teams: false }, now)) ?? wifiRefusal(draft) ?? teamsRefusal(draft);
      if (refusal) return sendPage(reply, wizard(session, "basics", draft, refusal), 400);
    }
    return sendPage(reply, wizard(session, STEPS[Math.min(STEPS.length - 1, index + 1)]!.id, draft));
  });

  app.get<{ Params: { id: string }; Querystring: { done?: string } }>(`${AOSP_USER_ASSOCIATED}/:id`, async (request, reply) => {
    const session = sessionOf(request);
    const profile = profileOr404(request.params.id);
    if (!profile) return sendPage(reply, notFound(session), 404);
    const view = profiles.view(profile);
    const base = `${AOSP_USER_ASSOCIATED}/${profile.id}`;
    return sendPage(
      reply,
      page({
        title: profile.displayName,
        section: "devices",
        subsection: ENROLLMENT,
        session,
        crumbs: crumbsTo(listCrumb, { label: profile.displayName }),
        body: html`<h1>${profile.displayName}</h1>
<p class="subtitle">Android (AOSP) enrollment profile · Corporate-owned, user-associated devices</p>
${notice(CREATED_NOTICES[queryText(request.query.done)])}
${commandBar("Profile", html`<a class="button primary" href="${base}/token">Token</a>${exportButton(base, canEnroll(view.token))}`)}
${canEnroll(view.token) ? "" : html`<p class="warning" role="status">The token can no longer enroll devices, so the console offers no Export for it. Select Token, then Replace token, to issue a new one.</p>`}
<h2>Overview</h2>
${properties([
  ["Name", profile.displayName],
  ["Description", profile.description || "—"],
  ["Platform", "Android (AOSP)"],
  ["Token expiration date", when(view.token.expires)],
  ["Enrolled devices", view.enrolledDeviceCount],
  ["SSID", profile.wifiSsid || "—"],
  ["Hidden network", enabled(profile.wifiHidden)],
  ["Wi-Fi type", wifiTypeLabel(profile.wifiSecurityType)],
  ["For Microsoft Teams devices (preview)", enabled(profile.isTeamsDeviceProfile)],
  ["Scope tags", profile.roleScopeTagIds.map((id) => (id === "0" ? "Default" : id)).join(", ")],
  ["Created", when(profile.created)],
  ["Last modified", when(profile.modified)],
])}`,
      }),
    );
  });

  app.get<{ Params: { id: string }; Querystring: { done?: string } }>(`${AOSP_USER_ASSOCIATED}/:id/token`, async (request, reply) => {
    const session = sessionOf(request);
    const profile = profileOr404(request.params.id);
    if (!profile) return sendPage(reply, notFound(session), 404);
    const { token } = profiles.view(profile);
    const base = `${AOSP_USER_ASSOCIATED}/${profile.id}`;
    const usable = canEnroll(token);
    const done = { replaced: "Token replaced. Devices now enroll with the new QR code; enrolled devices are not affected.", revoked: "Token revoked. Devices can no longer enroll with it; enrolled devices are not affected." }[queryText(request.query.done)];
    return sendPage(
      reply,
      profileSubpage(session, profile, "Token", html`<h1>Token</h1>
<p class="subtitle">${profile.displayName}</p>
${notice(done)}
${commandBar(
  "Token",
  html`<a class="button" href="${base}/token/replace">Replace token</a>${usable ? html`<a class="button" href="${base}/token/revoke">Revoke token</a>` : ""}${exportButton(base, usable)}`,
)}
${properties([
  ["Token expiration date", when(token.expires)],
  ["Status", usable ? "Active" : token.state === "revoked" ? `Revoked ${when(token.expires)}` : "Expired"],
  ["Enrollments with this token", token.usageCount],
])}
${
  usable
    ? html`<figure class="qr"><img src="${base}/qr.png" alt="Enrollment token QR code for ${profile.displayName}" width="448" height="448">
<figcaption>${qrCaption(profile)}</figcaption></figure>`
    : html`<p class="warning" role="status">${NO_LONGER_ENROLLS}</p>`
}`,
      ),
    );
  });

  app.get<{ Params: { id: string } }>(`${AOSP_USER_ASSOCIATED}/:id/qr.png`, async (request, reply) => {
    const profile = profileOr404(request.params.id);
    if (!profile) return reply.code(404).type("text/plain; charset=utf-8").send("no such profile\n");
    const view = profiles.view(profile);
    if (!canEnroll(view.token)) return reply.code(409).type("text/plain; charset=utf-8").send(`${NO_LONGER_ENROLLS}\n`);
    return reply.type("image/png").send(await profiles.qrPng(view));
  });

  app.get<{ Params: { id: string } }>(`${AOSP_USER_ASSOCIATED}/:id/export`, async (request, reply) => {
    const session = sessionOf(request);
    const profile = profileOr404(request.params.id);
    if (!profile) return reply.code(404).type("text/plain; charset=utf-8").send("no such profile\n");
    const view = profiles.view(profile);
    // Reached only by a link kept from before the token was revoked or expired: a page that
    // says why, rather than a file a device is refused with.
    if (!canEnroll(view.token)) return sendPage(reply, noExport(session, profile), 409);
    return reply
      .type("application/json; charset=utf-8")
      .header("Content-Disposition", contentDisposition("attachment", profile.displayName, "json"))
      .send(JSON.stringify(view.payload, null, 2));
  });

  const noExport = (session: Session, profile: ProfileRecord) => {
    const base = `${AOSP_USER_ASSOCIATED}/${profile.id}`;
    return profileSubpage(session, profile, "Export", html`<h1>Export</h1>
<p class="warning" role="status">${NO_LONGER_ENROLLS}</p>
<p><a href="${base}/token">Go to the token</a></p>`,
    );
  };

  const replaceForm = (session: Session, profile: ProfileRecord, expiry: string, error?: string) => {
    // The date is the form's one field, so every refusal of the new token is about it.
    const errors = fieldErrors(error === undefined ? undefined : { field: "expiry", message: error });
    return profileSubpage(session, profile, "Replace token", html`<h1>Replace token</h1>
<p>A new token replaces the current one, which stops working at once. Devices already enrolled are not affected.</p>
${errorSummary(error)}
${postForm(
  session,
  `${AOSP_USER_ASSOCIATED}/${profile.id}/token/replace`,
  html`<div class="field"><label for="expiry">Token expiration date <span class="required" aria-hidden="true">*</span></label>
  <input id="expiry" name="expiry" type="date" value="${expiry}" min="${dateInputValue(ctx.now() + DAY_MS)}" max="${dateInputValue(addYears(ctx.now(), 65))}" required${errors.attributes("expiry", true)}${errors.first()}>
  <p class="hint" id="expiry-hint">Up to 65 years in the future.</p>${errors.note("expiry")}</div>
<div class="wizard-buttons"><button type="submit" class="primary">OK</button><a class="button" href="${AOSP_USER_ASSOCIATED}/${profile.id}/token">Cancel</a></div>`,
)}`,
    );
  };

  app.get<{ Params: { id: string } }>(`${AOSP_USER_ASSOCIATED}/:id/token/replace`, async (request, reply) => {
    const session = sessionOf(request);
    const profile = profileOr404(request.params.id);
    if (!profile) return sendPage(reply, notFound(session), 404);
    return sendPage(reply, replaceForm(session, profile, dateInputValue(ctx.now() + DEFAULT_TOKEN_VALIDITY_MS)));
  });

  app.post<{ Params: { id: string }; Body: FormBody }>(`${AOSP_USER_ASSOCIATED}/:id/token/replace`, async (request, reply) => {
    const session = sessionOf(request);
    const profile = profileOr404(request.params.id);
    if (!profile) return sendPage(reply, notFound(session), 404);
    const expiry = field(request.body, "expiry");
    const now = ctx.now();
    const at = Date.parse(pickedDateTime(expiry, now));
    if (expiry !== "" && !Number.isFinite(at)) {
      return sendPage(reply, replaceForm(session, profile, expiry, `Token expiration date "${expiry}" is not a date: pick one, from tomorrow up to 65 years ahead.`), 400);
    }
    // createToken takes a validity in seconds. An empty date leaves it out, so the service's
    // default applies (90 days), as it does for the wizard's empty date and for the admin API.
    const seconds = expiry === "" ? undefined : Math.round((at - now) / 1000);
    const replaced = attempt(() => profiles.createToken(profile.id, seconds));
    if (!replaced.ok) return sendPage(reply, replaceForm(session, profile, expiry, expiryRefusalText(replaced.message, "tokenValidityInSeconds")), 400);
    return reply.redirect(`${AOSP_USER_ASSOCIATED}/${profile.id}/token?done=replaced`, 303);
  });

  /**
   * Revoke token on a token that can no longer enroll devices (revoked already, or expired),
   * reached by a link or a confirmation kept from before: nothing is left to revoke (revoking
   * an expired token would only relabel it "Revoked"), so the page says so instead of asking.
   */
  const nothingToRevoke = (session: Session, profile: ProfileRecord, token: TokenRecord) => {
    const base = `${AOSP_USER_ASSOCIATED}/${profile.id}`;
    const state = token.state === "revoked" ? `was revoked ${when(token.expires)}` : `expired ${when(token.expires)}`;
    return profileSubpage(session, profile, "Revoke token", html`<h1>Revoke token</h1>
<p class="warning" role="status">The token ${state} and can no longer enroll devices: there is nothing to revoke. Select Replace token to issue a new one.</p>
<p><a href="${base}/token">Go to the token</a></p>`,
    );
  };

  app.get<{ Params: { id: string } }>(`${AOSP_USER_ASSOCIATED}/:id/token/revoke`, async (request, reply) => {
    const session = sessionOf(request);
    const profile = profileOr404(request.params.id);
    if (!profile) return sendPage(reply, notFound(session), 404);
    const { token } = profiles.view(profile);
    if (!canEnroll(token)) return sendPage(reply, nothingToRevoke(session, profile, token), 409);
    const base = `${AOSP_USER_ASSOCIATED}/${profile.id}`;
    return sendPage(
      reply,
      profileSubpage(session, profile, "Revoke token", html`<h1>Revoke token</h1>
${confirmation(
  session,
  `Are you sure you want to revoke the token of ${profile.displayName}?`,
  "The token expires at once and no device can enroll with it. Devices already enrolled are not affected.",
  `${base}/token/revoke`,
  `${base}/token`,
)}`,
      ),
    );
  });

  app.post<{ Params: { id: string } }>(`${AOSP_USER_ASSOCIATED}/:id/token/revoke`, async (request, reply) => {
    const session = sessionOf(request);
    const profile = profileOr404(request.params.id);
    if (!profile) return sendPage(reply, notFound(session), 404);
    const { token } = profiles.view(profile);
    if (!canEnroll(token)) return sendPage(reply, nothingToRevoke(session, profile, token), 409);
    profiles.revokeToken(profile.id);
    return reply.redirect(`${AOSP_USER_ASSOCIATED}/${profile.id}/token?done=revoked`, 303);
  });
}
