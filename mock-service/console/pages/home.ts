/** Home: where the admin center opens, with the seed's procedure as a list of links. */
import type { FastifyInstance } from "fastify";
import { html } from "../html.js";
import { page } from "../layout.js";
import { sendPage, sessionOf, type ConsoleDeps } from "../route-helpers.js";
import { properties } from "./common.js";
import { AOSP_USER_ASSOCIATED } from "./enrollment.js";

export function homePages(app: FastifyInstance, { services }: ConsoleDeps): void {
  const { ctx } = services;
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
  ["Devices", ctx.store.devices.listVisible().length],
])}
<section class="card" aria-labelledby="steps">
<h2 id="steps">Set up Android (AOSP) corporate-owned, user-associated devices</h2>
<ol class="steps">
  <li><a href="/users">Users</a>: create the device users and assign each a licence that includes Intune.</li>
  <li><a href="${AOSP_USER_ASSOCIATED}">Devices &gt; Enrollment &gt; Android &gt; Corporate-owned, user-associated devices</a>: Create profile.</li>
  <li>Open the profile and select Token: scan its QR code on the device (or Export the JSON).</li>
  <li><a href="/groups/new">Groups &gt; New group</a>: a dynamic device group on enrollmentProfileName.</li>
  <li><a href="/devices">Devices</a>: watch devices enroll; Wipe or Delete one; check Discovered apps.</li>
  <li><a href="/troubleshooting">Troubleshooting + support</a>: a user's AOSP devices.</li>
</ol>
</section>`,
      }),
    ),
  );
}
