/**
 * The mail nickname a user gets when none is given: the alias of its userPrincipalName, what
 * Entra's admin center derives by default. Graph's *Create user* requires one; the console and
 * the AdminClient fill it from this.
 */
export function mailNicknameOf(userPrincipalName: string): string {
  return userPrincipalName.trim().split("@")[0] ?? "";
}
