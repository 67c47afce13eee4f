/**
 * What an enrollment profile's token looks like to a device: the provisioning JSON (built by
 * agent/payload/build.ts, the one place payloads are made), its base64 (Graph qrCodeContent) and
 * the QR code PNG (Graph qrCodeImage), byte mode, error correction M.
 */
import { renderQrPng as renderPayloadQr } from "../../agent/qr/render.js";
import { buildIntunePayload } from "../../agent/payload/build.js";
import type { ProfileRecord, TokenRecord } from "../store/profiles.js";
import type { PackageRecord } from "../store/packages.js";

export interface PayloadSources {
  serviceUrl: string;
  profile: ProfileRecord;
  token: TokenRecord;
  /** The agent version fixed at token creation, and its (versioned, permanent) URL. */
  agent: PackageRecord;
  agentDownloadUrl: string;
}

export function enrollmentPayload(sources: PayloadSources): Record<string, unknown> {
  const { profile, token, agent } = sources;
  return buildIntunePayload({
    serviceUrl: sources.serviceUrl,
    enrollmentToken: token.tokenValue ?? "",
    agentDownloadUrl: sources.agentDownloadUrl,
    agentPackageChecksum: agent.packageChecksum,
    downloadCookieHeader: profile.downloadCookie,
    ...(profile.configureWifi
      ? {
          wifi: {
            ssid: profile.wifiSsid,
            hidden: profile.wifiHidden,
            security: profile.wifiSecurityType,
            ...(profile.wifiSecurityType !== "none" ? { password: profile.wifiPassword } : {}),
          },
        }
      : {}),
  });
}

/** Graph qrCodeContent: the QR code's text (the payload's JSON, payloadText), base64. */
export function qrCodeContent(qrText: string): string {
  return Buffer.from(qrText, "utf8").toString("base64");
}

/**
 * A QR code of the payload text, drawn by the QR toolkit the `qr` command uses: UTF-8 in byte
 * mode, error correction M, 4-module quiet zone, 4 pixels per module (a payload with Wi-Fi is
 * about version 27: a 532-pixel image).
 */
export async function renderQrPng(text: string): Promise<Buffer> {
  return (await renderPayloadQr(text, { ecLevel: "M", margin: 4, scale: 4 })).png;
}
