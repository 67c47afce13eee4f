/**
 * The profile properties of a user the mock keeps (Graph's Create and Update user take them):
 * text, and the two string collections. Graph's user resource
 * (https://learn.microsoft.com/graph/api/resources/user?view=graph-rest-beta) returns some by
 * default and the rest only on `$select`; `businessPhones` holds one number at most ("Although
 * it's a string collection, only one number can be set for this property").
 */
export const PROFILE_TEXT = [
  "jobTitle",
  "department",
  "officeLocation",
  "mobilePhone",
  "companyName",
  "employeeId",
  "givenName",
  "surname",
  "city",
  "state",
  "country",
  "streetAddress",
  "postalCode",
  "usageLocation",
  "preferredLanguage",
  "faxNumber",
] as const;

export const PROFILE_COLLECTIONS = ["businessPhones", "otherMails"] as const;

/** The profile properties Graph's user answers without a `$select` (the resource page's "Returned by default"). */
export const RETURNED_BY_DEFAULT: ReadonlySet<string> = new Set([
  "businessPhones",
  "givenName",
  "jobTitle",
  "mobilePhone",
  "officeLocation",
  "preferredLanguage",
  "surname",
]);

export type ProfileText = (typeof PROFILE_TEXT)[number];
export type ProfileCollection = (typeof PROFILE_COLLECTIONS)[number];

/** What a user's profile holds: only the properties set (text unset is null in answers, a collection []). */
export type UserProfile = Partial<Record<ProfileText, string> & Record<ProfileCollection, string[]>>;

/** A create's or PATCH's profile properties: null (or an empty collection) clears one. */
export type ProfileChanges = Partial<Record<ProfileText, string | null> & Record<ProfileCollection, string[] | null>>;

/** The profile after `changes`: a null or empty value removes the property, a property not named stays. */
export function changedProfile(profile: UserProfile, changes: ProfileChanges): UserProfile {
  const next: Record<string, string | string[]> = { ...profile };
  for (const name of [...PROFILE_TEXT, ...PROFILE_COLLECTIONS]) {
    if (!Object.hasOwn(changes, name)) continue;
    const value = changes[name];
    if (value === null || value === undefined || (Array.isArray(value) && value.length === 0)) delete next[name];
    else next[name] = value;
  }
  return next as UserProfile;
}

/** Every profile property as Graph answers it: its value, null for unset text, [] for an unset collection. */
export function graphProfile(profile: UserProfile): Record<string, string | string[] | null> {
  const answer: Record<string, string | string[] | null> = {};
  for (const name of PROFILE_TEXT) answer[name] = profile[name] ?? null;
  for (const name of PROFILE_COLLECTIONS) answer[name] = profile[name] ?? [];
  return answer;
}
