/**
 * "Did you mean" for names people type: payload keys, state names.
 */
import { distance } from "fastest-levenshtein";

/**
 * The candidate a mistyped name most likely meant: the nearest by edit distance, case ignored,
 * within `limit` edits (the first of equals), or null. Two strings differ by at least their
 * difference in length, so candidates that far apart in length are skipped unmeasured: a
 * 3,000-character name costs nothing (distance is length x length).
 */
export function closestName(written: string, candidates: readonly string[], limit: number): string | null {
  const folded = written.toUpperCase();
  let best: string | null = null;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    if (Math.abs(candidate.length - written.length) >= bestDistance) continue;
    const d = distance(folded, candidate.toUpperCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}
