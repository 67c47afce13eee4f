/**
 * The console's own page for a request its database cannot serve (the disk full, the file
 * damaged): a form posted then used to get the admin API's Graph JSON error in the browser's
 * place, with no way back but the Back button. The page says what happened, that nothing was
 * saved, and what to do, with a link back to the form, at the status the API gives (503).
 * A form whose bytes are not UTF-8 (form.ts) gets such a page too, at 400.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { isCorruptionError, isStorageFullError } from "../store/database.js";
import { html } from "./html.js";
import { formProblem } from "./form.js";
import { errorSummary, page, signInPage } from "./layout.js";
import { backTo, sendPage } from "./route-helpers.js";
import type { Session } from "./session.js";
import { isFormTooLarge, formTooLarge } from "./too-large.js";

/** What happened and what to do, for a store failure; null for any other error. */
function storeProblem(error: unknown): { what: string; todo: string } | null {
  if (isStorageFullError(error)) {
    return {
      what: "The disk holding the service's database is full, so this change could not be saved. Nothing was saved.",
      todo: "Free space on that disk (the service log names the failed request), then go back and submit the form again.",
    };
  }
  if (isCorruptionError(error)) {
    return {
      what: "The service's database file is damaged, so this request could not be served. Nothing was saved.",
      todo: "Restore the database file from a backup and restart the service (the service log has the details).",
    };
  }
  return null;
}

/** The page for a request that saved nothing: what happened, what to do, and a link back to the form. */
function notSavedPage(request: FastifyRequest, session: Session, problem: { what: string; todo: string }): string {
  const body = html`<h1>Not saved</h1>
${errorSummary(problem.what)}
<p>${problem.todo}</p>
<p><a href="${backTo(request)}">Go back</a></p>`;
  return page({ title: "Not saved", section: "home", session, body });
}

/**
 * The console's error handler: a store failure is the page above (and one log line, as the API's
 * handler writes), a form too large to read is too-large.ts's page, a form whose bytes are not
 * UTF-8 a page saying so (signed out, the sign-in page saying it); any other error is thrown on to
 * the service's handler.
 */
export function consoleErrorHandler(log: (line: string) => void) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    if (isFormTooLarge(error)) return formTooLarge(request, reply);
    const session = request.consoleSession;
    const unread = formProblem(error);
    if (unread !== null) {
      if (session === null) return sendPage(reply, signInPage({ next: "/", error: `${unread.what} ${unread.todo}` }), unread.status);
      return sendPage(reply, notSavedPage(request, session, unread), unread.status);
    }
    const problem = storeProblem(error);
    if (problem === null || session === null) throw error;
    log(`${isStorageFullError(error) ? "disk full" : "damaged database"} on console ${request.method} ${request.url}: ${error.message}`);
    return sendPage(reply.header("Retry-After", "60"), notSavedPage(request, session, problem), 503);
  };
}
