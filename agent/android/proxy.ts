/**
 * A Wi-Fi network's HTTP proxy as Android applies it to apps: the network's ProxyInfo becomes the
 * process-wide `http.proxyHost`, `http.proxyPort` and `http.nonProxyHosts` properties
 * (android.net.Proxy.setHttpProxySystemProperty, which turns the exclusion list's commas into
 * `|`), and the default ProxySelector (libcore ProxySelectorImpl) sends every request through the
 * proxy unless the URL's host matches the list: each entry is a whole-host pattern whose `*`
 * stands for any characters (`*.contoso.com`, `10.*`).
 */
import { PROXY_HOST_NAME } from "../payload/rules/wifi.js";

/** What the payload gave: WIFI_PROXY_HOST, WIFI_PROXY_PORT (0 when absent or not a number) and WIFI_PROXY_BYPASS. */
export interface ProxySettings {
  host: string;
  port: number;
  bypass: string | null;
}

/** The proxy a device's HTTP goes through, with what decides it per request. */
export interface NetworkProxy {
  /** "proxy.example.com:3128", as messages name it. */
  label: string;
  /** The proxy's URL (http://host:port), or null when no connection to it can be made. */
  uri: string | null;
  /** Why the proxy cannot be used (null when it can). */
  problem: string | null;
  /** Whether a request to `host` goes direct (the exclusion list matches it). */
  bypasses(host: string): boolean;
}


/** The proxy a network with these settings gives its apps. */
export function networkProxy(settings: ProxySettings): NetworkProxy {
  const { host, port } = settings;
  const label = `${host}:${port}`;
  const patterns = exclusionPatterns(settings.bypass);
  const bypasses = (target: string) => patterns.some((p) => p.test(target.toLowerCase()));
  // A port of 0 (absent, or a string read as the default) or past 65535 is no port a socket can reach.
  const problem = !Number.isInteger(port) || port < 1 || port > 65535
    ? `port ${port} is outside 1..65535, so no connection to the proxy can be made (WIFI_PROXY_PORT missing or not a number reads as 0)`
    : !PROXY_HOST_NAME.test(host)
      ? `"${host}" is not a host name, so it cannot be resolved (WIFI_PROXY_HOST must be the bare host, e.g. proxy.example.com)`
      : null;
  return { label, uri: problem === null ? `http://${host}:${port}` : null, problem, bypasses };
}

/**
 * The exclusion list as patterns: comma-separated entries, spaces kept (an entry with a space
 * matches no host, as on the device), `*` for any characters, anything else literal. Host names
 * compare without case, as DNS names do.
 */
function exclusionPatterns(list: string | null): RegExp[] {
  if (list === null || list === "") return [];
  return list.split(",").filter((entry) => entry !== "").map((entry) =>
    new RegExp(`^${entry.toLowerCase().split("*").map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`));
}
