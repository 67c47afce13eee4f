/**
 * The virtual camera: it "sees" one picture, either an image file's bytes (a QR code printed or
 * on a screen) or a QR code rendered from payload text, as an admin console would show it.
 * The machine's scan step then decodes that picture with the QR toolkit, like a real scanner.
 */
import QRCode from "qrcode";
import { InputError } from "../../errors.js";
import type { CameraPort, CapturedImage, ClockPort } from "../ports.js";

export class VirtualCamera implements CameraPort {
  constructor(
    private readonly image: CapturedImage,
    private readonly clock: ClockPort,
    private readonly focusMs = 0,
  ) {}

  async capture(signal: AbortSignal): Promise<CapturedImage> {
    await this.clock.sleep(this.focusMs, signal);
    return { bytes: new Uint8Array(this.image.bytes), label: this.image.label };
  }
}

/**
 * Renders payload text as a QR code PNG (byte mode, UTF-8, error correction M, 4-module margin).
 * Throws InputError when the text does not fit in any QR code.
 */
export async function renderPayloadQr(text: string, label = "payload"): Promise<CapturedImage> {
  try {
    const png = await QRCode.toBuffer([{ data: Buffer.from(text, "utf8"), mode: "byte" }], {
      errorCorrectionLevel: "M",
      margin: 4,
      scale: 4,
      type: "png",
    });
    return { bytes: new Uint8Array(png), label: `QR code rendered from ${label}` };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new InputError(`cannot be shown as a QR code: ${message}`, {
      where: label,
      hint: "a QR code holds at most 2331 bytes at error correction M; shorten the payload",
    });
  }
}
