/**
 * A running service given with --service (or to runFleet) must answer and accept the admin token before a
 * command sets anything up on it: a wrong address or token is the user's to fix (exit 2, one
 * line naming it), not an internal error halfway through a run.
 */
import { request } from "undici";
import { InputError } from "../protocol/errors.js";
import { httpDispatcher, requestFailure } from "../protocol/http-dispatcher.js";

/**
 * How long a running service gets to answer each of a command's own requests (this check, a
 * fleet's set-up of its user and profile): it answers them in milliseconds. Without a limit a
 * port that accepts connections but never answers (a hung or stopped service, another program)
 * held the command for undici's default of 300 s, saying nothing.
 */
export const SERVICE_ANSWER_TIMEOUT_MS = 10_000;

export interface ServiceRequestOptions {
  /** How long each request may wait for its answer (default SERVICE_ANSWER_TIMEOUT_MS). */
  timeoutMs?: number;
  /** Aborts the check (Ctrl-C); it then rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface ServiceCheckOptions extends ServiceRequestOptions {
  /** Where a refused admin token was given (default "--admin-token"; runFleet's "runFleet service.adminToken"). */
  tokenWhere?: string;
}

export async function checkRunningService(url: string, adminToken: string, options: ServiceCheckOptions = {}): Promise<void> {
  const { AdminAnswerError, AdminApiError, AdminClient } = await import("../../mock-service/admin-client.js");
  const timeoutMs = options.timeoutMs ?? SERVICE_ANSWER_TIMEOUT_MS;
  const notTheService = (answered: string) =>
    new InputError(`${answered}: is it an aosp-sim mock service?`, {
      where: url,
      hint: "give the URL `aosp-sim serve` printed on its first line (its base, without a path), or leave out --service for the embedded one",
    });
  let organizations: unknown;
  try {
    organizations = await new AdminClient(url, adminToken, { timeoutMs, ...(options.signal ? { signal: options.signal } : {}) }).request("GET", "/beta/organization");
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason;
    // It answered, so it was reached: with something no aosp-sim service sends (an HTML page, {bad).
    if (error instanceof AdminAnswerError) throw notTheService(`answered ${error.request} with ${error.problem}`);
    if (error instanceof AdminApiError && error.status === 401) {
      // The status in the message too: a library caller (runFleet) sees the message without its "where".
      throw new InputError(`the service refused it (${error.status} ${error.code})`, { where: options.tokenWhere ?? "--admin-token", hint: "use the token on the first line `aosp-sim serve` printed" });
    }
    if (error instanceof AdminApiError && (error.status >= 500 || error.status === 429)) throw failingService(error, url, "GET /beta/organization");
    if (error instanceof AdminApiError) throw notTheService(`answered ${error.status} ${error.code} to GET /beta/organization`);
    throw serviceRequestFailure(error, url, timeoutMs, null);
  }
  // JSON, but not the organization list every aosp-sim service answers ({} from another program).
  if (!Array.isArray((organizations as { value?: unknown } | null)?.value)) throw notTheService("answered GET /beta/organization with JSON that is not a list of organizations");
}

/** A service that answered but is failing or throttling (5xx, 429 past the client's retries). */
function failingService(error: { status: number; code: string; message: string }, url: string, during: string): InputError {
  return new InputError(`is up, but failing: it answered ${during} with ${error.message}`, {
    where: url,
    hint: "check the service (a `serve --chaos` or `--throttle` setting, its log), then run again",
  });
}

/**
 * Why a running service's set-up of a fleet (its user and profile) failed, as an InputError naming
 * the service: a refusal in the service's own words (400 mdmAuthorityNotSet: ... set it once with
 * ...), an answer no aosp-sim service gives, or no answer (serviceRequestFailure). Before, a
 * refusal was an "internal error" with a debugging hint.
 */
