import { describe, expect, it } from "vitest";
import { deviceMachine } from "../../agent/machine/device-machine.js";
import { activePaths, deepestPath, entryLeaf, leafPath } from "../../agent/machine/state-paths.js";

describe("state paths of a snapshot value", () => {
  it("lists every active path, parents first", () => {
    expect(activePaths("welcome")).toEqual(["welcome"]);
    expect(activePaths({ enrolled: { checkingIn: "requesting" } })).toEqual(["enrolled", "enrolled.checkingIn", "enrolled.checkingIn.requesting"]);
    expect(activePaths(null)).toEqual([]);
  });

  it("names the deepest path, the first of equally deep ones (parallel regions)", () => {
    expect(leafPath({ enrolled: { checkingIn: "requesting" } })).toBe("enrolled.checkingIn.requesting");
    expect(leafPath({ a: { x: "one", y: { deep: "two" } } })).toBe("a.y.deep.two");
    expect(leafPath({ a: { x: "one", y: "two" } })).toBe("a.x.one");
    expect(deepestPath([])).toBe("");
    expect(deepestPath(["a.b", "c.d", "a"])).toBe("a.b");
  });
});

describe("the state entered with a state", () => {
  it("follows the initial children down, and stops where a state has none", () => {
    expect(entryLeaf(deviceMachine, "enrolling")).toBe("enrolling.requesting");
    expect(entryLeaf(deviceMachine, "enrolling.requesting")).toBe("enrolling.requesting");
    expect(entryLeaf(deviceMachine, "enrolled")).toBe("enrolled.idle");
    // Entered later, on its own: not with "enrolled".
    expect(entryLeaf(deviceMachine, "enrolled.checkingIn")).toBe("enrolled.checkingIn.requesting");
    expect(entryLeaf(deviceMachine, "no.such.state")).toBe("no.such.state");
  });
});
