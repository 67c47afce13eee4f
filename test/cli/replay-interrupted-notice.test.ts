/**
 * What `replay` says of the device it leaves in --device-dir when a signal stops it: a device
 * replayed against a live service goes on with `enroll --device-dir`; one replayed offline holds
 * the token of the embedded service that ended with the replay, so the line must not offer that.
 */
import { describe, expect, it } from "vitest";
import { replayInterruptedNotice } from "../../agent/cli/interrupted-notice.js";

describe("replay's interrupted line", () => {
  it("offers enroll --device-dir for a device replayed against a live service", () => {
    const line = replayInterruptedNotice("enrolling.waitingToRetry", "SIGINT", "after 12 steps, identical so far", "dev", true);
    expect(line).toContain("the replayed device is left in dev at enrolling.waitingToRetry (`aosp-sim enroll QR --device-dir dev` continues it, QR being the code the recording scanned; remove the folder to replay into it again)");
  });

  it("says an offline replay's device cannot be continued, and how to get one that can", () => {
    const line = replayInterruptedNotice("enrolling.waitingToRetry", "SIGTERM", "after 12 steps, identical so far", "dev");
    expect(line).not.toContain("continues it");
    expect(line).toContain("holding the token of the replay's own service, which ended with it: `enroll --device-dir` cannot continue it");
    expect(line).toContain("--transcript-secrets keep against a live service, --service URL");
  });

  it("without --device-dir the device is gone, live or not", () => {
    expect(replayInterruptedNotice("verifyingAgent", "SIGINT", null, undefined, true)).toContain("the replayed device is gone (no --device-dir)");
  });
});
