/**
 * The lockout's turns, on its own clock: which sign-ins wait, which go, and that none waits forever.
 */
import { describe, expect, it } from "vitest";
import { MAX_WAITING_PER_NAME, SignInLockout, type SignInRefusal } from "../../mock-service/domain/sign-in-lockout.js";

const POLICY = { threshold: 3, firstLockoutMs: 60_000, maxLockoutMs: 3_600_000 };

function newLockout() {
  let now = 0;
  return { lockout: new SignInLockout(POLICY, () => now), advance: (ms: number) => (now += ms) };
}

/** Whether each promise has settled yet, after the microtasks queued so far have run. */
async function settled<T>(promises: Promise<T>[]): Promise<(T | "waiting")[]> {
  const seen: (T | "waiting")[] = promises.map(() => "waiting");
  promises.forEach((p, i) => void p.then((v) => (seen[i] = v)));
  await new Promise((resolve) => setImmediate(resolve));
  return seen;
}

describe("sign-in turns", () => {
  it("lets the threshold in at once, and each finished sign-in gives its turn to the first waiting", async () => {
    const { lockout } = newLockout();
    const starts = Array.from({ length: 5 }, () => lockout.begin("fleet@contoso.example"));
    expect(await settled(starts)).toEqual([null, null, null, "waiting", "waiting"]);
    lockout.finish("fleet@contoso.example", true);
    expect(await settled(starts)).toEqual([null, null, null, null, "waiting"]);
    // A sign-in arriving now waits behind the one already waiting: the turn was handed on.
    const late = lockout.begin("FLEET@contoso.example ");
    lockout.finish("fleet@contoso.example", true);
    expect(await settled([...starts, late])).toEqual([null, null, null, null, null, "waiting"]);
    lockout.finish("fleet@contoso.example", true);
    expect(await settled([late])).toEqual([null]);
  });

  it("refuses every sign-in waiting once the guesses in play lock the name", async () => {
    const { lockout } = newLockout();
    const starts = Array.from({ length: 6 }, () => lockout.begin("victim@contoso.example"));
    for (let i = 0; i < 3; i++) lockout.finish("victim@contoso.example", false);
    const results = await settled(starts);
    expect(results.slice(0, 3)).toEqual([null, null, null]);
    expect(results.slice(3)).toEqual(Array.from({ length: 3 }, (): SignInRefusal => ({ why: "locked", waitMs: 60_000 })));
  });

  it(`keeps at most ${MAX_WAITING_PER_NAME} waiting for one name, and refuses the next as busy (not locked)`, async () => {
    const { lockout } = newLockout();
    const starts = Array.from({ length: POLICY.threshold + MAX_WAITING_PER_NAME + 1 }, () => lockout.begin("flood@contoso.example"));
    const results = await settled(starts);
    expect(results.filter((r) => r === null)).toHaveLength(POLICY.threshold);
    expect(results.filter((r) => r === "waiting")).toHaveLength(MAX_WAITING_PER_NAME);
    expect(results.at(-1)).toEqual({ why: "busy", waitMs: 1000 });
  });

  it("gives the turns on when the name's record was dropped for a flood of other names", async () => {
    const { lockout } = newLockout();
    const starts = Array.from({ length: 4 }, () => lockout.begin("fleet@contoso.example"));
    // 100,000 other names push the oldest record (this one) out.
    for (let i = 0; i <= 100_000; i++) void lockout.begin(`made-up-${i}@contoso.example`);
    lockout.finish("fleet@contoso.example", true);
    expect(await settled(starts)).toEqual([null, null, null, null]);
  });

  it("refuses at once while locked, and lets the threshold in again when the lockout ends", async () => {
    const { lockout, advance } = newLockout();
    for (let i = 0; i < 3; i++) {
      await lockout.begin("x@contoso.example");
      lockout.finish("x@contoso.example", false);
    }
    expect(await lockout.begin("x@contoso.example")).toEqual({ why: "locked", waitMs: 60_000 });
    advance(60_000);
    expect(await lockout.begin("x@contoso.example")).toBeNull();
  });
});
