/**
 * Library calls given the wrong type of argument: a TypeError naming the call and the argument,
 * not a Node-internal message from deep inside.
 */
import { describe, expect, it } from "vitest";
import { checkPayloadBytes, checkPayloadText } from "../../agent/payload/index.js";
import { decodeQrImage } from "../../agent/qr/index.js";

describe("library argument types", () => {
  it("checkPayloadText names a text that is not a string", () => {
    expect(() => checkPayloadText(undefined as unknown as string)).toThrow(/^checkPayloadText: text must be the payload as a string/);
  });

  it("checkPayloadBytes names bytes that are not a Uint8Array", () => {
    expect(() => checkPayloadBytes("{}" as unknown as Uint8Array)).toThrow(/^checkPayloadBytes: bytes must be a Uint8Array/);
  });

  it("decodeQrImage says to pass the bytes, not a path", async () => {
    await expect(decodeQrImage("code.png" as unknown as Uint8Array, "code.png")).rejects.toThrow(/^decodeQrImage: .*pass the bytes, not a path/);
    await expect(decodeQrImage(new Uint8Array(4), undefined as unknown as string)).rejects.toThrow(/^decodeQrImage: label must be a string/);
  });
});