export async function setUpFailure(error: unknown, url: string, timeoutMs: number): Promise<InputError> {
  const { AdminAnswerError, AdminApiError } = await import("../../mock-service/admin-client.js");
  if (error instanceof AdminApiError && (error.status >= 500 || error.status === 429)) return failingService(error, url, "the fleet's set-up (its user and profile)");
  if (error instanceof AdminApiError) {
    return new InputError(`refused the fleet's set-up (its user and profile): ${error.message}`, {
      where: url,
      hint: "put the service's state right as its message says (a tenant started with --tenant new needs its MDM authority set), then run again",
    });
  }
  if (error instanceof AdminAnswerError) {
    return new InputError(`answered the fleet's set-up (${error.request}) with ${error.problem}: is it an aosp-sim mock service?`, {
      where: url,
      hint: "give the URL `aosp-sim serve` printed on its first line, or leave out --service for the embedded one",
    });
  }
  return serviceRequestFailure(error, url, timeoutMs, "while the fleet's user and profile were set up");
}

/**
 * A request to a running service that got no answer, as an InputError naming the service:
 * nothing listening (or no such host) is "cannot reach"; a connection taken but no answer in
 * `timeoutMs` is said as such, since starting a service there is not the fix. `during` says what
 * the command was doing when an answer had come before (a fleet's set-up), null for the first request.
 */
export function serviceRequestFailure(error: unknown, url: string, timeoutMs: number, during: string | null): InputError {
  const code = (error as { code?: string } | null)?.code;
  if (code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT") {
    const seconds = `${timeoutMs / 1000} s`;
    return during === null
      ? new InputError(`answers no HTTP within ${seconds}: something accepts connections there but does not answer`, {
          where: url,
          hint: "check that this is the URL `aosp-sim serve` printed (not another program's port), and that the service is not stopped (kill -STOP, a debugger) or hung: restart it",
        })
      : new InputError(`answered no HTTP within ${seconds} ${during}: the service stopped answering`, {
          where: url,
          hint: "check that the service is not stopped (kill -STOP, a debugger), hung or overloaded, then run again",
        });
  }
  return during === null
    ? new InputError(`cannot reach the service (${requestFailure(error)})`, { where: url, hint: "start it with `aosp-sim serve`, or check the URL" })
    : new InputError(`the service could not be reached ${during} (${requestFailure(error)}): it answered before, and stopped`, {
        where: url,
        hint: "check that the service is still running (`aosp-sim serve`), then run again",
      });
}

/** How long the addresses a QR code gives devices get to answer before the run (a DNS failure or a refused connection is immediate). */
const REACH_TIMEOUT_MS = 5_000;

/**
 * The devices go where the service's QR code sends them (its public URL: the payload's service
 * extra and the agent's download location), not to the URL the command was given. When those
 * differ (a service started with `--public-url http://aosp-sim-service:8080`, reached through a
 * port-forward on 127.0.0.1), every device would fail to download its agent, and the run would
 * say only "downloadFailed" for each. An address that gives any HTTP answer is fine; one that
 * cannot be reached at all is said before the run, with the fix.
 */
export async function checkQrAddresses(payloadOrigins: readonly string[], serviceUrl: string): Promise<void> {
  const given = new URL(serviceUrl).origin;
  for (const origin of new Set(payloadOrigins)) {
    if (origin === given) continue;
    const problem = await unreachable(origin);
    if (problem === null) continue;
    throw new InputError(`the service's QR code sends devices to ${origin} (its public URL), which cannot be reached from here (${problem})`, {
      where: serviceUrl,
      hint: `start the service with --public-url ${given} (an address the fleet's machine reaches), or run the fleet where ${new URL(origin).hostname} resolves`,
    });
  }
}

/**
 * A service a replay is to run against, reached before the replay starts: one that cannot be
 * reached made every exchange "no answer" and the replay "diverged at step 12", nothing said
 * of the service.
 */
export async function checkReachable(serviceUrl: string, where: string): Promise<void> {
  const problem = await unreachable(new URL(serviceUrl).origin);
  if (problem === null) return;
  throw new InputError(`cannot reach the service (${problem})`, { where, hint: "start it with `aosp-sim serve`, or check the URL" });
}

/** Why nothing answers HTTP at `origin`, or null when something does (whatever its status). */
async function unreachable(origin: string): Promise<string | null> {
  const signal = AbortSignal.timeout(REACH_TIMEOUT_MS);
  try {
    const response = await request(`${origin}/health`, { signal, dispatcher: httpDispatcher() });
    await response.body.dump();
    return null;
  } catch (error) {
    if (signal.aborted) return `no answer within ${REACH_TIMEOUT_MS / 1000} s`;
    return requestFailure(error);
  }
}
