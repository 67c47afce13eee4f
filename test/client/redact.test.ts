import { describe, expect, it } from "vitest";
import { redactPasswords } from "../../agent/client/http.js";

describe("redactPasswords", () => {
  it("replaces every string field whose name says password, at any depth, in a copy", () => {
    const body = { userPrincipalName: "a@b", password: "pw", nested: [{ newPassword: "x", keep: 1 }], passwordCount: 3 };
    const redacted = redactPasswords(body);
    expect(redacted).toEqual({ userPrincipalName: "a@b", password: "(redacted)", nested: [{ newPassword: "(redacted)", keep: 1 }], passwordCount: 3 });
    // The original is untouched.
    expect(body.password).toBe("pw");
    expect(body.nested[0]!.newPassword).toBe("x");
  });

  it("returns a body with no password as it is (no copy)", () => {
    const body = { deviceId: "d-1", apps: [{ packageName: "p", versionCode: 2 }], bytes: new Uint8Array(4) };
    expect(redactPasswords(body)).toBe(body);
    expect(redactPasswords(null)).toBe(null);
    expect(redactPasswords("password")).toBe("password");
  });
});
