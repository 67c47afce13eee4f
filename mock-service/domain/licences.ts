/**
 * The tenant's subscriptions (Graph subscribedSkus). A user may sign in on a device only with a
 * licence that includes Intune; Exchange Online alone does not.
 */
export interface Sku {
  skuId: string;
  skuPartNumber: string;
  displayName: string;
  includesIntune: boolean;
}

/** INTUNE_A (Microsoft Intune Plan 1): a licence that lets a user sign in on a device. */
export const INTUNE_SKU_ID = "061f9ace-7d42-4136-88ac-31dc755f143f";

export const SKUS: readonly Sku[] = [
  { skuId: INTUNE_SKU_ID, skuPartNumber: "INTUNE_A", displayName: "Microsoft Intune Plan 1", includesIntune: true },
  { skuId: "efccb6f7-5641-4e0e-bd10-b4976e1bf68e", skuPartNumber: "EMS", displayName: "Enterprise Mobility + Security E3", includesIntune: true },
  { skuId: "05e9a617-0261-4cee-bb44-138d3ef5d965", skuPartNumber: "SPE_E3", displayName: "Microsoft 365 E3", includesIntune: true },
  { skuId: "4b9405b0-7788-4568-add1-99614e613b69", skuPartNumber: "EXCHANGESTANDARD", displayName: "Exchange Online (Plan 1)", includesIntune: false },
];

export function findSku(skuId: string): Sku | undefined {
  return SKUS.find((s) => s.skuId.toLowerCase() === skuId.toLowerCase());
}

export function hasIntuneLicence(skuIds: readonly string[]): boolean {
  return skuIds.some((id) => findSku(id)?.includesIntune === true);
}
