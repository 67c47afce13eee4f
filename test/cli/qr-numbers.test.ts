/**
 * `qr` renders the author's JSON, not a re-serialisation: numbers JavaScript cannot hold (1e400,
 * 2^53+1) and escapes reach the code exactly as written, only the whitespace is dropped.
 */
import { readFile, writeFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { compactJsonText } from "../../agent/payload/json-text.js";
import { decodeQrImage } from "../../agent/qr/index.js";
import { runCli, useTempDir } from "../payload/support/cli.js";
import { basePayload } from "../payload/support/payloads.js";

const temp = useTempDir("aosp-qr-numbers-");

describe("qr keeps numbers as written", () => {
  it("renders 1e400 and 9007199254740993 unchanged", async () => {
    const base = JSON.stringify(basePayload(), null, 2).replace(/\n}$/, "");
    const text = `${base},\n  "android.app.extra.PROVISIONING_LOCAL_TIME": 1e400,\n  "x.serial": 9007199254740993,\n  "x.name": "caf\\u00e9"\n}`;
    const input = temp.file("numbers.json");
    await writeFile(input, text);
    const out = temp.file("numbers.png");
    const result = await runCli(["qr", input, "-o", out, "--force"]);
    expect(result.code).toBe(0);
    const decoded = (await decodeQrImage(await readFile(out), out)).codes[0]!.text;
    expect(decoded).toBe(compactJsonText(text));
    expect(decoded).toContain('"android.app.extra.PROVISIONING_LOCAL_TIME":1e400,"x.serial":9007199254740993,"x.name":"caf\\u00e9"}');
  });

  it("drops only whitespace outside strings", () => {
    expect(compactJsonText('\uFEFF{ "a b" : [ 1 , 2.50 ],\n\t"c\\" d": "x  y" }')).toBe('{"a b":[1,2.50],"c\\" d":"x  y"}');
  });
});
