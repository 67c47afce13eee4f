/**
 * Invisible and look-alike characters (zero-width space, no-break space, non-breaking hyphen),
 * which text copied from web pages and office documents carries: a finding that quotes the key or
 * value writes them as escapes, so the author sees what differs from the text they meant.
 */
import { describe, expect, it } from "vitest";
import { runCli, useTempDir } from "./support/cli.js";
import { findingOf, KEYS, payloadWith } from "./support/payloads.js";
import { writeFile } from "node:fs/promises";

const temp = useTempDir("aosp-invisible-");

describe("invisible characters in findings", () => {
  it("writes a zero-width space, a no-break space and a non-breaking hyphen as escapes", () => {
    expect(findingOf(payloadWith({ [KEYS.TIME_ZONE]: "Europe/Berlin\u200B" }), "time-zone").message)
      .toContain('"Europe/Berlin\\u200B"');
    expect(findingOf(payloadWith({ [KEYS.WIFI_SECURITY_TYPE]: "WPA\u00A0", [KEYS.WIFI_PASSWORD]: "password123" }), "wifi-security-type").message)
      .toContain('"WPA\\u00A0"');
    expect(findingOf(payloadWith({ [KEYS.LOCALE]: "de\u2011DE" }), "locale-format").message).toContain('"de\\u2011DE"');
    expect(findingOf(payloadWith({ [`${KEYS.WIFI_SSID}\u200B`]: "Corp" }), "unknown-key").message)
      .toContain(`"${KEYS.WIFI_SSID}\\u200B"`);
  });

  it("leaves other non-ASCII text as it is", () => {
    expect(findingOf(payloadWith({ [KEYS.TIME_ZONE]: "Europe/Zürich" }), "time-zone").message).toContain('"Europe/Zürich"');
  });

  it("shows the escapes in the human report's pointer and keeps a no-break space out of line wrapping", async () => {
    const path = temp.file("invisible.json");
    await writeFile(path, JSON.stringify(payloadWith({
      [`${KEYS.WIFI_SSID}\u200B`]: "Corp",
      [KEYS.TIME_ZONE]: "Europe/Berlin\u00A0Mitte",
    })));
    const { stdout } = await runCli(["validate", path]);
    expect(stdout).toContain(`/${KEYS.WIFI_SSID}\\u200B  unknown-key`);
    expect(stdout).toContain('"Europe/Berlin\\u00A0Mitte"');
    expect(stdout).not.toMatch(/[\u200B\u00A0]/);
  });
});
