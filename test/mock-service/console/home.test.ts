/**
 * Home's checklist on a tenant in Microsoft Azure operated by 21Vianet, where the service refuses
 * AOSP profiles: the profile and token steps say they cannot be done there, not "To do".
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
