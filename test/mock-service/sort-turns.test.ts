/**
 * A list the store cannot sort in SQL (a sort on complianceState, on text beyond ASCII) is sorted
 * by the service: the sort lets the event loop serve other requests every few thousand
 * comparisons, and gives the order OData documents (each key, null first ascending, then id).
 */
import { describe, expect, it } from "vitest";
import { seededRandom } from "../../agent/device/identity.js";
import type { Item } from "../../mock-service/odata/filter-eval.js";
import { sortItems, type SortKey } from "../../mock-service/odata/paging.js";

const KEYS: SortKey[] = [
  { property: "complianceState", def: { type: "enum", members: ["compliant", "noncompliant", "unknown"] }, descending: false },
  { property: "lastSyncDateTime", def: { type: "dateTime" }, descending: true },
];

describe("sorting a list the store cannot sort", () => {
  it("sorts 20,000 items in OData's order, letting the event loop turn at least every few thousand comparisons", async () => {
    const random = seededRandom(7);
    const states = ["compliant", "Noncompliant", "unknown", null];
    const items: Item[] = Array.from({ length: 20_000 }, (_, i) => ({
      id: `id-${String(Math.floor(random() * 1e9)).padStart(9, "0")}-${i}`,
      complianceState: states[Math.floor(random() * states.length)],
      lastSyncDateTime: new Date(Date.UTC(2026, 0, 1) + Math.floor(random() * 50) * 60_000).toISOString(),
    }));
    const rank = (item: Item) => (item["complianceState"] === null ? "" : String(item["complianceState"]).toLowerCase());
    const expected = [...items].sort(
      (a, b) =>
        (rank(a) < rank(b) ? -1 : rank(a) > rank(b) ? 1 : 0) ||
        Date.parse(String(b["lastSyncDateTime"])) - Date.parse(String(a["lastSyncDateTime"])) ||
        (String(a["id"]) < String(b["id"]) ? -1 : 1),
    );
    let turns = 0;
    let ticking = true;
    const tick = () => {
      turns++;
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    const sorted = await sortItems(items, KEYS);
    ticking = false;
    expect(sorted.map((item) => item["id"])).toEqual(expected.map((item) => item["id"]));
    // About 20,000 × 15 comparisons: at 4,096 a turn, well over 50 turns; a sort in one step makes none.
    expect(turns).toBeGreaterThanOrEqual(50);
  });
});
