import { describe, expect, it } from "vitest";
import { routePath } from "../../agent/sim/fleet/http-counts.js";

describe("routePath (a fleet's HTTP requests by route)", () => {
  it("turns ids into {id}: GUIDs, numbers, long tokens", () => {
    expect(routePath("/device/v1/devices/6f1c2d3e-1111-4222-8333-944445555666/checkIn")).toBe("/device/v1/devices/{id}/checkIn");
    expect(routePath("/device/v1/packages/com.azure.authenticator/42")).toBe("/device/v1/packages/com.azure.authenticator/{id}");
    expect(routePath(`/sim/v1/t/${"a".repeat(65)}`)).toBe("/sim/v1/t/{id}");
  });

  it("turns a user principal name into {id}, as Graph addresses a user by either", () => {
    expect(routePath("/beta/users/fleet%40contoso.example")).toBe("/beta/users/{id}");
    expect(routePath("/beta/users/fleet@contoso.example/assignLicense")).toBe("/beta/users/{id}/assignLicense");
  });

  it("keeps names and drops the query", () => {
    expect(routePath("/beta/deviceManagement/androidDeviceOwnerEnrollmentProfiles?$top=5")).toBe("/beta/deviceManagement/androidDeviceOwnerEnrollmentProfiles");
  });
});
