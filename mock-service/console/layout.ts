/**
 * The page shell: a top bar, the left navigation of the admin center, breadcrumbs and the main
 * region. Every page is a complete document that works without scripts; the one bundled script
 * (htmx and its SSE extension) only adds the live parts.
 */
import { html, type Html, type Interpolation } from "./html.js";
import { CSRF_FIELD, type Session } from "./session.js";

export const ASSETS = "/console-assets";

interface NavItem {
  href: string;
  label: string;
}

/**
 * The left navigation, in the admin center's order, with the pages under a section that the
 * seed's procedure opens (Devices > Enrollment, Configuration, Compliance; Tenant administration
 * > Terms and conditions). `section` marks the current section, `subsection` the page under it.
 */
const NAV = [
  { href: "/", label: "Home", section: "home" },
  {
    href: "/devices",
    label: "Devices",
    section: "devices",
    sub: [
      { href: "/devices/enrollment", label: "Enrollment" },
      { href: "/devices/configuration", label: "Configuration" },
      { href: "/devices/compliance", label: "Compliance" },
    ],
  },
  { href: "/users", label: "Users", section: "users" },
  { href: "/groups", label: "Groups", section: "groups" },
  {
    href: "/tenant-admin",
    label: "Tenant administration",
    section: "tenant",
    sub: [{ href: "/tenant-admin/terms-and-conditions", label: "Terms and conditions" }],
  },
  { href: "/troubleshooting", label: "Troubleshooting + support", section: "troubleshooting" },
] as const satisfies readonly (NavItem & { section: string; sub?: readonly NavItem[] })[];

export type Section = (typeof NAV)[number]["section"];
/** The href of a page under a section in the left navigation. */
export type Subsection = Extract<(typeof NAV)[number], { sub: unknown }>["sub"][number]["href"];

export interface Crumb {
  label: string;
  href?: string;
}

export interface PageOptions {
  title: string;
  /** The left navigation's section the page is in; null for a page in none (Page not found). */
  section: Section | null;
  /** The navigation's page under the section, when the page belongs to one. */
  subsection?: Subsection;
  crumbs?: Crumb[];
  session: Session;
  body: Interpolation;
}

function head(title: string): Html {
  return html`<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="htmx-config" content='{"includeIndicatorStyles":false,"allowEval":false,"allowScriptTags":false,"selfRequestsOnly":true}'>
<title>${title} - aosp-sim admin center</title>
<link rel="stylesheet" href="${ASSETS}/console.css">
<script type="module" src="${ASSETS}/console.js"></script>
</head>`;
}

export function page(options: PageOptions): string {
  const crumbs = options.crumbs ?? [];
  return `<!doctype html>\n${html`<html lang="en">
${head(options.title)}
<body>
<a class="skip-link" href="#main">Skip to main content</a>
<header class="top-bar">
  <a class="brand" href="/">aosp-sim admin center</a>
  <form method="post" action="/signout" class="sign-out">
    ${csrfField(options.session)}
    <button type="submit" class="link-button">Sign out</button>
  </form>
</header>
<div class="shell">
  <nav class="left-nav" aria-label="Admin center">
    <ul>
      ${NAV.map((item) => {
        const current = item.section === options.section;
        const sub = "sub" in item ? item.sub : [];
        return html`<li><a href="${item.href}"${current && !options.subsection ? html` aria-current="page"` : ""}>${item.label}</a>${
          sub.length > 0
            ? html`<ul>${sub.map(
                (child) => html`<li><a href="${child.href}"${child.href === options.subsection ? html` aria-current="page"` : ""}>${child.label}</a></li>`,
              )}</ul>`
            : ""
        }</li>`;
      })}
    </ul>
  </nav>
  <main id="main" tabindex="-1">
    ${
      crumbs.length > 0
        ? html`<nav class="breadcrumbs" aria-label="Breadcrumb"><ol>${crumbs.map((c) =>
            c.href ? html`<li><a href="${c.href}">${c.label}</a></li>` : html`<li><span aria-current="location">${c.label}</span></li>`,
          )}</ol></nav>`
        : ""
    }
    ${options.body}
  </main>
</div>
</body>
</html>`}`;
}

/** The sign-in page: the only page shown without a session. */
/**
 * The sign-in page. `ended` is given when a form was posted without a live session (the service
 * restarted, 8 idle hours, signed out elsewhere): the page says the form was not saved, links back
 * to the page it was on (`next`, where signing in returns), and shows what was typed in it, so
 * nothing needs retyping from memory.
 */
export function signInPage(options: { next: string; error?: Interpolation; ended?: { typed: [string, string][] } }): string {
  return `<!doctype html>\n${html`<html lang="en">
${head("Sign in")}
<body class="sign-in-page">
<main id="main" class="sign-in-card">
  <h1>aosp-sim admin center</h1>
  <p>Sign in with the admin token that <code>aosp-sim serve</code> printed on its first line.</p>
  ${options.ended ? sessionEnded(options.next, options.ended.typed) : ""}
  ${options.error ? html`<p class="error-summary" role="alert" id="token-error">${options.error}</p>` : ""}
  <form method="post" action="/signin">
    <input type="hidden" name="next" value="${options.next}">
    <div class="field">
      <label for="token">Admin token</label>
      <input id="token" name="token" type="password" autocomplete="current-password" required autofocus
        ${options.error ? html`aria-invalid="true" aria-describedby="token-error"` : ""}>
    </div>
    <button type="submit" class="primary">Sign in</button>
  </form>
</main>
</body>
</html>`}`;
}

