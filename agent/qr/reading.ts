/**
 * One decoder's reading of one QR symbol, before readings from several decoders and passes are
 * combined into the `DecodedCode`s the toolkit returns.
 */
import type { Point } from "./bitmap.js";
import type { DecoderName, EcLevel, QrMode } from "./types.js";

export interface Reading {
  decoder: DecoderName;
  text: string;
  bytes: Uint8Array;
  version: number | null;
  ecLevel: EcLevel | null;
  mode: QrMode | null;
  eci: number | null;
  /** Corners in the pixels of the image given to `decodeQrImage`: TL, TR, BR, BL of the symbol. */
  corners: Point[];
  /**
   * The symbol's modules as the decoder sampled them (0 = dark, 255 = light), when it says; used
   * to fill in metadata the decoder does not report.
   */
  modules?: { data: Uint8ClampedArray; width: number; height: number; mirrored: boolean };
  /** Light modules on a dark ground, when the decoder says (zxing-cpp does). */
  inverted?: boolean;
  /** Read mirrored (rows and columns swapped), when the decoder says (zxing-cpp does). */
  mirrored?: boolean;
  /**
   * The share of the symbol's error correction left unused after this reading (ISO/IEC 15415
   * "unused error correction", 0..1; zxing-cpp reports it, jsQR does not).
   */
  unusedErrorCorrection?: number;
}
