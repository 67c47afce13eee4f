/**
 * Words a console user reads, over HTTP as a browser gets them. Before: the sign-in refusal
 * showed literal backticks and was not tied to its field, a compliance policy's form said
 * settings "are not changed on the device" (a compliance policy evaluates, it changes nothing),
 * a hint lacked its full stop, a group's bad `memberPage` was explained with `page=2`, and adding
 * two members said "Member added."
 */
import { describe, expect, it } from "vitest";
import { form, FORM, signedInService } from "./support.js";

const signedIn = signedInService();

const getPage = async (path: string) => (await fetch(`${signedIn.service.url}${path}`, { headers: { cookie: signedIn.session.cookie } })).text();
const post = (path: string, fields: Record<string, string> | URLSearchParams, cookie = signedIn.session.cookie) =>
  fetch(`${signedIn.service.url}${path}`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": FORM, cookie, origin: signedIn.service.url },
    body: fields instanceof URLSearchParams ? fields.toString() : form(fields),
  });

describe("the console's wording", () => {
  it("shows the sign-in refusal with the command as code, tied to the token field", async () => {
    const page = await (await post("/signin", { token: "wrong", next: "/" }, "")).text();
    expect(page).toContain("Copy it from the first line <code>aosp-sim serve</code> printed.");
    expect(page).not.toContain("`");
    expect(page).toMatch(/<input id="token"[^>]*aria-invalid="true" aria-describedby="token-error">/);
    expect(page).toContain('id="token-error"');
  });

  it("says a compliance policy does not evaluate what is Not configured, and ends its hints with a full stop", async () => {
    const compliance = await getPage("/devices/compliance/create");
    expect(compliance).toContain("Settings left at Not configured are not evaluated.");
    expect(compliance).not.toContain("not changed on the device");
    expect(compliance).toContain("e.g. 10 or 12.1. Leave empty for Not configured.");
    expect(await getPage("/devices/configuration/create")).toContain("Settings left at Not configured are not changed on the device.");
  });

  it("names memberPage when a group's member page is not a number, and counts the members added", async () => {
    const group = await signedIn.service.admin.createGroup({ displayName: "Words", mailEnabled: false, mailNickname: "words", securityEnabled: true });
    expect(await getPage(`/groups/${group.id}?memberPage=x`)).toContain("(memberPage=2 for the second page)");
    const users = [];
    for (const name of ["ann", "bob"]) {
      users.push(await signedIn.service.admin.createUser({ displayName: name, userPrincipalName: `${name}@contoso.example`, password: "Corr3ct-Horse" }));
    }
    const fields = new URLSearchParams({ _csrf: signedIn.session.csrf, go: "add" });
    for (const user of users) fields.append("memberId", user.id);
    const added = await post(`/groups/${group.id}/members`, fields);
    expect(added.status).toBe(303);
    expect(await getPage(added.headers.get("location")!)).toContain("Members added.");
  });
});
