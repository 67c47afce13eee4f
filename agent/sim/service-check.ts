/**
 * A running service given with --service (or to runFleet) must answer and accept the admin token before a
 * command sets anything up on it: a wrong address or token is the user's to fix (exit 2, one
 * line naming it), not an internal error halfway through a run.
 */
import { request } from "undici";
import { InputError } from "../protocol/errors.js";
import { httpDispatcher, requestFailure } from "../protocol/http-dispatcher.js";

export async function checkRunningService(url: string, adminToken: string): Promise<void> {
  const { AdminApiError, AdminClient } = await import("../../mock-service/admin-client.js");
  try {
    await new AdminClient(url, adminToken).request("GET", "/beta/organization");
  } catch (error) {
    if (error instanceof AdminApiError && error.status === 401) {
      // The status in the message too: a library caller (runFleet) sees the message without its "where".
      throw new InputError(`the service refused it (${error.status} ${error.code})`, { where: "--admin-token", hint: "use the token on the first line `aosp-sim serve` printed" });
    }
    if (error instanceof AdminApiError) {
      throw new InputError(`answered ${error.status} ${error.code} to GET /beta/organization: is it an aosp-sim mock service?`, {
        where: url,
        hint: "give the URL `aosp-sim serve` printed on its first line (its base, without a path), or leave out --service for the embedded one",
      });
    }
    throw new InputError(`cannot reach the service (${requestFailure(error)})`, {
      where: url,
      hint: "start it with `aosp-sim serve`, or check the URL",
    });
  }
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
