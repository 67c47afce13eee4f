/**
 * A profile's Wi-Fi settings the QR code leaves out because `configureWifi` is false, said back to
 * the admin who just sent them without deciding `configureWifi` (Graph's property text: "When set
 * to FALSE or undefined, other Wi-Fi related properties will be ignored"). A PATCH keeps the
 * profile's `configureWifi` when it does not send one, so a script that creates a profile without a
 * network and later PATCHes one in (`wifiSsid`, `wifiSecurityType`, `wifiPassword`) would otherwise
 * get a 200 and a QR code with no network in it. docs/provisioning-facts.md §3 has the sources.
 */

/** The Wi-Fi properties of a write, as a create or a PATCH body holds them (null clears one). */
export interface WifiWrite {
  configureWifi?: boolean | null;
  wifiSsid?: string | null;
  wifiHidden?: boolean | null;
  wifiSecurityType?: string | null;
  wifiPassword?: string | null;
}

/** The profile's settings once the write is applied. */
export interface WifiSettings {
  configureWifi: boolean;
  wifiSsid: string;
}

/**
 * The warning for the Wi-Fi values a write set that the QR code will not carry, or null: only when
 * the write leaves `configureWifi` out (one that sends `false` has decided) and the profile ends
 * with it false. A value that asks for no Wi-Fi (an empty SSID, type `none`, no key, not hidden)
 * sets nothing to leave out, so a read sent back as it is warns of nothing.
 */
export function wifiLeftOut(write: WifiWrite, profile: WifiSettings): string | null {
  if (write.configureWifi != null || profile.configureWifi) return null;
  const sent = [
    typeof write.wifiSsid === "string" && write.wifiSsid !== "" ? "wifiSsid" : null,
    typeof write.wifiSecurityType === "string" && write.wifiSecurityType !== "none" ? "wifiSecurityType" : null,
    typeof write.wifiPassword === "string" && write.wifiPassword !== "" ? "wifiPassword" : null,
    write.wifiHidden === true ? "wifiHidden" : null,
  ].filter((name): name is string => name !== null);
  if (sent.length === 0) return null;
  const names = sent.join(", ");
  if (profile.wifiSsid === "") {
    return `the profile names no network (no wifiSsid), so configureWifi is false and the QR code leaves out ${names}: give wifiSsid, the network devices join, to use them`;
  }
  return `configureWifi is false on this profile, so the QR code leaves out ${names} (Graph: "When set to FALSE or undefined, other Wi-Fi related properties will be ignored"): send "configureWifi": true to use them`;
}
