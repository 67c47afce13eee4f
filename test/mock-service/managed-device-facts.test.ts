/**
 * The managedDevice properties that come from a device's compliance reports: the end of its grace
 * period, its security patch level, encryption and root state. They are answered, taken by
 * $select and $filter, and declared in $metadata and /openapi.json with Graph's types.
 */
import { describe, expect, it } from "vitest";
import { xml2json } from "odata-csdl/lib/xml2json.js";
import { DEVICES, enrolledDevice, factoryGroup, http, reportCompliance, useService } from "./support/service.js";

const service = useService();
const COMPLIANCE = "/beta/deviceManagement/deviceCompliancePolicies";
const FACTS = "id,complianceState,complianceGracePeriodExpirationDateTime,androidSecurityPatchLevel,isEncrypted,jailBroken";

describe("managedDevice's compliance facts", () => {
  // Before: $select and $filter on these answered 400 "could not find a property named ...".
  it("answers the grace period's end, the patch level, encryption and root state the device reported", async () => {
    const t = service();
    const group = await factoryGroup(t);
    const policy = (
      await t.admin("POST", COMPLIANCE, {
        "@odata.type": "#microsoft.graph.aospDeviceOwnerCompliancePolicy",
        displayName: "Patched",
        minAndroidSecurityPatchLevel: "2030-01-01",
        storageRequireEncryption: true,
        securityBlockJailbrokenDevices: true,
        scheduledActionsForRule: [{ ruleName: "PasswordRequired", scheduledActionConfigurations: [{ actionType: "block", gracePeriodHours: 72 }] }],
      })
    ).body;
    await t.admin("POST", `${COMPLIANCE}/${policy.id}/assign`, {
      assignments: [{ target: { "@odata.type": "#microsoft.graph.groupAssignmentTarget", groupId: group.id } }],
    });
    const { device } = await enrolledDevice(t, { profile: { displayName: "Factory 1 devices" } });
    const facts = async () => (await t.admin("GET", `${DEVICES}/${device.deviceId}?$select=${FACTS}`)).body;

    // Nothing reported yet: no grace period (Intune's far-future date), nothing known.
    expect(await facts()).toMatchObject({
      complianceGracePeriodExpirationDateTime: "9999-12-31T23:59:59Z",
      androidSecurityPatchLevel: null,
      isEncrypted: false,
      jailBroken: "Unknown",
    });

    await reportCompliance(t, device, policy.id, [
      { setting: "minAndroidSecurityPatchLevel", state: "nonCompliant", currentValue: "2020-09-05", reason: "older" },
      { setting: "storageRequireEncryption", state: "compliant", currentValue: "encrypted" },
      { setting: "securityBlockJailbrokenDevices", state: "compliant", currentValue: "not rooted" },
    ]);
    const graceEnds = new Date(t.clock.now.getTime() + 72 * 3_600_000).toISOString();
    expect(await facts()).toMatchObject({
      id: device.deviceId,
      complianceState: "inGracePeriod",
      complianceGracePeriodExpirationDateTime: graceEnds,
      androidSecurityPatchLevel: "2020-09-05",
      isEncrypted: true,
      jailBroken: "False",
    });

    const filtered = async (filter: string) => {
      const reply = await t.admin("GET", `${DEVICES}?$filter=${encodeURIComponent(filter)}&$select=id`);
      expect(reply.status, `${filter}: ${reply.text}`).toBe(200);
      return (reply.body.value as { id: string }[]).map((d) => d.id);
    };
    expect(await filtered("isEncrypted eq true")).toEqual([device.deviceId]);
    expect(await filtered("isEncrypted eq false")).toEqual([]);
    expect(await filtered("startswith(androidSecurityPatchLevel,'2021')")).toEqual([]);
    expect(await filtered("androidSecurityPatchLevel eq '2020-09-05'")).toEqual([device.deviceId]);
    expect(await filtered(`complianceGracePeriodExpirationDateTime le ${graceEnds}`)).toEqual([device.deviceId]);
  });

  it("declares them with Graph's types in $metadata and /openapi.json", async () => {
    const t = service();
    const schema = (xml2json((await t.admin("GET", "/beta/$metadata")).text) as Record<string, Record<string, any>>)["microsoft.graph"]!;
    const managedDevice = schema["managedDevice"]!;
    // CSDL JSON (as xml2json writes it) says $Nullable only when true.
    expect(managedDevice["complianceGracePeriodExpirationDateTime"]).toMatchObject({ $Type: "Edm.DateTimeOffset" });
    expect(managedDevice["complianceGracePeriodExpirationDateTime"].$Nullable).toBeUndefined();
    expect(managedDevice["androidSecurityPatchLevel"]).toEqual({ $Nullable: true });
    expect(managedDevice["isEncrypted"]).toEqual({ $Type: "Edm.Boolean" });
    expect(managedDevice["jailBroken"]).toEqual({ $Nullable: true });
    const doc = (await http(`${t.url}/openapi.json`)).body as { paths: Record<string, any> };
    const answer = doc.paths["/beta/deviceManagement/managedDevices/{id}"].get.responses["200"].content["application/json"].schema.properties;
    expect(answer.complianceGracePeriodExpirationDateTime).toMatchObject({ type: "string", format: "date-time" });
    expect(answer.isEncrypted).toEqual({ type: "boolean" });
    expect(answer.androidSecurityPatchLevel).toEqual({ type: ["string", "null"] });
  });
});
