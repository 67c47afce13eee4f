/**
 * The virtual Wi-Fi radio and the networks around the device.
 *
 * By default the surroundings hold the network the payload names, as its author meant it: same
 * SSID and hidden flag, the payload's key, and the security type the author wrote ("WPA2" is a
 * WPA network, even though Android reads it as an open one). Faults take the network away or
 * change its key (agent/device/inject-faults.ts). Joining follows AOSP's AddWifiNetworkTask: the network is added (retried 6
 * times, 0.5 s doubling, when the key is unusable), then the radio keeps scanning and
 * associating until connected or until the caller gives up (the machine's 60 s timeout). A wrong
 * key is never reported as such by Android: the device just does not connect, so the timeline's
 * last progress line is what tells the story.
 */
import { StepError } from "../../machine/step-error.js";
import { signalFor, TAKES_LIGHT_SIGNALS, type LightSignal } from "../../protocol/light-abort.js";
import { deriveWifiKey, keysMatch, type WifiKey } from "../../android/wifi-keys.js";
import { networkProxy, type NetworkProxy, type ProxySettings } from "../../android/proxy.js";
import type { WifiSecurityType } from "../../payload/params.js";
import { MAX_SSID_BYTES, securitySuggestion } from "../../payload/rules/wifi.js";
import type { ClockPort, StoragePort, WifiConnection, WifiNetworkConfig, WifiPort, WifiProgress } from "../ports.js";
import { hasStrings, readJson, writeJson, type StoredJson } from "./storage.js";

export interface VirtualNetwork {
  ssid: string;
  hidden: boolean;
  security: WifiSecurityType;
  password: string | null;
  eapMethod?: string | null;
}

export interface WifiEnvironment {
  /** Networks in range besides the payload's. */
  networks: VirtualNetwork[];
  /** Put the network the payload names in range, with the payload's key (the default). */
  payloadNetwork: "present" | "absent" | { wrongKey: string | null };
  /** The network the device is already on when the payload names none (null: not connected). */
  existingConnection: string | null;
  /**
   * A mobile network with data for the device (a SIM with a data plan, in coverage): what a
   * payload's USE_MOBILE_DATA connects to. Without one, turning mobile data on never connects.
   */
  mobileData: boolean;
}

export const DEFAULT_ENVIRONMENT: WifiEnvironment = {
  networks: [],
  payloadNetwork: "present",
  existingConnection: "Setup-Wizard-Network",
  // As the payload's network is present by default: a QR code that allows mobile data is meant
  // for devices that have it (createDevice's mobileData: false, enroll's --no-mobile-data say otherwise).
  mobileData: true,
};

export interface WifiTimings {
  enableMs: number;
  scanMs: number;
  /** Pause before scanning again when the network was not found or did not accept the key. */
  rescanMs: number;
  associateMs: number;
  dhcpMs: number;
  /** Mobile data turned on until the network reaches the internet (an assumption: a few seconds on LTE). */
  mobileDataMs: number;
}

export const REALISTIC_WIFI_TIMINGS: WifiTimings = { enableMs: 500, scanMs: 1_500, rescanMs: 10_000, associateMs: 800, dhcpMs: 700, mobileDataMs: 3_000 };
export const INSTANT_WIFI_TIMINGS: WifiTimings = { enableMs: 0, scanMs: 0, rescanMs: 10_000, associateMs: 0, dhcpMs: 0, mobileDataMs: 0 };

/** AOSP AddWifiNetworkTask: addNetwork is retried 6 times, sleeping 0.5 s, 1 s, 2 s, ... */
const ADD_NETWORK_RETRIES = 6;
const ADD_NETWORK_FIRST_SLEEP_MS = 500;

/** The connection as kept: the network's proxy with it, so a device that boots again uses it again. */
interface StoredConnection extends WifiConnection {
  proxy?: ProxySettings | null;
}

