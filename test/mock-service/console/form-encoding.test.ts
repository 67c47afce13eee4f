/**
 * Console forms whose bytes are not UTF-8, over HTTP as a script (or a careless client) posts
 * them. Before, URLSearchParams put U+FFFD where the bytes were, so New group saved a group named
 * "x\uFFFDy" from `displayName=x%FFy` (the admin API refuses the same bytes in JSON, 400, naming
 * the property). Now it is a console page that says what could not be read (the field's name),
 * that nothing was saved, and what to do. (A form too large to read: form-size.test.ts.)
 */
import { describe, expect, it } from "vitest";
import { FORM, signedInService } from "./support.js";

const signedIn = signedInService();

function post(path: string, body: Buffer, cookie: string | null = signedIn.session.cookie): Promise<Response> {
  return fetch(`${signedIn.service.url}${path}`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": FORM, ...(cookie ? { cookie } : {}), origin: signedIn.service.url, referer: `${signedIn.service.url}/groups/new` },
    body,
  });
}

/** A New group form, `displayName` given as raw bytes (already escaped as the test wants). */
const newGroup = (displayName: Buffer | string) =>
  Buffer.concat([Buffer.from(`_csrf=${signedIn.session.csrf}&groupType=security&membershipType=assigned&displayName=`), Buffer.from(displayName)]);

const groupNames = async () => (await signedIn.service.admin.listGroups()).map((g) => g.displayName);

/** The page's text, tags and entities aside, on one line. */
const text = async (response: Response) =>
  (await response.text()).replace(/<[^>]*>/g, " ").replaceAll("&quot;", '"').replace(/\s+/g, " ");

describe("a console form whose bytes are not UTF-8", () => {
  it.each([
    ["a raw byte 0xFF", Buffer.concat([Buffer.from("ab"), Buffer.from([0xff, 0xfe]), Buffer.from("cd")])],
    ["a %FF escape", "x%FFy"],
    ["a lone continuation byte escaped (%80)", "caf%80"],
    ["a truncated two-byte character (%C3 at the end)", "caf%C3"],
  ])("is refused with %s: a 400 page naming the field, and no group is made", async (_, displayName) => {
    const before = await groupNames();
    const response = await post("/groups/new", newGroup(displayName));
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    const words = await text(response);
    expect(words).toContain('the form field "displayName" is not valid UTF-8');
    expect(words).toContain("Nothing was saved.");
    expect(words).toContain("send the form encoded as UTF-8");
    expect(words).not.toContain("\ufffd");
    expect(await groupNames()).toEqual(before);
  });

  it("names a field name that is not UTF-8 as such", async () => {
    const response = await post("/groups/new", Buffer.from(`_csrf=${signedIn.session.csrf}&displayName=ok&n%FFme=v`));
    expect(response.status).toBe(400);
    expect(await text(response)).toContain("the form holds a field name that is not valid UTF-8 (byte 0xff");
  });

  it("signed out, is the sign-in page saying so (nothing read, nothing saved)", async () => {
    const response = await post("/signin", Buffer.from(`token=%FF&next=/`), null);
    expect(response.status).toBe(400);
    expect(response.headers.get("set-cookie")).toBeNull();
    const words = await text(response);
    expect(words).toContain('the form field "token" is not valid UTF-8');
    expect(words).toContain("Admin token");
  });
});

describe("a console form read as the WHATWG parser reads it", () => {
  it.each([
    ["UTF-8 written raw", Buffer.from("Café Ünïcode ✓")],
    ["UTF-8 escaped", encodeURIComponent("Café 🚀 team")],
    ["+ as a space and %2B as a plus", "a+b%2Bc"],
    ["a % that starts no escape", "100% %zz%4"],
    ["a U+FEFF kept", "x%EF%BB%BFy"],
  ])("keeps %s exactly as URLSearchParams does", async (_, displayName) => {
    const body = newGroup(displayName);
    const expected = new URLSearchParams(body.toString("utf8")).get("displayName");
    const response = await post("/groups/new", body);
    expect(response.status).toBe(303);
    expect(await groupNames()).toContain(expected);
  });
});
