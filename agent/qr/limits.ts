/**
 * Largest image decoded: 25 megapixels (6000 x 4000, or a 5000 x 5000 scan), far more than a QR
 * code needs. The decoders work on RGBA copies of the image (4 bytes a pixel, several copies at
 * the sizes the steps ask for), and BMP is still decoded by jimp in JavaScript, so larger images
 * are refused, from their header, before any pixel is decoded (sharp is also told this limit).
 */
export const MAX_IMAGE_PIXELS = 25_000_000;

/** A pixel count in full (25,005,000): a rounded one (25 MP) could equal the limit it is over. */
export function pixelCount(pixels: number): string {
  return pixels.toLocaleString("en-US");
}

/** Image files larger than this are refused unread (a 50 MP PNG is far smaller). */
export const MAX_IMAGE_FILE_BYTES = 256 * 1024 * 1024;

/**
 * Frames of an animated GIF decoded at most. Every frame is decoded and searched (a camera sees
 * whichever is on screen), so a GIF's cost is its frames times its screen: the frames' pixels
 * count together against MAX_IMAGE_PIXELS, and past this many frames (a spinner, a video clip)
 * the file is refused rather than decoded for seconds.
 */
export const MAX_GIF_FRAMES = 64;