const CONNECTION: StoredJson<StoredConnection> = {
  key: "system/wifi-connection.json",
  holds: "the Wi-Fi connection ({\"ssid\": ..., \"ipAddress\": ..., \"proxy\": null or {\"host\", \"port\", \"bypass\"}})",
  is: (value): value is StoredConnection => hasStrings(value, ["ssid", "ipAddress"]) && isProxySettings((value as { proxy?: unknown }).proxy),
};

function isProxySettings(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  const p = value as Partial<ProxySettings>;
  return typeof p.host === "string" && typeof p.port === "number" && (p.bypass === null || typeof p.bypass === "string");
}

/** Where the network's proxy takes effect: the device's HTTP (agent/client/http.ts HttpTransport). */
export interface ProxiedNetwork {
  useProxy(proxy: NetworkProxy | null): void;
}

/** The JSON files the Wi-Fi keeps, for a check when the device boots. */
export const WIFI_FILES: readonly StoredJson<unknown>[] = [CONNECTION];

export class VirtualWifi implements WifiPort {
  /** Its signal parameters are typed LightSignal (agent/protocol/light-abort.ts). */
  readonly [TAKES_LIGHT_SIGNALS] = true;
  constructor(
    private readonly environment: WifiEnvironment,
    private readonly clock: ClockPort,
    private readonly storage: StoragePort,
    private readonly timings: WifiTimings = REALISTIC_WIFI_TIMINGS,
    private readonly network: ProxiedNetwork | null = null,
  ) {
    // A device that boots on a network it joined before uses that network's proxy again.
    const saved = readJson(storage, CONNECTION);
    if (saved?.proxy) network?.useProxy(networkProxy(saved.proxy));
  }

  /** Storage was erased (a factory reset): the network, and its proxy, are forgotten. */
  forgetNetwork(): void {
    this.network?.useProxy(null);
  }

  async join(config: WifiNetworkConfig, onProgress: (p: WifiProgress) => void, signal: LightSignal): Promise<WifiConnection> {
    // Every wait of the join stops with the step: the clock's form of its signal, made once.
    const stop = signalFor(this.clock, signal);
    onProgress({ status: "enabling", detail: "Turning Wi-Fi on" });
    await this.clock.sleep(this.timings.enableMs, stop);
    const ssidBytes = Buffer.byteLength(config.ssid, "utf8");
    const configured: ReturnType<typeof deriveWifiKey> = ssidBytes > MAX_SSID_BYTES
      ? { ok: false, problem: `the SSID is ${ssidBytes} bytes in UTF-8; an SSID is at most ${MAX_SSID_BYTES}` }
      // EAP settings ManagedProvisioning dropped (a certificate it could not parse): no method to authenticate with.
      : deriveWifiKey(config.ssid, config.securityType, config.password, config.eapSettingsDropped === undefined ? config.eapMethod : null, "payload");
    if (config.certificateProblem !== undefined) {
      // WifiConfigurationProvider decodes the certificates before the network is added, and its
      // IllegalArgumentException escapes every catch (docs/provisioning-facts.md §1).
      throw new StepError("provisioningCrashed",
        `${config.ssid}: ${config.certificateProblem}; the IllegalArgumentException escapes ManagedProvisioning's Wi-Fi step, so provisioning stops with an uncaught exception`);
    }
    if (!configured.ok) {
      // WifiManager.addNetwork returns -1 for an unusable key; AOSP retries, then gives up.
      let pause = ADD_NETWORK_FIRST_SLEEP_MS;
      for (let i = 0; i < ADD_NETWORK_RETRIES; i++) {
        onProgress({ status: "enabling", detail: `The network could not be added (${configured.problem}); retrying in ${pause} ms` });
        await this.clock.sleep(pause, stop);
        pause *= 2;
      }
      throw new StepError("wifiAddFailed", `${config.ssid} could not be added: ${configured.problem}`);
    }
    for (;;) {
      const verdict = this.attempt(config, configured.key);
      onProgress({ status: config.hidden ? "probing" : "scanning", detail: config.hidden ? `Probing for hidden network ${config.ssid}` : `Scanning for ${config.ssid}` });
      await this.clock.sleep(this.timings.scanMs, stop);
      if (verdict.connected) {
        onProgress({ status: "associating", detail: `Associating with ${config.ssid}` });
        await this.clock.sleep(this.timings.associateMs, stop);
        onProgress({ status: "obtainingAddress", detail: `Obtaining an IP address from ${config.ssid}` });
        await this.clock.sleep(this.timings.dhcpMs, stop);
        const connection = { ssid: config.ssid, ipAddress: "192.168.49.23" };
        this.applyProxy(config, onProgress);
        writeJson(this.storage, CONNECTION.key, { ...connection, proxy: config.proxy });
        return connection;
      }
      onProgress(verdict.progress);
      await this.clock.sleep(this.timings.rescanMs, stop);
    }
  }

