/**
 * An animated image's codes: every frame is read (a camera pointed at a screen showing an
 * animated GIF reads whichever frame is on screen), and a code is one code however many frames
 * show it, wherever in the frame. Pure: frames' codes in, the image's codes out.
 */
import type { DecodedCode, FrameKind } from "./types.js";

/** What one of the frames is called: a TIFF has pages, an animation frames. */
export function frameUnit(kind: FrameKind | null | undefined): "frame" | "page" {
  return kind === "multi-page TIFF" ? "page" : "frame";
}

/** The same content: equal text and equal bytes. */
function key(code: DecodedCode): string {
  return `${code.text}\u0000${Buffer.from(code.bytes).toString("base64")}`;
}

/**
 * The distinct codes of all frames (`perFrame[i]` holds frame i+1's), in order of first
 * appearance, each described as the first frame that shows it read it and with `frames`, the
 * 1-based frames that show it. Two codes in one frame stay two codes, even with equal content.
 */
export function mergeFrames(perFrame: readonly (readonly DecodedCode[])[], maxCodes: number): DecodedCode[] {
  const merged: DecodedCode[] = [];
  const byKey = new Map<string, DecodedCode[]>();
  perFrame.forEach((codes, index) => {
    const frame = index + 1;
    const used = new Set<DecodedCode>();
    for (const code of codes) {
      const same = byKey.get(key(code)) ?? [];
      // The first code of this content that this frame has not matched yet.
      const match = same.find((c) => !used.has(c));
      if (match !== undefined) {
        used.add(match);
        match.frames!.push(frame);
        continue;
      }
      if (merged.length >= maxCodes) continue;
      const added = { ...code, frames: [frame] };
      merged.push(added);
      used.add(added);
      byKey.set(key(code), [...same, added]);
    }
  });
  return merged;
}

/** "frame 3", "frames 1 and 4", "frames 2 to 5", "frames 1, 3 and 5 to 7" ("page 3", ... for a TIFF). */
export function frameList(frames: readonly number[], unit: "frame" | "page" = "frame"): string {
  const runs: string[] = [];
  for (let i = 0; i < frames.length; ) {
    let j = i;
    while (j + 1 < frames.length && frames[j + 1] === frames[j]! + 1) j++;
    runs.push(j - i >= 2 ? `${frames[i]} to ${frames[j]}` : j === i ? `${frames[i]}` : `${frames[i]}, ${frames[j]}`);
    i = j + 1;
  }
  const text = runs.length === 1 ? runs[0]! : `${runs.slice(0, -1).join(", ")} and ${runs[runs.length - 1]}`;
  return `${frames.length === 1 ? unit : `${unit}s`} ${text}`;
}