function sessionEnded(next: string, typed: [string, string][]): Html {
  return html`<div class="warning" role="alert"><p><strong>Your session has ended, so the form was not saved.</strong>
Sign in again to go back to <a href="${next}">the page the form was on</a>, then send it again.</p>
${typedList(typed)}</div>`;
}

/** What a form that was not saved held, so nothing needs retyping from memory. */
function typedList(typed: [string, string][]): Html | string {
  return typed.length === 0
    ? ""
    : html`<p>What the form held (passwords and keys are not shown):</p><dl class="typed">${typed.map(([name, value]) => html`<dt>${name}</dt><dd>${value === "" ? "(empty)" : value}</dd>`)}</dl>`;
}

/**
 * The page for a form whose CSRF token is not this session's: it was loaded in an earlier
 * session (signed out and in again since, in another tab), so it cannot be told from a forgery
 * and is not saved. The page says so, links back to the form's page (reloaded, it carries this
 * session's token), and shows what the form held. It was a bare text/plain 403.
 */
export function staleFormPage(session: Session, back: string, typed: [string, string][]): string {
  return page({
    title: "Not saved",
    section: "home",
    session,
    body: html`<h1>Not saved</h1>
<div class="error-summary" role="alert" tabindex="-1" autofocus><strong>Something needs fixing:</strong> This form was opened before you last signed in, so it was not saved.</div>
<p>Go back to <a href="${back}">the page the form was on</a> (it opens again for this sign-in), then fill it in and send it again.</p>
${typedList(typed)}`,
  });
}

/**
 * The page for a console address that leads nowhere (a mistyped or trimmed address): the
 * console's layout and navigation, the address asked for, and a link to every page the left
 * navigation holds, in its order (the seed's steps, its next steps and Troubleshooting).
 */
export function notFoundPage(session: Session, path: string): string {
  return page({
    title: "Page not found",
    section: null,
    session,
    crumbs: [{ label: "Home", href: "/" }, { label: "Page not found" }],
    body: html`<h1>Page not found</h1>
<p>The console has no page at <code>${path}</code>. Check the address, or go to one of these:</p>
<ul class="link-list">
  <li><a href="/">Home</a>, the checklist of the seed's steps</li>
  <li><a href="/devices">All devices</a></li>
  <li><a href="/devices/enrollment">Enrollment</a>: Android, AOSP, Corporate-owned, user-associated devices</li>
  <li><a href="/devices/configuration">Configuration</a>: Android (AOSP) device restrictions policies</li>
  <li><a href="/devices/compliance">Compliance</a>: Android (AOSP) compliance policies</li>
  <li><a href="/users">Users</a></li>
  <li><a href="/groups">Groups</a></li>
  <li><a href="/tenant-admin">Tenant administration</a>: the MDM authority and subscriptions</li>
  <li><a href="/tenant-admin/terms-and-conditions">Terms and conditions</a></li>
  <li><a href="/troubleshooting">Troubleshooting + support</a>: a user's AOSP devices</li>
</ul>`,
  });
}

export function csrfField(session: Session): Html {
  return html`<input type="hidden" name="${CSRF_FIELD}" value="${session.csrfToken}">`;
}

/** A POST form with the CSRF field; the fields and the submit button go inside. */
export function postForm(session: Session, action: string, inner: Interpolation, className = ""): Html {
  return html`<form method="post" action="${action}" class="${className}">${csrfField(session)}${inner}</form>`;
}

/**
 * An alert region for a refusal from the service (its own message, unchanged, or the console's
 * words with a link). A refused form is a new page, so the region takes the focus as it loads
 * (autofocus, no script): keyboard and screen reader users start at what needs fixing rather
 * than at the top of the page; the field it names is described by the same message.
 */
export function errorSummary(message: Interpolation): Html | string {
  return message ? html`<div class="error-summary" role="alert" tabindex="-1" autofocus><strong>Something needs fixing:</strong> ${message}</div>` : "";
}

/** A notice after an action succeeded (from a ?done= query the action redirected to). */
export function notice(message: string | undefined): Html | string {
  return message ? html`<p class="notice" role="status">${message}</p>` : "";
}

/**
 * A confirmation ("Are you sure...?") with Yes, which posts to `action`, and No, which goes back
 * to `back`. A page of its own rather than a script dialog: it works without scripts. It opens
 * with the focus on No (autofocus), the choice that changes nothing, as a dialog that asks before
 * an action that cannot be undone should (WAI-ARIA Authoring Practices, alertdialog): keyboard
 * users were left at the top of the page, a dozen Tabs from either answer.
 */
export function confirmation(session: Session, question: string, detail: string, action: string, back: string): Html {
  return html`<section class="confirm" role="alertdialog" aria-labelledby="confirm-question" aria-describedby="confirm-detail">
<p id="confirm-question"><strong>${question}</strong></p>
<p id="confirm-detail">${detail}</p>
${postForm(session, action, html`<button type="submit" class="primary danger">Yes</button><a class="button" href="${back}" autofocus>No</a>`, "confirm-buttons")}
</section>`;
}