  /**
   * The joined network's proxy takes effect for the device's HTTP (ManagedProvisioning's
   * WifiConfigurationProvider puts it in the network's configuration: a host wins over a PAC URL).
   * A PAC file is not fetched or run here: the timeline says so, and HTTP goes direct.
   */
  private applyProxy(config: WifiNetworkConfig, onProgress: (p: WifiProgress) => void): void {
    if (config.proxy !== null) {
      const proxy = networkProxy(config.proxy);
      this.network?.useProxy(proxy);
      const bypass = config.proxy.bypass ? ` except for ${config.proxy.bypass}` : "";
      onProgress({
        status: "configuringProxy",
        detail: proxy.problem === null
          ? `${config.ssid} sets the HTTP proxy ${proxy.label}${bypass}: the device's traffic goes through it`
          : `${config.ssid} sets the HTTP proxy ${proxy.label}, which cannot be used: ${proxy.problem}`,
      });
      return;
    }
    this.network?.useProxy(null);
    if (config.pacUrl !== null) {
      onProgress({
        status: "configuringProxy",
        detail: `${config.ssid} sets the proxy auto-config file ${config.pacUrl}; the simulator does not run PAC files, so it is not applied and the device's traffic goes direct`,
      });
    }
  }

  /**
   * Mobile data on: connected after the network's set-up time when the device has mobile data;
   * otherwise nothing ever connects (AOSP's ConnectMobileNetworkTask waits for a callback that
   * never comes) and only the signal (the caller's timeout) ends the wait.
   */
  async connectMobileData(signal: LightSignal): Promise<{ network: string }> {
    const stop = signalFor(this.clock, signal);
    if (!this.environment.mobileData) {
      return new Promise<never>((_, reject) => {
        if (stop.aborted) reject(stop.reason);
        else stop.addEventListener("abort", () => reject(stop.reason), { once: true });
      });
    }
    await this.clock.sleep(this.timings.mobileDataMs, stop);
    return { network: "the mobile network" };
  }

  async currentConnection(): Promise<WifiConnection | null> {
    const saved = readJson(this.storage, CONNECTION);
    if (saved) return { ssid: saved.ssid, ipAddress: saved.ipAddress };
    const existing = this.environment.existingConnection;
    return existing === null ? null : { ssid: existing, ipAddress: "192.168.49.23" };
  }

