/**
 * /sim/v1: the simulator's own admin routes (admin token), for what Graph has no shape for:
 * the package catalog and publishing (drives self-update), the profile's exported JSON and QR
 * PNG as files, and the logs behind an incident ID.
 */
import type { FastifyPluginAsync } from "fastify";
import { iso } from "../../context.js";
import { itemNotFound } from "../../http/errors.js";
import type { Services } from "../../services/index.js";
import type { PublishRequest } from "../../services/packages.js";
import type { PackageRecord } from "../../store/packages.js";
import {
  exportProfileSchema,
  incidentSchema,
  listPackagesSchema,
  profileQrSchema,
  publishPackageSchema,
} from "./sim.schema.js";

export const SIM_PREFIX = "/sim/v1";
type IdParams = { Params: { id: string } };

/** A file name safe in a Content-Disposition header. */
export function fileName(displayName: string, extension: string): string {
  const base = displayName.replace(/[^A-Za-z0-9._ -]/g, "_").trim() || "profile";
  return `${base}.${extension}`;
}

/**
 * A Content-Disposition value naming the file after the profile: the ASCII `filename` above for
 * old clients, and `filename*` (RFC 6266 section 4.3, RFC 8187 UTF-8 percent-encoding) keeping
 * the name's other letters, which browsers prefer when both are given. Path separators and
 * control characters are replaced there too.
 */
export function contentDisposition(type: "attachment" | "inline", displayName: string, extension: string): string {
  const name = `${displayName.replace(/[\u0000-\u001f\u007f/\\]/gu, "_").trim() || "profile"}.${extension}`;
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${type}; filename="${fileName(displayName, extension)}"; filename*=UTF-8''${encoded}`;
}

export function simRoutes(services: Services): FastifyPluginAsync {
  const { packages, profiles, ctx } = services;
  const packageView = (p: PackageRecord) => ({
    packageName: p.packageName,
    versionName: p.versionName,
    versionCode: p.versionCode,
    label: p.label,
    signedBy: p.signedBy,
    size: p.size,
    downloadUrl: packages.downloadUrl(p.packageName, p.versionCode),
    packageChecksum: p.packageChecksum,
    signatureChecksum: p.signatureChecksum,
    publishedDateTime: iso(p.published),
  });

  return async (app) => {
    app.get(`${SIM_PREFIX}/packages`, { schema: listPackagesSchema }, async () => ({
      value: packages.list().map(packageView),
    }));

    app.post<{ Body: PublishRequest }>(`${SIM_PREFIX}/packages`, { schema: publishPackageSchema }, async (request, reply) => {
      reply.code(201);
      return packageView(packages.publish(request.body));
    });

    app.get<IdParams>(`${SIM_PREFIX}/enrollmentProfiles/:id/export`, { schema: exportProfileSchema }, async (request, reply) => {
      const profile = profiles.get(request.params.id);
      const view = profiles.view(profile);
      reply.header("Content-Disposition", contentDisposition("attachment", profile.displayName, "json"));
      return view.payload;
    });

    app.get<IdParams>(`${SIM_PREFIX}/enrollmentProfiles/:id/qrCode.png`, { schema: profileQrSchema }, async (request, reply) => {
      const profile = profiles.get(request.params.id);
      const png = await profiles.qrPng(profiles.view(profile));
      return reply
        .type("image/png")
        .header("Content-Disposition", contentDisposition("inline", profile.displayName, "png"))
        .send(png);
    });

    app.get<IdParams>(`${SIM_PREFIX}/incidents/:id`, { schema: incidentSchema }, async (request) => {
      const incident = ctx.store.tenant.incident(request.params.id.toUpperCase());
      if (!incident) throw itemNotFound("incident", request.params.id);
      return {
        incidentId: incident.id,
        deviceId: incident.deviceId,
        createdDateTime: iso(incident.created),
        logs: incident.logs,
      };
    });
  };
}
