/**
 * Home: where the admin center opens, with the seed's procedure as a checklist of links, its
 * prerequisites first and its next steps last. A step the tenant's data shows done says so.
 */
import type { FastifyInstance } from "fastify";
import { includesIntune, SKUS } from "../../domain/licences.js";
import { DYNAMIC } from "../../services/groups.js";
import { html, type Html } from "../html.js";
import { page } from "../layout.js";
import { sendPage, sessionOf, type ConsoleDeps } from "../route-helpers.js";
import { properties } from "./common.js";
import { AOSP_USER_ASSOCIATED } from "./enrollment.js";
import { TENANT_ADMIN } from "./tenant.js";
import { TERMS } from "./terms.js";

interface Step {
  text: Html;
  /** Done or not, where the tenant's data tells; undefined for steps done on a device or read only. */
  done?: boolean;
  /** True for a step this tenant cannot do at all (AOSP profiles in the 21Vianet cloud). */
  unavailable?: boolean;
  /** How far a step of many parts has come ("1 of 5 users have a licence ..."), shown beside its status. */
  progress?: string;
}

/** Why a 21Vianet tenant cannot do the AOSP steps, in the words the profile wizard's refusal uses. */
const NOT_IN_21VIANET = "Not available in this tenant: Android (AOSP) device management is not available in Microsoft Azure operated by 21Vianet.";

/** A step's status label, when it has one. */
function statusOf(step: Step): Html | string {
  if (step.unavailable) return html` <span class="step-status">Not available</span> <span class="hint">${NOT_IN_21VIANET}</span>`;
  if (step.done === undefined) return "";
  return html` <span class="step-status${step.done ? " done" : ""}">${step.done ? "Done" : "To do"}</span>${
    step.progress ? html` <span class="hint">${step.progress}</span>` : ""
  }`;
}

export function homePages(app: FastifyInstance, { services }: ConsoleDeps): void {
  const { ctx, tenant, policies, terms, groups } = services;
  const intuneSkus = new Set(SKUS.filter(includesIntune).map((sku) => sku.skuId));

  const steps = (): Step[] => {
    // The service refuses AOSP profiles there (aospNotAvailableIn21Vianet), so the profile and
    // its token are not "to do": they cannot be done.
    const noAosp = tenant.get().cloud === "21vianet";
    // The seed's prerequisite is a licence for every device user (a user without one is refused
    // at sign-in, userNotLicensed), so the step is done when all of them hold one, not the first.
    const users = ctx.store.users.list();
    const licensed = users.filter((u) => u.licenses.some((l) => intuneSkus.has(l.skuId))).length;
    // The policy and terms steps say "assigned to ...": one that reaches nobody is not done yet.
    const assigned = (kind: "configuration" | "compliance") => policies.list(kind).some((p) => policies.assignmentsOf(kind, p.id).length > 0);
    return [
      {
        text: html`<a href="${TENANT_ADMIN}">Tenant administration</a>: Set Microsoft Intune as MDM authority (once, before anything else).`,
        done: tenant.get().mdmAuthority === "intune",
      },
      {
        text: html`<a href="/users">Users</a>: create the device users and assign each a licence that includes Intune.`,
        done: users.length > 0 && licensed === users.length,
        ...(users.length > 0 ? { progress: `${licensed} of ${users.length} ${users.length === 1 ? "user has" : "users have"} such a licence.` } : {}),
      },
      {
        text: html`<a href="${AOSP_USER_ASSOCIATED}">Devices &gt; Enrollment &gt; Android &gt; Corporate-owned, user-associated devices</a>: Create profile.`,
        ...(noAosp ? { unavailable: true } : { done: ctx.store.profiles.list().length > 0 }),
      },
      { text: html`Open the profile and select Token: scan its QR code on the device (or Export the JSON).`, unavailable: noAosp },
      {
        text: html`<a href="/groups/new">Groups &gt; New group</a>: a dynamic device group on enrollmentProfileName.`,
        done: groups.list().some((g) => g.groupTypes.includes(DYNAMIC)),
      },
      { text: html`<a href="/devices">Devices</a>: watch devices enroll; Wipe or Delete one; check Discovered apps.` },
      { text: html`<a href="/troubleshooting">Troubleshooting + support</a>: a user's AOSP devices.` },
      {
        text: html`Next: <a href="/devices/configuration">Devices &gt; Configuration</a>: Create policy, Android (AOSP), Device restrictions, assigned to the device group.`,
        done: assigned("configuration"),
      },
      {
        text: html`Next: <a href="/devices/compliance">Devices &gt; Compliance</a>: Create policy, Android (AOSP).`,
        done: policies.list("compliance").length > 0,
      },
      {
        text: html`Next: <a href="${TERMS}">Tenant administration &gt; Terms and conditions</a>: Create, assigned to the users' group.`,
        done: terms.list().some((t) => terms.assignmentsOf(t.id).length > 0),
      },
    ];
  };

  app.get("/", async (request, reply) =>
    sendPage(
      reply,
      page({
        title: "Home",
        section: "home",
        session: sessionOf(request),
        body: html`<h1>Home</h1>
${properties([
  ["Users", ctx.store.users.list().length],
  ["Enrollment profiles", ctx.store.profiles.list().length],
  ["Devices", ctx.store.devices.countVisible()],
])}
<section class="card" aria-labelledby="steps">
<h2 id="steps">Set up Android (AOSP) corporate-owned, user-associated devices</h2>
<ol class="steps">
  ${steps().map(
    (step) =>
      html`<li>${step.text}${statusOf(step)}</li>`,
  )}
</ol>
</section>`,
      }),
    ),
  );
}
