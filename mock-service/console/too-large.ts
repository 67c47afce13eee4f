/**
 * The console's page for a form body larger than the console reads (FORM_BODY_LIMIT; the sign-in
 * form's smaller one): it used to be the admin API's JSON 413 in the browser's place, naming the
 * service's default limit for JSON bodies (256 KiB) rather than the form's, with no way back but
 * the Back button. The page says nothing was saved, the limit, what to do, and links back to the
 * form. Signed out, it is the sign-in page saying the form was not saved, as for any form posted
 * after the session ended.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { sizeText } from "../http/errors.js";
import { html } from "./html.js";
import { errorSummary, page, signInPage } from "./layout.js";
import { backTo, sendPage } from "./route-helpers.js";

/** Whether the error is fastify's refusal of a body over the route's limit. */
export function isFormTooLarge(error: FastifyError): boolean {
  return error.code === "FST_ERR_CTP_BODY_TOO_LARGE";
}

/** The answer to a form over its route's limit (every console route sets its own, see index.ts). */
export function formTooLarge(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const limit = sizeText(request.routeOptions.bodyLimit ?? 0);
  const back = backTo(request);
  const session = request.consoleSession;
  if (request.url.split("?")[0] === "/signin") {
    const error = html`That is not this service's admin token: the form sent is larger than the ${limit} the sign-in page reads. Copy the token from the first line <code>aosp-sim serve</code> printed.`;
    return sendPage(reply, signInPage({ next: "/", error }), 413);
  }
  if (!session) return sendPage(reply, signInPage({ next: back, ended: { typed: [] } }), 413);
  const body = html`<h1>Not sent</h1>
${errorSummary(`The form is larger than the ${limit} the console reads, so it was not read and nothing was saved.`)}
<p>One of its boxes holds far more text than the service takes (a name is at most 256 characters, terms and conditions 65,536): go back, shorten what was pasted, and send the form again.</p>
<p><a href="${back}">Go back</a></p>`;
  return sendPage(reply, page({ title: "Not sent", section: "home", session, body }), 413);
}
