/**
 * The Wi-Fi port over adb: `cmd wifi connect-network SSID open|wpa2|wep [PASSPHRASE] [-h]`
 * (Android 11+; `wep` from Android 13), then `cmd wifi status` until it says
 * 'Wifi is connected to "SSID"'. Like the virtual radio it keeps trying until the caller's
 * signal aborts (the machine owns the Wi-Fi timeout).
 */
import { StepError } from "../../machine/step-error.js";
import type { ClockPort, WifiConnection, WifiNetworkConfig, WifiPort, WifiProgress } from "../ports.js";
import { AdbError, type Adb } from "./adb.js";
import type { AdbNotes } from "./notes.js";
import { parseWifiStatus } from "./parse.js";
import { shellQuote } from "./shell-quote.js";

/** How often `cmd wifi status` is asked while joining. */
export const WIFI_POLL_MS = 1_000;

export class AdbWifi implements WifiPort {
  constructor(
    private readonly adb: Adb,
    private readonly clock: ClockPort,
    private readonly notes: AdbNotes,
  ) {}

  async join(network: WifiNetworkConfig, onProgress: (progress: WifiProgress) => void, signal: AbortSignal): Promise<WifiConnection> {
    const command = connectCommand(network);
    this.notes.say(`Wi-Fi joined over adb (\`cmd wifi connect-network\`), not by the setup wizard's provisioning`);
    let said: string;
    try {
      said = await this.adb.shell(command, { signal });
    } catch (error) {
      if (error instanceof AdbError && error.kind === "failed") throw new StepError("wifiAddFailed", error.message);
      throw error;
    }
    // cmd wifi answers "Connection initiated" or an error line (an unknown security type, a bad passphrase).
    if (/invalid|error|exception/i.test(said) && !/initiated/i.test(said)) {
      throw new StepError("wifiAddFailed", `${network.ssid} could not be added: ${said.trim()}`);
    }
    onProgress({ status: "associating", detail: `cmd wifi: ${said.trim() || "connection initiated"}` });
    for (;;) {
      const connection = await this.currentConnection();
      if (connection?.ssid === network.ssid) return connection;
      await this.clock.sleep(WIFI_POLL_MS, signal);
    }
  }

  async currentConnection(): Promise<WifiConnection | null> {
    return parseWifiStatus(await this.adb.shell("cmd wifi status"));
  }
}

/** The `cmd wifi connect-network` line for a payload's network. EAP cannot be given this way. */
export function connectCommand(network: WifiNetworkConfig): string {
  const hidden = network.hidden ? " -h" : "";
  const ssid = shellQuote(network.ssid);
  switch (network.securityType) {
    case "NONE":
      return `cmd wifi connect-network ${ssid} open${hidden}`;
    case "WPA":
      return `cmd wifi connect-network ${ssid} wpa2 ${shellQuote(network.password ?? "")}${hidden}`;
    case "WEP":
      return `cmd wifi connect-network ${ssid} wep ${shellQuote(network.password ?? "")}${hidden}`;
    default:
      throw new StepError("wifiAddFailed", `${network.ssid}: \`cmd wifi\` cannot add a ${network.securityType} network (it takes open, owe, wpa2, wpa3 and wep)`);
  }
}
