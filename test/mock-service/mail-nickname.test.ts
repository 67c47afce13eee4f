/**
 * A user's mailNickname follows Entra ID's rule (docs/graph-directory-facts.md): at most 64 ASCII
 * characters, none of @ ( ) \ [ ] " ; : < > , or a space; anything else is Entra's 400
 * "Invalid value specified for property 'mailNickname' of resource 'User'." (details InvalidValue),
 * on a create and on a PATCH, which Graph's Update user allows to change it.
 */
import { describe, expect, it } from "vitest";
import { mailNicknameOf, mailNicknameProblem } from "../../mock-service/domain/mail-nickname.js";
import { errorOf, PASSWORD, useService } from "./support/service.js";

const service = useService();
const newUser = (upn: string, mailNickname: string) => ({
  accountEnabled: true,
  displayName: "Ann Example",
  mailNickname,
  userPrincipalName: upn,
  passwordProfile: { forceChangePasswordNextSignIn: false, password: PASSWORD },
});
const ENTRA = "Invalid value specified for property 'mailNickname' of resource 'User'";

describe("a user's mailNickname", () => {
  it.each([
    ["a comma, as in Entra's own refusal", "naveen.mills,.jr.", "character 13 is ','"],
    ["an @", "ann@contoso", "'@'"],
    ["a space", "ann smith", "a space"],
    ["brackets", "ann[1]", "'['"],
    ["a backslash", "dom\\ann", "'\\'"],
    ["a quote", 'ann"x', `'"'`],
    ["a non-ASCII letter", "jürgen", "'ü', is not ASCII"],
    ["65 characters", "a".repeat(65), "65 characters, more than 64"],
  ])("is refused on a create when it holds %s", async (_name, nickname, why) => {
    const reply = await service().admin("POST", "/beta/users", newUser("ann@contoso.example", nickname));
    const error = errorOf(reply);
    expect(error).toMatchObject({ status: 400, code: "Request_BadRequest" });
    expect(error.message.startsWith(`${ENTRA} ('${nickname}'): `)).toBe(true);
    expect(error.message).toContain(why);
    expect(reply.body.error.details).toEqual([{ code: "InvalidValue", target: "mailNickname" }]);
  });

  it("takes what the rule allows, on a create and a PATCH, and refuses a bad one on a PATCH leaving the old", async () => {
    const t = service();
    const created = await t.admin("POST", "/beta/users", newUser("o'neil@contoso.example", "o'neil.x-y_z!#^~{}|=+$%&*?/`"));
    expect(created.status, created.text).toBe(201);
    const id = created.body.id;
    expect((await t.admin("PATCH", `/beta/users/${id}`, { mailNickname: "a".repeat(64) })).status).toBe(204);
    expect((await t.admin("GET", `/beta/users/${id}?$select=mailNickname`)).body.mailNickname).toBe("a".repeat(64));

    const bad = await t.admin("PATCH", `/beta/users/${id}`, { mailNickname: "ann (lab)" });
    expect(errorOf(bad)).toMatchObject({ status: 400, code: "Request_BadRequest", message: expect.stringContaining(`${ENTRA} ('ann (lab)'): character 4 is a space`) });
    expect(errorOf(await t.admin("PATCH", `/beta/users/${id}`, { mailNickname: " " }))).toMatchObject({ status: 400, code: "Request_BadRequest" });
    expect((await t.admin("GET", `/beta/users/${id}?$select=mailNickname`)).body.mailNickname).toBe("a".repeat(64));
  });

  it("is what a userPrincipalName's alias gives when none is sent (AdminClient, console)", () => {
    for (const upn of ["ann@contoso.example", "o'neil.x-y_z!#^~@contoso.example"]) {
      expect(mailNicknameProblem(mailNicknameOf(upn))).toBeUndefined();
    }
  });
});
