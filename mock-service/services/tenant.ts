/**
 * The tenant's prerequisites for AOSP management: Intune must be its MDM authority (set once
 * with setMobileDeviceManagementAuthority), and it must not live in the 21Vianet-operated cloud,
 * where Intune offers no AOSP management.
 */
import type { ServiceContext } from "../context.js";
import { ApiError, itemNotFound } from "../http/errors.js";
import type { ComplianceSettings, TenantRecord } from "../store/tenant.js";

/** Graph's mdmAuthority enum value of intune (the action answers the new authority's number). */
export const MDM_AUTHORITY_INTUNE_VALUE = 1;

export class TenantService {
  constructor(private readonly ctx: ServiceContext) {}

  get(): TenantRecord {
    return this.ctx.store.tenant.get();
  }

  /** The tenant's compliance policy settings (what a device with no compliance policy is, the validity period). */
  complianceSettings(): ComplianceSettings {
    return this.ctx.store.tenant.complianceSettings();
  }

  /** Changes the compliance policy settings given; devices follow them at once (complianceStateOf reads them). */
  updateComplianceSettings(changes: Partial<ComplianceSettings>): void {
    this.ctx.store.tenant.setComplianceSettings({ ...this.complianceSettings(), ...changes });
  }

  /** setMobileDeviceManagementAuthority: Intune becomes the authority; asking again changes nothing. */
  setMdmAuthority(organizationId: string): number {
    const tenant = this.get();
    if (organizationId.toLowerCase() !== tenant.tenantId.toLowerCase()) throw itemNotFound("organization", organizationId);
    if (tenant.mdmAuthority !== "intune") this.ctx.store.tenant.setMdmAuthority("intune");
    return MDM_AUTHORITY_INTUNE_VALUE;
  }

  /** Refuses what needs AOSP management when the tenant cannot have it, with what the admin must do. */
  requireAospManagement(): void {
    const tenant = this.get();
    if (tenant.cloud === "21vianet") {
      throw new ApiError(
        400,
        "aospNotAvailableIn21Vianet",
        "Android (AOSP) device management is not available in Microsoft Azure operated by 21Vianet: this tenant cannot create AOSP enrollment profiles",
      );
    }
    if (tenant.mdmAuthority !== "intune") {
      throw new ApiError(
        400,
        "mdmAuthorityNotSet",
        `the tenant's mobile device management authority is ${tenant.mdmAuthority}, not Intune: set it once with POST /beta/organization/${tenant.tenantId}/setMobileDeviceManagementAuthority, then create the profile`,
      );
    }
  }
}
