/**
 * Groups > New group as the seed's steps go, over HTTP as a browser posts the forms: "Choose Add
 * dynamic query", the Dynamic membership rules blade (Simple rule, Add devices where
 * enrollmentProfileName, Equals, the profile's name), "Choose Add query > Create". Before, the rule
 * builder was inline in New group, with neither *Add dynamic query* nor *Add query* to find, and
 * the verdict under it read "Fill in the simple rule or write the rule syntax." while the simple
 * rule was filled in.
 */
import { describe, expect, it } from "vitest";
import { form, FORM, signedInService } from "./support.js";

const signedIn = signedInService();

async function post(fields: Record<string, string>): Promise<{ status: number; page: string; location: string | null }> {
  const response = await fetch(`${signedIn.service.url}/groups/new`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": FORM, cookie: signedIn.session.cookie, origin: signedIn.service.url },
    body: form({ _csrf: signedIn.session.csrf, ...fields }),
  });
  return { status: response.status, page: await response.text(), location: response.headers.get("location") };
}

/** The hidden and visible fields of a page's form, as the browser would send them (buttons left out). */
function fieldsOf(page: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [, name, value] of page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    fields[name!] = value!.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, "&");
  }
  delete fields._csrf;
  return fields;
}

const RULE = '(device.enrollmentProfileName -eq "Factory 1 devices")';

describe("New group > Add dynamic query > Add query > Create", () => {
  it("offers Add dynamic query on New group, not the rule builder, and Enter creates", async () => {
    const page = await (await fetch(`${signedIn.service.url}/groups/new`, { headers: { cookie: signedIn.session.cookie } })).text();
    expect(page).toContain('<button type="submit" name="go" value="query" formnovalidate>Add dynamic query</button>');
    expect(page).not.toContain('id="value"');
    // Enter in a box presses the form's first submit button: a Create, not Add dynamic query.
    expect(/<button type="submit" name="go" value="([a-z]+)"/.exec(page)?.[1]).toBe("create");
  });

  it("opens the Dynamic membership rules page with the group's basics kept, and adds the simple rule", async () => {
    const rules = await post({ go: "query", groupType: "security", displayName: "Factory 1 devices", description: "Line 1", membershipType: "dynamicDevice" });
    expect(rules.status).toBe(200);
    expect(rules.page).toContain("<title>Dynamic membership rules - aosp-sim admin center</title>");
    expect(rules.page).toContain("<legend>Add devices where</legend>");
    expect(rules.page).toContain('<button type="submit" name="go" value="add" class="primary">Add query</button>');
    const carried = fieldsOf(rules.page);
    expect(carried).toMatchObject({ displayName: "Factory 1 devices", description: "Line 1", membershipType: "dynamicDevice" });

    const back = await post({ ...carried, go: "add", property: "enrollmentProfileName", operator: "-eq", value: "Factory 1 devices", rule: "" });
    expect(back.status).toBe(200);
    expect(back.page).toContain("<title>New group - aosp-sim admin center</title>");
    expect(back.page).toContain(`Dynamic query: <code class="rule">${RULE.replace(/"/g, "&quot;")}</code>`);
    expect(back.page).toContain(">Edit dynamic query</button>");

    const created = await post({ ...fieldsOf(back.page), groupType: "security", displayName: "Factory 1 devices", description: "Line 1", membershipType: "dynamicDevice", go: "create" });
    expect(created.status).toBe(303);
    const [group] = await signedIn.service.admin.listGroups();
    expect(group).toMatchObject({ displayName: "Factory 1 devices", description: "Line 1", membershipRule: RULE, groupTypes: ["DynamicMembership"] });
  });

  it("refuses Add query without a rule at Value, and a rule the parser cannot read at Rule syntax", async () => {
    const empty = await post({ go: "add", displayName: "G", membershipType: "dynamicDevice", value: "" });
    expect(empty.status).toBe(400);
    expect(empty.page).toContain('<p class="field-error" id="value-error">Enter the Value of the simple rule');
    const unreadable = await post({ go: "add", displayName: "G", membershipType: "dynamicDevice", rule: "device.enrollmentProfileName -eq" });
    expect(unreadable.status).toBe(400);
    // The box is described by the parser's verdict under it, which says where.
    expect(unreadable.page).toContain("The rule cannot be read (line 1): expected a value");
    expect(unreadable.page).toContain('aria-describedby="membershipRule-hint rule-check" aria-invalid="true">device.enrollmentProfileName -eq</textarea>');
    expect(unreadable.page).toContain('<div id="rule-check" class="field-error" role="status">Line 1, column 33: expected a value');
  });

  it("Discard goes back to New group with the query it had", async () => {
    const rules = await post({ go: "query", displayName: "G", membershipType: "dynamicDevice", rule: RULE });
    const discarded = await post({ ...fieldsOf(rules.page), go: "discard", value: "something else", rule: "" });
    expect(discarded.page).toContain("<title>New group - aosp-sim admin center</title>");
    expect(discarded.page).toContain(`Dynamic query: <code class="rule">${RULE.replace(/"/g, "&quot;")}</code>`);
  });

  it("after Add query, puts the focus on Create (or on Group name while it is empty), and back from Discard on the query's button", async () => {
    /** The control that opens with the focus: the one element with autofocus. */
    const focused = (page: string) => {
      const all = [...page.matchAll(/<(input|button|select|textarea)\b([^>]*) autofocus[^>]*>([^<]*)/g)];
      expect(all).toHaveLength(1);
      const [, tag, attributes, text] = all[0]!;
      return tag === "button" ? `button ${text}` : `${tag} ${/id="([^"]+)"/.exec(attributes!)?.[1]}`;
    };
    expect(focused(await (await fetch(`${signedIn.service.url}/groups/new`, { headers: { cookie: signedIn.session.cookie } })).text())).toBe("input displayName");
    const named = await post({ go: "add", displayName: "Factory 1 devices", membershipType: "dynamicDevice", value: "Factory 1 devices" });
    expect(focused(named.page)).toBe("button Create");
    const unnamed = await post({ go: "add", displayName: " ", membershipType: "dynamicDevice", value: "Factory 1 devices" });
    expect(focused(unnamed.page)).toBe("input displayName");
    const rules = await post({ go: "query", displayName: "G", membershipType: "dynamicDevice", rule: RULE });
    const discarded = await post({ ...fieldsOf(rules.page), go: "discard" });
    expect(focused(discarded.page)).toBe("button Edit dynamic query");
  });

  it("checks the simple rule as it is typed, not only the syntax box", async () => {
    const query = new URLSearchParams({ property: "enrollmentProfileName", operator: "-eq", value: "Factory 1 devices", rule: "" });
    const verdict = await (await fetch(`${signedIn.service.url}/groups/rule-check?${query}`, { headers: { cookie: signedIn.session.cookie, "hx-request": "true" } })).text();
    expect(verdict).toContain(`The rule is valid: <code class="rule">${RULE.replace(/"/g, "&quot;")}</code>`);
  });
});
