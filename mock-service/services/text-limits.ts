/**
 * The longest text each kind of object takes, in one place: the admin API's schemas declare them
 * (maxLength), and the domain services check them again, because the console's forms call the
 * services directly and must not make an object the admin API would refuse (a group named with
 * 10,000 characters, a profile whose name no longer matches the one the admin noted for the
 * dynamic group's rule).
 *
 * Lengths count characters as the schemas' validator does (Unicode code points, so an emoji is
 * one), not UTF-16 units.
 */
import { badRequest } from "../http/errors.js";

export const TEXT_LIMITS = {
  profile: { displayName: 200, description: 1500 },
  group: { displayName: 256, description: 1024 },
  policy: { displayName: 256, description: 1024 },
  terms: { displayName: 256, description: 1024, title: 256, bodyText: 64 * 1024, acceptanceStatement: 1024 },
  user: { displayName: 256 },
} as const satisfies Record<string, Record<string, number>>;

/** Characters as JSON Schema's maxLength counts them (code points). */
function characters(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/**
 * Refuses the first text property of `input` past its limit, in the admin API's schema's words
 * ("displayName" is longer than 256 characters) with how long it is and the fix, since a console
 * form may have sent it; absent and null properties pass.
 */
export function refuseLongText<Limits extends Readonly<Record<string, number>>>(
  input: Readonly<Partial<Record<keyof Limits, string | null | undefined>>>,
  limits: Limits,
): void {
  for (const [name, limit] of Object.entries(limits)) {
    const value = input[name as keyof Limits];
    // Most text is far below its limit in UTF-16 units, so the code points are counted only near it.
    if (typeof value === "string" && value.length > limit) {
      const length = characters(value);
      if (length > limit) throw badRequest(`"${name}" is longer than ${limit} characters (it has ${length}): shorten it`);
    }
  }
}
