/**
 * Form bodies near and past the console's limit, over HTTP as a browser posts them. Before, the
 * console read at most 64 KiB of a form and answered anything larger with the admin API's JSON
 * 413 (`payloadTooLarge`, naming the 256 KiB limit of JSON bodies, not the form's) in the
 * browser's place: terms and conditions the admin API takes (65,536 characters; 7,000 Japanese
 * ones already pass 64 KiB once a browser percent-encodes them) could not be sent, and a pasted
 * 70,000-character name got JSON instead of the refusal at its field. Now every form the admin
 * API's limits allow is read, and one past the console's limit gets a console page (413) that
 * says nothing was saved and links back to the form.
 */
import { describe, expect, it } from "vitest";
import { FORM_BODY_LIMIT } from "../../../mock-service/console/form.js";
import { TEXT_LIMITS } from "../../../mock-service/services/text-limits.js";
import { FORM, signedInService } from "./support.js";

const TERMS = "/tenant-admin/terms-and-conditions";

const signedIn = signedInService();

function post(path: string, fields: Record<string, string>, cookie = signedIn.session.cookie): Promise<Response> {
  return fetch(`${signedIn.service.url}${path}`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": FORM, cookie, origin: signedIn.service.url, referer: `${signedIn.service.url}${path}` },
    body: new URLSearchParams({ _csrf: signedIn.session.csrf, ...fields }).toString(),
  });
}

describe("console form sizes", () => {
  it("reads terms as long as the admin API takes, in characters a browser sends as 12 bytes each", async () => {
    // Each of the 68,096 characters the terms' texts may hold at most, sent as four %XX escapes.
    const sum = Object.values(TEXT_LIMITS.terms).reduce((a, b) => a + b, 0);
    expect(FORM_BODY_LIMIT).toBeGreaterThan(sum * 12);
    const bodyText = "📜".repeat(TEXT_LIMITS.terms.bodyText);
    const created = await post(`${TERMS}/create`, { displayName: "Long terms", title: "Terms", bodyText, acceptanceStatement: "I accept" });
    expect(created.status).toBe(303);
    const [made] = await signedIn.service.admin.listTerms();
    expect([...made!.bodyText]).toHaveLength(TEXT_LIMITS.terms.bodyText);
  });

  it("refuses a pasted 70,000-character name at its field, not with JSON", async () => {
    const refused = await post("/groups/new", { groupType: "security", membershipType: "assigned", displayName: "a".repeat(70_000) });
    expect(refused.status).toBe(400);
    expect(refused.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(await refused.text()).toContain("Group name is longer than 256 characters (it has 70000): shorten it");
  });

  it("answers a form past the console's limit with its own page, saying nothing was saved", async () => {
    const refused = await post("/groups/new", { groupType: "security", membershipType: "assigned", displayName: "a".repeat(FORM_BODY_LIMIT) });
    expect(refused.status).toBe(413);
    expect(refused.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const page = await refused.text();
    expect(page).toContain("<title>Not sent - aosp-sim admin center</title>");
    expect(page).toContain("The form is larger than the 1 MiB the console reads, so it was not read and nothing was saved.");
    expect(page).toContain('<a href="/groups/new">Go back</a>');
    expect(await signedIn.service.admin.listGroups()).toEqual([]);
  });

  it("answers such a form sent after the session ended with the sign-in page, saying it was not saved", async () => {
    const refused = await post("/groups/new", { displayName: "a".repeat(FORM_BODY_LIMIT) }, "aospsim_console_0=ended");
    expect(refused.status).toBe(413);
    const page = await refused.text();
    expect(page).toContain("Your session has ended, so the form was not saved.");
    expect(page).toContain('name="next" value="/groups/new"');
  });

  it("answers an over-long sign-in form with the sign-in page", async () => {
    const refused = await fetch(`${signedIn.service.url}/signin`, {
      method: "POST",
      headers: { "content-type": FORM, origin: signedIn.service.url },
      body: new URLSearchParams({ token: "x".repeat(70_000), next: "/" }).toString(),
    });
    expect(refused.status).toBe(413);
    expect(refused.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(await refused.text()).toContain("larger than the 64 KiB the sign-in page reads");
  });
});