  /** What one scan-and-associate round gives. */
  private attempt(config: WifiNetworkConfig, key: WifiKey): { connected: true } | { connected: false; progress: WifiProgress } {
    const network = this.networksInRange(config).find((n) => n.ssid === config.ssid);
    if (!network) {
      return { connected: false, progress: { status: "notFound", detail: `${config.ssid} is not in range` } };
    }
    if (network.hidden && !config.hidden) {
      return {
        connected: false,
        progress: { status: "notFound", detail: `${config.ssid} does not broadcast its name and the payload does not say it is hidden, so the device never probes for it` },
      };
    }
    const networkKey = deriveWifiKey(network.ssid, network.security, network.password, network.eapMethod ?? null);
    if (!networkKey.ok) {
      // No real network has such a key: wrong-wifi-key=KEY with a KEY no such network can have
      // makes one, or a createDevice caller's own network. Said as such, not as a network of
      // another kind. The fault's KEY is kept out of transcripts, and so is what the problem would
      // give away (the key's length): this detail goes into the timeline, the failure and --json.
      const why = this.keyedByFault(network)
        ? `the network's own key, the wrong-wifi-key fault's KEY, is not one a ${describeSecurity(network.security)} network can have`
        : `the network's own key is ${networkKey.problem}`;
      return { connected: false, progress: { status: "authenticationFailed", detail: `${config.ssid} has a key the device cannot match (${why})` } };
    }
    if (networkKey.key.kind !== key.kind) {
      return {
        connected: false,
        progress: {
          status: "notFound",
          detail: `${config.ssid} is ${aSecurity(network.security)} network; the device looks for ${aSecurity(config.securityType)} one${config.securityTypeAsWritten ? ` (the payload's "${config.securityTypeAsWritten}" reads as NONE)` : ""}`,
        },
      };
    }
    if (!keysMatch(key, networkKey.key)) {
      if (config.eapSettingsDropped !== undefined) {
        return {
          connected: false,
          progress: {
            status: "authenticationFailed",
            detail: `${config.ssid} rejected the device: ${config.eapSettingsDropped}, so ManagedProvisioning logged "Error while reading certificate" and added the network without its EAP settings`,
          },
        };
      }
      return {
        connected: false,
        progress: { status: "authenticationFailed", detail: `${config.ssid} rejected the key (${network.security === "WPA" ? "4-way handshake failed" : "authentication failed"})` },
      };
    }
    return { connected: true };
  }

  /** Whether the network is the payload's, given its key by the wrong-wifi-key fault (see networksInRange). */
  private keyedByFault(network: VirtualNetwork): boolean {
    return typeof this.environment.payloadNetwork === "object" && !this.environment.networks.includes(network);
  }

  private networksInRange(config: WifiNetworkConfig): VirtualNetwork[] {
    const networks = [...this.environment.networks];
    const mode = this.environment.payloadNetwork;
    if (mode !== "absent" && !networks.some((n) => n.ssid === config.ssid)) {
      const security = intendedSecurity(config);
      const password = typeof mode === "object" ? wrongKeyFor(security, config.password, mode.wrongKey) : config.password;
      networks.push({
        ssid: config.ssid,
        hidden: config.hidden,
        security: typeof mode === "object" && security === "NONE" ? "WPA" : security,
        password,
        eapMethod: config.eapMethod,
      });
    }
    return networks;
  }
}

/**
 * The security the payload's author meant ("WPA2", "SAE" and "wpa" are WPA networks, "WPA2-EAP"
 * an EAP one): the network that surrounds the device is the one the author had in mind.
 */
export function intendedSecurity(config: WifiNetworkConfig): WifiSecurityType {
  const written = config.securityTypeAsWritten;
  return written === null || written === undefined ? config.securityType : securitySuggestion(written) ?? config.securityType;
}

/** A key for the network that is not the payload's (wrong-wifi-key fault). */
function wrongKeyFor(security: WifiSecurityType, payloadKey: string | null, chosen: string | null): string {
  if (chosen !== null && chosen !== payloadKey) return chosen;
  if (security === "WEP") return payloadKey === "Wr0ng" ? "wR0NG" : "Wr0ng";
  return payloadKey === "not-the-payload-key" ? "still-not-the-key" : "not-the-payload-key";
}

function describeSecurity(security: WifiSecurityType): string {
  return security === "NONE" ? "open" : security;
}

/** "a WPA", "an open": the article the kind's word takes. */
function aSecurity(security: WifiSecurityType): string {
  const word = describeSecurity(security);
  return `${/^[aeiou]/i.test(word) ? "an" : "a"} ${word}`;
}
