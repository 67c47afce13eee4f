/**
 * A live mock service for tests of the built CLI (`aosp-sim enroll PAYLOAD`): a licensed user,
 * the README walkthrough's Ann, and a profile without Wi-Fi whose payload is written to a file.
 */
import { writeFileSync } from "node:fs";
import { afterAll, beforeAll } from "vitest";
import { startMockService, type MockService } from "../../mock-service/index.js";

export const ANN = { upn: "ann@contoso.example", password: "Corr3ct-Horse" };

/** Starts the service with Ann and the profile; `payloadFile` receives the profile's payload. The caller closes the service. */
export async function serviceWithAnn(payloadFile: string): Promise<MockService> {
  const service = await startMockService();
  await service.admin.createLicensedUser({ displayName: "Ann Example", userPrincipalName: ANN.upn, password: ANN.password });
  const profile = await service.admin.createProfile({ displayName: "Factory 1 devices", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice" });
  writeFileSync(payloadFile, JSON.stringify(await service.admin.exportProfile(profile.id)));
  return service;
}

/** The service with Ann for the whole test file: started before its tests, closed after them. */
export function serviceWithAnnForFile(payloadFile: string): void {
  let service: MockService | undefined;
  beforeAll(async () => {
    service = await serviceWithAnn(payloadFile);
  }, 60_000);
  afterAll(async () => {
    await service?.close();
  });
}
