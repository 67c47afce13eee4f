/**
 * GET /beta/deviceManagement/roleScopeTags: Graph beta's entity set of Intune scope tags, with the
 * built-in Default tag whose id profiles, policies and terms carry in roleScopeTagIds.
 */
import { describe, expect, it } from "vitest";
import { createProfile, errorOf, useService } from "./support/service.js";

const service = useService();
const TAGS = "/beta/deviceManagement/roleScopeTags";

describe("role scope tags", () => {
  // Before: 400 "Resource not found for the segment 'roleScopeTags'", though Graph has the entity set.
  it("lists the built-in Default tag, the one a profile's roleScopeTagIds names by default", async () => {
    const t = service();
    const reply = await t.admin("GET", TAGS);
    expect(reply.status, reply.text).toBe(200);
    expect(reply.body["@odata.context"]).toMatch(/\/beta\/\$metadata#deviceManagement\/roleScopeTags$/);
    expect(reply.body.value).toEqual([
      { "@odata.type": "#microsoft.graph.roleScopeTag", id: "0", displayName: "Default", description: "", isBuiltIn: true },
    ]);
    const profile = await createProfile(t);
    expect(profile.roleScopeTagIds).toEqual(["0"]);
    const tagIds = new Set(reply.body.value.map((tag: { id: string }) => tag.id));
    expect(profile.roleScopeTagIds.every((id: string) => tagIds.has(id))).toBe(true);
  });

  it("reads a tag by id with $select, takes $filter, and answers 404 for another id", async () => {
    const t = service();
    const one = await t.admin("GET", `${TAGS}/0?$select=displayName,isBuiltIn`);
    expect(one.status, one.text).toBe(200);
    expect(one.body).toMatchObject({ displayName: "Default", isBuiltIn: true });
    expect(one.body.id).toBeUndefined();
    const filtered = await t.admin("GET", `${TAGS}?$filter=${encodeURIComponent("displayName eq 'Default'")}&$select=id`);
    expect(filtered.body.value).toEqual([{ "@odata.type": "#microsoft.graph.roleScopeTag", id: "0" }]);
    expect(errorOf(await t.admin("GET", `${TAGS}/7`))).toMatchObject({ status: 404, code: "itemNotFound" });
    expect(await t.service.admin.roleScopeTags()).toMatchObject([{ id: "0", displayName: "Default" }]);
  });

  it("is declared in $metadata as deviceManagement's roleScopeTags", async () => {
    const t = service();
    const metadata = await t.admin("GET", "/beta/$metadata");
    expect(metadata.text).toContain('<EntityType Name="roleScopeTag"');
    expect(metadata.text).toMatch(/<NavigationProperty Name="roleScopeTags" Type="Collection\(microsoft\.graph\.roleScopeTag\)"/);
  });
});
