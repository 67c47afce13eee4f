/**
 * Users a page at a time, as the console's other lists are: All users shows 50 rows with the
 * total and Previous/Next, and Troubleshooting + support's user picker is a starts-with search
 * with a page of matching users, not one select of every user in the tenant.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServiceApp, type ServiceApp } from "../../helpers/service-app.js";
import { signIn } from "./support.js";

const CREATED = 60;

let t: ServiceApp;
let cookie: string;
let total: number;
let picked: string;

beforeAll(async () => {
  t = await startServiceApp();
  ({ cookie } = await signIn(t));
  for (let i = 0; i < CREATED; i++) {
    const n = String(i).padStart(3, "0");
    const user = await t.admin.createUser({ displayName: `Operator ${n}`, userPrincipalName: `user${n}@contoso.example`, password: "Passw0rd!long" });
    if (n === "042") picked = user.id;
  }
  total = (await t.admin.listUsers()).length;
}, 60_000);
afterAll(() => t?.close());

async function get(path: string): Promise<{ status: number; text: string }> {
  const reply = await t.app.inject({ method: "GET", url: path, headers: { cookie } });
  return { status: reply.statusCode, text: reply.body };
}

const upnsOf = (text: string): string[] => [...text.matchAll(/<td class="text">([^<]+@contoso\.example)<\/td>/g)].map((m) => m[1]!);
const optionsOf = (text: string): string[] => [...text.matchAll(/<option value="[^"]+"[^>]*>[^<]*\(([^)]+)\)<\/option>/g)].map((m) => m[1]!);
const nextOf = (text: string): string | undefined => /<a class="button" href="([^"]+)" rel="next">Next<\/a>/.exec(text)?.[1]?.replaceAll("&amp;", "&");

describe("All users, a page at a time", () => {
  it("lists every user once across its pages, by Next, with the total", async () => {
    expect(total).toBeGreaterThan(50);
    const seen: string[] = [];
    let path: string | undefined = "/users";
    let pages = 0;
    while (path !== undefined) {
      const { status, text } = await get(path);
      expect(status).toBe(200);
      pages++;
      const upns = upnsOf(text);
      expect(upns.length).toBeLessThanOrEqual(50);
      expect(text).toContain(`All users (${total})`);
      expect(text).toContain(`Page ${pages} of 2`);
      seen.push(...upns);
      path = nextOf(text);
    }
    expect(pages).toBe(2);
    expect(new Set(seen).size).toBe(total);
    expect((await get("/users")).text).toContain(`Showing 1 to 50 of ${total} records`);
    expect((await get("/users?page=2")).text).toContain(`Showing 51 to ${total} of ${total} records`);
  });

  it("refuses a page that is not a page number, showing the first", async () => {
    const { status, text } = await get("/users?page=abc");
    expect(status).toBe(400);
    expect(text).toContain("Page &quot;abc&quot; is not a page number: give a whole number from 1 to 2");
    expect(text).toContain(`Showing 1 to 50 of ${total} records`);
  });
});

describe("Troubleshooting + support's user picker", () => {
  it("offers a page of users with the total and Next, not every user", async () => {
    const { status, text } = await get("/troubleshooting");
    expect(status).toBe(200);
    expect(optionsOf(text)).toHaveLength(50);
    expect(text).toContain(`User (${total})`);
    const next = nextOf(text)!;
    expect(next).toContain("userPage=2");
    expect(optionsOf((await get(next)).text)).toHaveLength(total - 50);
  });

  it("narrows the users to those whose name starts with the search, in any case", async () => {
    const { text } = await get("/troubleshooting?search=USER05");
    expect(optionsOf(text)).toEqual(Array.from({ length: 10 }, (_, i) => `user05${i}@contoso.example`));
    expect(text).toContain('value="USER05"');
    expect(nextOf(text)).toBeUndefined();
    expect((await get("/troubleshooting?search=nobody")).text).toContain("No user principal name or display name starts with nobody.");
  });

  it("shows the picked user's devices, keeping the search", async () => {
    const { status, text } = await get(`/troubleshooting?search=user04&userPage=1&user=${picked}`);
    expect(status).toBe(200);
    expect(text).toContain(`<option value="${picked}" selected>`);
    expect(text).toContain("Android (AOSP) devices of Operator 042");
  });
});
