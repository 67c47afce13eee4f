/**
 * Mail nicknames (mail aliases) as Entra ID takes them. Graph documents the rule on the group
 * resource: at most 64 characters, "only characters in the ASCII character set 0 - 127 except the
 * following: @ () \ [] " ; : <> , SPACE"; Entra applies it to a user's mailNickname too, answering
 * "Invalid value specified for property 'mailNickname' of resource 'User'." (details code
 * InvalidValue). docs/graph-directory-facts.md cites both.
 */

/** The ASCII characters a mail nickname cannot hold. */
const FORBIDDEN = new Set(["@", "(", ")", "\\", "[", "]", '"', ";", ":", "<", ">", ",", " "]);

export const MAIL_NICKNAME_MAX_LENGTH = 64;

/**
 * The mail nickname a user gets when none is given: the alias of its userPrincipalName, what
 * Entra's admin center derives by default. Graph's *Create user* requires one; the console and
 * the AdminClient fill it from this. A userPrincipalName's alias holds only characters the rule
 * above allows (A-Z a-z 0-9 ' . - _ ! # ^ ~), so this passes mailNicknameProblem.
 */
export function mailNicknameOf(userPrincipalName: string): string {
  return userPrincipalName.trim().split("@")[0] ?? "";
}

/** What is wrong with a mail nickname under Entra ID's rule, with the fix; undefined when nothing is. */
export function mailNicknameProblem(nickname: string): string | undefined {
  const characters = [...nickname];
  if (characters.length > MAIL_NICKNAME_MAX_LENGTH) return `it has ${characters.length} characters, more than ${MAIL_NICKNAME_MAX_LENGTH}; shorten it`;
  for (const [i, character] of characters.entries()) {
    const code = character.codePointAt(0)!;
    if (code > 127) return `character ${i + 1}, '${character}', is not ASCII; use only ASCII characters (A-Z, a-z, 0-9, . - _ and the like)`;
    if (FORBIDDEN.has(character)) {
      const shown = character === " " ? "a space" : `'${character}'`;
      return `character ${i + 1} is ${shown}, which a mail nickname cannot hold (nor any of @ ( ) \\ [ ] " ; : < > , or a space); remove it`;
    }
  }
  return undefined;
}
