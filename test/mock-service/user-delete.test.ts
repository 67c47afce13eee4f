/**
 * DELETE /beta/users/{id | userPrincipalName}, Graph's *Delete a user*. Before, 405 "takes GET,
 * HEAD, PATCH, not DELETE", so a script's test users could never be removed.
 */
import { describe, expect, it } from "vitest";
import { deviceRoutes } from "../../agent/protocol/device-api.js";
import { DEVICES, enrolledDevice, errorOf, licensedUser, PASSWORD, useService } from "./support/service.js";

const service = useService();

describe("deleting a user", () => {
  it("removes the user, its licences and memberships; its device stays enrolled with no primary user, and the user's sign-in fails", async () => {
    const t = service();
    const { device, user } = await enrolledDevice(t);
    const group = (await t.admin("POST", "/beta/groups", { displayName: "Pilot" })).body.id as string;
    await t.admin("POST", `/beta/groups/${group}/members/$ref`, { "@odata.id": `https://graph.microsoft.com/beta/directoryObjects/${user.id}` });
    expect((await t.admin("GET", `${DEVICES}/${device.deviceId}`)).body.userPrincipalName).toBe(user.upn);

    expect((await t.admin("DELETE", `/beta/users/${user.upn.toUpperCase()}`)).status).toBe(204);
    expect(errorOf(await t.admin("GET", `/beta/users/${user.id}`))).toMatchObject({ status: 404, code: "Request_ResourceNotFound" });
    expect(errorOf(await t.admin("DELETE", `/beta/users/${user.id}`)).status).toBe(404);
    const managed = (await t.admin("GET", `${DEVICES}/${device.deviceId}`)).body;
    expect(managed).toMatchObject({ id: device.deviceId, userId: "", userPrincipalName: "", emailAddress: "" });
    expect((await t.admin("GET", `/beta/groups/${group}/members`)).body.value).toEqual([]);
    const checkIn = await t.device(device.deviceCredential, "POST", deviceRoutes.checkIn(device.deviceId), { agentVersion: "24.9.2", apps: [] });
    expect(checkIn.status).toBe(200);
    const signIn = await t.device(device.deviceCredential, "POST", deviceRoutes.signIn(device.deviceId), { userPrincipalName: user.upn, password: PASSWORD });
    expect(errorOf(signIn)).toMatchObject({ status: 401, code: "invalidCredentials" });
    // The name is free again: a new user may take it (before, 400 ObjectConflict for ever).
    const again = await licensedUser(t, user.upn);
    expect(again.id).not.toBe(user.id);
  });
});
