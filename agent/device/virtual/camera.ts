/**
 * The virtual camera: it "sees" one picture, either an image file's bytes (a QR code printed or
 * on a screen) or a QR code rendered from payload text, as an admin console would show it.
 * The machine's scan step then decodes that picture with the QR toolkit, like a real scanner.
 */
import { InputError } from "../../protocol/errors.js";
import { PayloadTooLargeError, renderQrPng } from "../../qr/render.js";
import { StepError } from "../../machine/step-error.js";
import { signalFor, TAKES_LIGHT_SIGNALS, type LightSignal } from "../../protocol/light-abort.js";
import type { CameraPort, CapturedImage, ClockPort, DevicePolicyPort } from "../ports.js";

export class VirtualCamera implements CameraPort {
  /** Its signal parameters are typed LightSignal (agent/protocol/light-abort.ts). */
  readonly [TAKES_LIGHT_SIGNALS] = true;
  constructor(
    private readonly image: CapturedImage,
    private readonly clock: ClockPort,
    private readonly focusMs = 0,
    /** The device's policy, which may block the camera (cameraBlocked). */
    private readonly policy?: Pick<DevicePolicyPort, "isRestricted">,
  ) {}

  async capture(signal: LightSignal): Promise<CapturedImage> {
    if (this.policy?.isRestricted("cameraBlocked")) {
      throw new StepError("cameraBlocked", "the camera is blocked by the device's configuration policy (cameraBlocked)");
    }
    await this.clock.sleep(this.focusMs, signalFor(this.clock, signal));
    return { bytes: new Uint8Array(this.image.bytes), label: this.image.label };
  }
}

/**
 * Renders payload text as the QR code an admin would show: byte mode, UTF-8, error correction M,
 * or L when the text is too long for M (up to 2953 bytes, the most any QR code holds). Throws
 * InputError when the text does not fit in any QR code.
 */
export async function renderPayloadQr(text: string, label = "payload"): Promise<CapturedImage> {
  const look = { scale: 4, margin: 4 };
  let rendered;
  try {
    rendered = await renderQrPng(text, { ...look, ecLevel: "M" });
  } catch (error) {
    if (!(error instanceof PayloadTooLargeError)) throw error;
    try {
      rendered = await renderQrPng(text, { ...look, ecLevel: "L" });
    } catch (tooLarge) {
      if (!(tooLarge instanceof PayloadTooLargeError)) throw tooLarge;
      throw new InputError(`cannot be shown as a QR code: ${tooLarge.message}`, {
        where: label,
        hint: tooLarge.fix,
      });
    }
  }
  return { bytes: new Uint8Array(rendered.png), label: `QR code rendered from ${label}` };
}
