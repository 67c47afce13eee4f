/**
 * Whether the payload fits in a QR code a camera can read.
 */
import { MAX_QR_BYTES, minimumVersion, moduleCountOf, shrinkHint } from "../../qr/render.js";
import type { Rule } from "./context.js";

/**
 * Above this version (137 modules a side) phone cameras read codes noticeably less reliably,
 * especially printed small or shown on a screen at a distance. A typical Intune payload with
 * Wi-Fi (about 1 KB) is version 25 to 27 at level M, and stays below it.
 */
export const HIGH_VERSION = 30;

export function highVersionMessage(version: number, how: string): string {
  return `The QR code ${how} version ${version} (${moduleCountOf(version)}x${moduleCountOf(version)} modules); ` +
    `codes above version ${HIGH_VERSION} are read less reliably by cameras, especially printed small or shown on a screen.`;
}

export const HIGH_VERSION_HINT = "shorten the payload (drop optional keys, use shorter URLs and tokens) or print the code larger";

/** The hint for a code at `level`: a lower level is advice only from Q or H (at L it is already the lowest). */
export function highVersionHint(level: string | null): string {
  return level === "Q" || level === "H" ? `${HIGH_VERSION_HINT}; use error-correction level L or M` : HIGH_VERSION_HINT;
}

const size: Rule = (ctx) => {
  const bytes = ctx.textBytes;
  if (bytes > MAX_QR_BYTES) {
    ctx.emit("payload-too-large", "",
      `The payload is ${bytes} bytes in UTF-8, but a QR code holds at most ${MAX_QR_BYTES} bytes (version 40, level L, ` +
        "byte mode): it cannot be encoded, so no device can scan it.",
      shrinkHint(bytes - MAX_QR_BYTES));
    return;
  }
  const atL = minimumVersion(bytes, "L");
  if (atL !== null && atL > HIGH_VERSION) {
    ctx.emit("qr-high-version", "", highVersionMessage(atL, `needs, even at error-correction level L,`), HIGH_VERSION_HINT);
  }
};

export const sizeRules: Rule[] = [size];
