/**
 * The tenant's subscriptions (Graph subscribedSkus) and the service plans each includes, with
 * Microsoft's ids. A user may sign in on a device only with a licence whose Intune plan
 * (INTUNE_A) is enabled: Exchange Online alone does not do, nor a licence assigned with Intune
 * among its disabledPlans.
 */
export interface ServicePlan {
  servicePlanId: string;
  servicePlanName: string;
}

export interface Sku {
  skuId: string;
  skuPartNumber: string;
  displayName: string;
  servicePlans: readonly ServicePlan[];
}

/** A licence as a user holds it (Graph assignedLicense). */
export interface AssignedLicence {
  skuId: string;
  /** servicePlanIds of the SKU's plans turned off for this user. */
  disabledPlans: string[];
}

/** INTUNE_A (Microsoft Intune Plan 1): a licence that lets a user sign in on a device. */
export const INTUNE_SKU_ID = "061f9ace-7d42-4136-88ac-31dc755f143f";

/** The Intune service plan (INTUNE_A), in every SKU that includes Intune. */
export const INTUNE_PLAN: ServicePlan = { servicePlanId: "c1ec4a95-1f05-45b3-a911-aa3fa01094f5", servicePlanName: "INTUNE_A" };
const EXCHANGE_FOUNDATION: ServicePlan = { servicePlanId: "113feb6c-3fe4-4440-bddc-54d774bf0318", servicePlanName: "EXCHANGE_S_FOUNDATION" };
const ENTRA_PREMIUM: ServicePlan = { servicePlanId: "41781fb2-bc02-4b7c-bd55-b576c07bb09d", servicePlanName: "AAD_PREMIUM" };
const MFA_PREMIUM: ServicePlan = { servicePlanId: "8a256a2b-b617-496d-b51b-e76466e88db0", servicePlanName: "MFA_PREMIUM" };

export const SKUS: readonly Sku[] = [
  { skuId: INTUNE_SKU_ID, skuPartNumber: "INTUNE_A", displayName: "Microsoft Intune Plan 1", servicePlans: [INTUNE_PLAN, EXCHANGE_FOUNDATION] },
  {
    skuId: "efccb6f7-5641-4e0e-bd10-b4976e1bf68e",
    skuPartNumber: "EMS",
    displayName: "Enterprise Mobility + Security E3",
    servicePlans: [INTUNE_PLAN, ENTRA_PREMIUM, MFA_PREMIUM, { servicePlanId: "bea4c11e-220a-4e6d-8eb8-8ea15d019f90", servicePlanName: "RMS_S_ENTERPRISE" }, EXCHANGE_FOUNDATION],
  },
  {
    skuId: "05e9a617-0261-4cee-bb44-138d3ef5d965",
    skuPartNumber: "SPE_E3",
    displayName: "Microsoft 365 E3",
    servicePlans: [
      INTUNE_PLAN,
      ENTRA_PREMIUM,
      MFA_PREMIUM,
      { servicePlanId: "efb87545-963c-4e0d-99df-69c6916d9eb0", servicePlanName: "EXCHANGE_S_ENTERPRISE" },
      { servicePlanId: "5dbe027f-2339-4123-9542-606e4d348a72", servicePlanName: "SHAREPOINTENTERPRISE" },
    ],
  },
  {
    skuId: "4b9405b0-7788-4568-add1-99614e613b69",
    skuPartNumber: "EXCHANGESTANDARD",
    displayName: "Exchange Online (Plan 1)",
    servicePlans: [{ servicePlanId: "9aaf7827-d63c-4b61-89c3-182f06f82e5c", servicePlanName: "EXCHANGE_S_STANDARD" }],
  },
];

export function findSku(skuId: string): Sku | undefined {
  return SKUS.find((s) => s.skuId.toLowerCase() === skuId.toLowerCase());
}

/** True when the SKU includes Intune at all (whatever a user's disabled plans). */
export function includesIntune(sku: Sku): boolean {
  return sku.servicePlans.some((plan) => plan.servicePlanId === INTUNE_PLAN.servicePlanId);
}

/** True when one of the licences includes Intune with its Intune plan not disabled. */
export function hasIntuneLicence(licences: readonly AssignedLicence[]): boolean {
  return licences.some((licence) => {
    const sku = findSku(licence.skuId);
    return sku !== undefined && includesIntune(sku) && !licence.disabledPlans.includes(INTUNE_PLAN.servicePlanId);
  });
}
