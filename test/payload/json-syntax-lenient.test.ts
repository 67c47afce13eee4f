/**
 * `json-syntax` for text that Android's platform org.json reads (comments, single quotes,
 * unquoted names, text after the object): still refused, but worded as the validator's choice,
 * with a fix that names what to remove, not as the device's verdict.
 */
import { describe, expect, it } from "vitest";
import { findingOf } from "./support/payloads.js";

const BASE = '{"android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME":"com.example.dpc/.AdminReceiver"';

describe("json-syntax for what org.json accepts", () => {
  it("names a comment and says to remove it", () => {
    const f = findingOf(`${BASE}, // DPC\n}`, "json-syntax");
    expect(f.message).toContain('a comment ("// DPC")');
    expect(f.message).toContain("whether the device accepts it is not known");
    expect(f.message).not.toContain("Can't set up device");
    expect(f.hint).toBe('comments are not JSON: remove "// DPC"');
  });

  it("names single quotes, unquoted names and text after the object", () => {
    expect(findingOf("{'a':'b'}", "json-syntax").message).toContain("a single-quoted string");
    expect(findingOf("{a:1}", "json-syntax").hint).toBe('write the name in double quotes: "a"');
    expect(findingOf(`${BASE}} garbage`, "json-syntax").message).toContain('text after the JSON object ("garbage")');
  });

  it("keeps the device's verdict for what org.json refuses too (a trailing comma)", () => {
    expect(findingOf(`${BASE},}`, "json-syntax").message).toContain("the device shows \"Can't set up device\"");
  });
});
