/**
 * The policy and terms collections answer OData as every other admin collection: $select,
 * $filter, $top with @odata.nextLink, $select on one entity, and $metadata declaring them.
 */
import { describe, expect, it } from "vitest";
import { xml2json } from "odata-csdl/lib/xml2json.js";
import { http, useService, type TestService } from "./support/service.js";

const service = useService();
const CONFIGURATIONS = "/beta/deviceManagement/deviceConfigurations";
const TERMS = "/beta/deviceManagement/termsAndConditions";
const q = (text: string) => encodeURIComponent(text);

async function configuration(t: TestService, displayName: string, settings: Record<string, unknown> = {}): Promise<string> {
  const reply = await t.admin("POST", CONFIGURATIONS, { "@odata.type": "#microsoft.graph.aospDeviceOwnerDeviceConfiguration", displayName, ...settings });
  expect(reply.status, reply.text).toBe(201);
  return reply.body.id;
}

describe("deviceConfigurations over OData", () => {
  it("pages with $top, following @odata.nextLink to every configuration exactly once", async () => {
    const t = service();
    const created = [await configuration(t, "A"), await configuration(t, "B"), await configuration(t, "C")];
    const first = await t.admin("GET", `${CONFIGURATIONS}?$top=2`);
    expect(first.status, first.text).toBe(200);
    expect(first.body.value).toHaveLength(2);
    expect(first.body["@odata.nextLink"]).toMatch(/\/beta\/deviceManagement\/deviceConfigurations\?\$top=2&\$skiptoken=/);
    const rest = await http(first.body["@odata.nextLink"], { bearer: t.service.adminToken });
    expect(rest.status, rest.text).toBe(200);
    expect(rest.body["@odata.nextLink"]).toBeUndefined();
    const seen = [...first.body.value, ...rest.body.value].map((c: { id: string }) => c.id);
    expect(seen.sort()).toEqual([...created].sort());
  });

  it("takes $select and $filter, on common properties and AOSP settings alike", async () => {
    const t = service();
    const locked = await configuration(t, "Factory lockdown", { cameraBlocked: true });
    await configuration(t, "Kiosk", { cameraBlocked: false });
    const selected = await t.admin("GET", `${CONFIGURATIONS}?$select=id,displayName,cameraBlocked&$filter=${q("cameraBlocked eq true")}`);
    expect(selected.status, selected.text).toBe(200);
    expect(selected.body["@odata.context"]).toBe(`${t.url}/beta/$metadata#deviceManagement/deviceConfigurations(id,displayName,cameraBlocked)`);
    expect(selected.body.value).toEqual([
      { "@odata.type": "#microsoft.graph.aospDeviceOwnerDeviceConfiguration", id: locked, displayName: "Factory lockdown", cameraBlocked: true },
    ]);
    const byName = await t.admin("GET", `${CONFIGURATIONS}?$filter=${q("startswith(displayName,'Kio')")}&$count=true`);
    expect(byName.body["@odata.count"]).toBe(1);
    expect(byName.body.value[0].displayName).toBe("Kiosk");
    const one = await t.admin("GET", `${CONFIGURATIONS}/${locked}?$select=version`);
    expect(one.body).toEqual({
      "@odata.context": `${t.url}/beta/$metadata#deviceManagement/deviceConfigurations(version)/$entity`,
      "@odata.type": "#microsoft.graph.aospDeviceOwnerDeviceConfiguration",
      version: 1,
    });
  });

  it("refuses an unknown property with Graph's 400, naming the collection's properties", async () => {
    const t = service();
    const reply = await t.admin("GET", `${CONFIGURATIONS}?$select=nope`);
    expect(reply.status).toBe(400);
    expect(reply.body.error.message).toMatch(/\$select: could not find a property named 'nope' on type 'microsoft.graph.deviceConfiguration'.*cameraBlocked/);
  });
});

describe("termsAndConditions and deviceCompliancePolicies over OData", () => {
  it("filter, select and page the terms", async () => {
    const t = service();
    for (const title of ["Acceptable use", "Privacy"]) {
      const reply = await t.admin("POST", TERMS, { displayName: title, title, bodyText: "Text", acceptanceStatement: "I agree" });
      expect(reply.status, reply.text).toBe(201);
    }
    const list = await t.admin("GET", `${TERMS}?$select=title&$filter=${q("title eq 'Privacy'")}`);
    expect(list.status, list.text).toBe(200);
    expect(list.body.value).toEqual([{ "@odata.type": "#microsoft.graph.termsAndConditions", title: "Privacy" }]);
    const paged = await t.admin("GET", `${TERMS}?$top=1&$orderby=${q("title desc")}`);
    expect(paged.body.value.map((x: { title: string }) => x.title)).toEqual(["Privacy"]);
    expect(paged.body["@odata.nextLink"]).toBeDefined();
  });

  it("are declared in $metadata, with their types and filterable properties, and documented in /openapi.json", async () => {
    const t = service();
    const csdl = xml2json((await t.admin("GET", "/beta/$metadata")).text) as Record<string, any>;
    const graph = csdl["microsoft.graph"];
    expect(graph.deviceManagement.deviceConfigurations.$Type).toBe("graph.deviceConfiguration");
    expect(graph.deviceManagement.deviceCompliancePolicies.$Type).toBe("graph.deviceCompliancePolicy");
    expect(graph.deviceManagement.termsAndConditions.$Type).toBe("graph.termsAndConditions");
    expect(graph.deviceConfiguration.version.$Type).toBe("Edm.Int32");
    expect(graph.termsAndConditions.acceptanceStatement).toBeDefined();
    const doc = (await http(`${t.url}/openapi.json`)).body;
    const names = (path: string) => doc.paths[path].get.parameters.map((p: { name: string }) => p.name);
    expect(names("/beta/deviceManagement/deviceCompliancePolicies")).toEqual(["$filter", "$select", "$orderby", "$top", "$count", "$skiptoken"]);
    expect(names("/beta/deviceManagement/termsAndConditions/{id}")).toContain("$select");
  });
});
