/**
 * Largest image decoded: 25 megapixels (6000 x 4000, or a 5000 x 5000 scan), far more than a QR
 * code needs. Decoding in JavaScript is memory-hungry (jimp's JPEG decoder peaks at about 35
 * bytes per pixel: ~0.5 GB for a 12 MP photo, ~0.9 GB at this limit, ~1.7 GB for a 48 MP one),
 * so larger images are refused, from their header, before any pixel is decoded.
 */
export const MAX_IMAGE_PIXELS = 25_000_000;

/** Image files larger than this are refused unread (a 50 MP PNG is far smaller). */
export const MAX_IMAGE_FILE_BYTES = 256 * 1024 * 1024;
