/**
 * The camera over adb. adb cannot read a camera's frames, so the adapter looks at what it can
 * read, the screen (`adb exec-out screencap -p`): a QR code shown on the device's screen is
 * scanned from there. Otherwise it shows the scan the QR image the run was given (the one the
 * emulator's virtual scene holds, see `aosp-sim emulator start --qr`) and says so in the timeline.
 */
import { decodeOnce } from "../wiring.js";
import type { CameraPort, CapturedImage } from "../ports.js";
import type { Adb } from "./adb.js";
import type { AdbNotes } from "./notes.js";

export class AdbCamera implements CameraPort {
  constructor(
    private readonly adb: Adb,
    /** The QR code in front of the device's camera (the emulator's virtual-scene poster). */
    private readonly poster: CapturedImage,
    private readonly notes: AdbNotes,
  ) {}

  async capture(signal: AbortSignal): Promise<CapturedImage> {
    const screenshot = await this.adb.screenshot({ signal });
    const label = `screenshot of ${this.adb.serial}`;
    if (await holdsQrCode(screenshot, label)) {
      this.notes.say(`adb cannot read the camera: the QR code was read from a screenshot of ${this.adb.serial}`);
      return { bytes: new Uint8Array(screenshot), label };
    }
    this.notes.say(`adb cannot read the camera and the screen shows no QR code: the scan used ${this.poster.label}, the picture in front of the camera`);
    return this.poster;
  }
}

async function holdsQrCode(png: Uint8Array, label: string): Promise<boolean> {
  try {
    return (await decodeOnce(png, label)).codes.length > 0;
  } catch {
    return false;
  }
}
