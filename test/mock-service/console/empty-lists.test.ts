/**
 * The console's lists when they hold nothing, as an admin first sees them on a new tenant, and
 * when a search finds nothing. Before, under each list's own line for no rows ("No devices yet.
 * Enroll one with the QR code of an enrollment profile's Token."), the pager still read "Showing
 * 0 to 0 of 0 records": a range of rows that does not exist, said twice over. Now an empty list
 * says only that it is empty, and how to fill it; a list with rows keeps its "Showing ..." line.
 */
import { describe, expect, it } from "vitest";
import { signedInService } from "./support.js";

const signedIn = signedInService();

const AOSP = "/devices/enrollment/android/aosp/corporate-owned-user-associated";

const getPage = async (path: string) => (await fetch(`${signedIn.service.url}${path}`, { headers: { cookie: signedIn.session.cookie } })).text();

describe("an empty list in the console", () => {
  it.each([
    ["All devices", "/devices", "No devices yet. Enroll one with the QR code of an enrollment profile&#39;s Token."],
    ["All devices' live part", "/devices/table", "No devices yet."],
    ["the enrollment profiles", AOSP, "No profiles yet. Select Create profile to make one."],
    ["All users", "/users", "No users yet. Device users sign in during enrollment: create them here."],
    ["Troubleshooting + support's users", "/troubleshooting", "No users yet."],
  ])("%s: says it is empty, with no count of rows that are not there", async (_list, path, empty) => {
    const page = await getPage(path);
    expect(page).toContain(empty);
    expect(page).not.toContain("Showing 0");
    expect(page).not.toContain('class="pager');
  });

  // Before, "All groups" alone, where All devices and All users give their count.
  it("All groups counts its groups in its caption, as All devices and All users do", async () => {
    expect(await getPage("/groups")).toContain("<caption>All groups (0)</caption>");
    await signedIn.service.admin.createGroup({ displayName: "Kiosks", mailEnabled: false, mailNickname: "kiosks", securityEnabled: true });
    expect(await getPage("/groups")).toContain("<caption>All groups (1)</caption>");
  });

  it("a search that finds nothing says so, with no count; a list with rows still counts them", async () => {
    await signedIn.service.admin.createUser({ displayName: "Ann", userPrincipalName: "ann@contoso.example", password: "Corr3ct-Horse" });
    const none = await getPage("/troubleshooting?search=zz");
    expect(none).toContain("No user principal name or display name starts with zz.");
    expect(none).not.toContain("Showing 0");
    expect(await getPage("/users")).toContain("Showing 1 to 1 of 1 records");
  });

  it("a group with no members, and Add members with no devices to offer, show no count of rows", async () => {
    const group = await signedIn.service.admin.createGroup({ displayName: "Empty", mailEnabled: false, mailNickname: "empty", securityEnabled: true });
    const page = await getPage(`/groups/${group.id}`);
    expect(page).toContain("No members yet. Add users or devices with Add members.");
    expect(page).toContain("No enrolled devices yet.");
    expect(page).not.toContain("Showing 0");
  });
});
