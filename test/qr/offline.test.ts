/**
 * zxing-wasm's default is to fetch its WebAssembly from a CDN. The toolkit must work offline and
 * never load code from the network: the .wasm comes from node_modules. (This file gets a fresh
 * module graph, so the zxing module is instantiated here, with the network cut off.)
 */
import { afterEach, beforeEach, expect, it } from "vitest";
import { decodeQrImage } from "../../agent/qr/index.js";
import { zxingWasmPath } from "../../agent/qr/zxing-reader.js";
import { qrPng } from "../helpers/qr-images.js";

const realFetch = globalThis.fetch;
let fetched: string[] = [];

beforeEach(() => {
  fetched = [];
  globalThis.fetch = ((input: Parameters<typeof fetch>[0]) => {
    fetched.push(String(input instanceof Request ? input.url : input));
    return Promise.reject(new Error("the network is not available in this test"));
  }) as typeof fetch;
});

afterEach(() => {
  globalThis.fetch = realFetch;
});

it("reads codes with zxing-cpp loaded from node_modules, without touching the network", async () => {
  const result = await decodeQrImage(await qrPng("offline"), "offline.png");
  expect(result.codes.map((c) => [c.text, c.decoders.includes("zxing")])).toEqual([["offline", true]]);
  expect(fetched).toEqual([]);
  expect(zxingWasmPath()).toMatch(/node_modules\/zxing-wasm\/dist\/reader\/zxing_reader\.wasm$/);
});
