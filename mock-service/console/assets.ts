/**
 * The console's static files: one script (htmx with its SSE extension) and one style sheet,
 * bundled by esbuild at `npm run build` into dist/console-assets/ (see package.json
 * "build:console"). Read once when the service starts; served with their hash as ETag.
 * Nothing is fetched from the network at run or view time.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";

export const ASSET_FILES = { "console.js": "text/javascript; charset=utf-8", "console.css": "text/css; charset=utf-8" } as const;

export interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

/**
 * Where the built assets are: dist/console-assets, found from this module in the source tree
 * (mock-service/console/) or in the build (dist/mock-service/console/).
 */
const CANDIDATES = ["../../dist/console-assets/", "../../console-assets/"];

export function loadAssets(): { assets: Map<string, Asset>; missing: string | null } {
  const assets = new Map<string, Asset>();
  for (const folder of CANDIDATES) {
    try {
      for (const [name, type] of Object.entries(ASSET_FILES)) {
        const body = readFileSync(new URL(folder + name, import.meta.url));
        assets.set(name, { body, type, etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 16)}"` });
      }
      return { assets, missing: null };
    } catch {
      assets.clear();
    }
  }
  return { assets, missing: "the console's script and style sheet are not built: run `npm run build`" };
}
