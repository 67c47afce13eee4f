/**
 * Home's checklist on a tenant in Microsoft Azure operated by 21Vianet, where the service refuses
 * AOSP profiles: the profile and token steps say they cannot be done there, not "To do". And on a
 * global tenant, a step is Done only when what it asks is done: every user licensed (before, one
 * licensed user of five made it Done), a configuration policy or terms assigned (before, any).
 */
import { describe, expect, it } from "vitest";
import { startMockService } from "../../../mock-service/index.js";
import { signIn } from "./support.js";

describe("Home on a 21Vianet tenant", () => {
  it("says the profile and token steps cannot be done there, rather than To do", async () => {
    const vianet = await startMockService({ cloud: "21vianet" });
    try {
      const own = await signIn(vianet);
      const home = await (await fetch(`${vianet.url}/`, { headers: { cookie: own.cookie } })).text();
      const steps = [...home.matchAll(/<li>(.*?)<\/li>/gs)].map((m) => m[1]!.replace(/<[^>]+>/g, ""));
      const profileStep = steps.find((s) => s.includes("Create profile"))!;
      expect(profileStep).toContain("Not available");
      expect(profileStep).toContain("Android (AOSP) device management is not available in Microsoft Azure operated by 21Vianet");
      expect(profileStep).not.toContain("To do");
      expect(steps.find((s) => s.includes("select Token"))).toContain("Not available");
    } finally {
      await vianet.close();
    }
  });

  it("and a global tenant's Home still has the profile step to do", async () => {
    const fresh = await startMockService();
    try {
      const own = await signIn(fresh);
      const home = await (await fetch(`${fresh.url}/`, { headers: { cookie: own.cookie } })).text();
      expect(home).toContain('Create profile. <span class="step-status">To do</span>');
      expect(home).not.toContain("Not available");
    } finally {
      await fresh.close();
    }
  });
});

describe("Home's steps that ask for every user, or for an assignment", () => {
  it("are Done only when every user has a licence and the policy and terms reach someone", async () => {
    const service = await startMockService();
    try {
      const own = await signIn(service);
      const step = async (words: string) => {
        const home = await (await fetch(`${service.url}/`, { headers: { cookie: own.cookie } })).text();
        const steps = [...home.matchAll(/<li>(.*?)<\/li>/gs)].map((m) => m[1]!.replace(/<[^>]+>/g, "").replace(/\s+/g, " "));
        return steps.find((s) => s.includes(words))!;
      };
      const admin = service.admin;
      await admin.createLicensedUser({ displayName: "Ann", userPrincipalName: "ann@contoso.example", password: "Corr3ct-Horse" });
      const bob = await admin.createUser({ displayName: "Bob", userPrincipalName: "bob@contoso.example", password: "Corr3ct-Horse" });
      expect(await step("assign each a licence")).toMatch(/To do 1 of 2 users have such a licence\.$/);
      await admin.assignLicense(bob.id);
      expect(await step("assign each a licence")).toMatch(/Done 2 of 2 users have such a licence\.$/);

      const policy = await admin.createConfiguration("Restrict camera", { cameraBlocked: true });
      const terms = await admin.createTerms({ displayName: "Use", title: "Terms", bodyText: "Text", acceptanceStatement: "I accept" });
      expect(await step("Device restrictions, assigned to the device group")).toContain("To do");
      expect(await step("Terms and conditions: Create, assigned")).toContain("To do");
      await admin.assignConfiguration(policy.id, [{ "@odata.type": "#microsoft.graph.allDevicesAssignmentTarget" }]);
      await admin.assignTerms(terms.id, { "@odata.type": "#microsoft.graph.allLicensedUsersAssignmentTarget" });
      expect(await step("Device restrictions, assigned to the device group")).toContain("Done");
      expect(await step("Terms and conditions: Create, assigned")).toContain("Done");
    } finally {
      await service.close();
    }
  });
});
