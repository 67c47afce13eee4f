/**
 * A running service given with --service (or to runFleet) must answer and accept the admin token before a
 * command sets anything up on it: a wrong address or token is the user's to fix (exit 2, one
 * line naming it), not an internal error halfway through a run.
 */
import { InputError } from "../protocol/errors.js";

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
      throw new InputError(`answered ${error.status} ${error.code} to GET /beta/organization: is it an aosp-sim mock service?`, { where: url });
    }
    // fetch's own reason is in its cause: a code (ECONNREFUSED, ENOTFOUND) or a message ("bad
    // port": fetch refuses the ports browsers block, such as 9 and 6000).
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new InputError(`cannot reach the service (${cause?.code ?? cause?.message ?? (error as Error).message})`, {
      where: url,
      hint: "start it with `aosp-sim serve`, or check the URL",
    });
  }
}
