/**
 * GET /device/v1/packages/{packageName}/{versionCode}: the archive bytes. A device fetches the
 * agent before it has enrolled, so a download cookie the service issued (sent as the Cookie header,
 * from PROVISIONING_DEVICE_ADMIN_PACKAGE_DOWNLOAD_COOKIE_HEADER) is accepted as well as a device
 * credential; the admin token works too, for scripts. Versioned URLs never change content.
 */
import type { FastifyPluginAsync, FastifyRequest } from "fastify";
import { DEVICE_API_PREFIX } from "../../../agent/protocol/device-api.js";
import { PACKAGE_MIME_TYPE } from "../../../agent/protocol/package-archive.js";
import { secretHash } from "../../domain/secrets.js";
import { bearerToken, isAdminToken, packageCredentialProblem, readAuthorization } from "../../http/auth.js";
import { deviceError } from "../../http/errors.js";
import type { Services } from "../../services/index.js";
import { isEnrolled } from "../../store/devices.js";
import { packageSchema } from "./device.schema.js";

export function packageRoutes(services: Services, adminToken: string): FastifyPluginAsync {
  const { packages, ctx } = services;

  /** The cookie pairs of a Cookie header, each as `name=value`. */
  function cookiePairs(request: FastifyRequest): string[] {
    const header = request.headers.cookie;
    if (typeof header !== "string") return [];
    return header
      .split(";")
      .map((part) => part.trim())
      .filter((part) => part.includes("="));
  }

  function authorised(request: FastifyRequest): boolean {
    if (isAdminToken(request, adminToken)) return true;
    const credential = bearerToken(request);
    if (credential !== null) {
      const device = ctx.store.devices.getByCredentialHash(secretHash(credential));
      if (device && isEnrolled(device)) return true;
    }
    // Any cookie the service issued, even one whose profile was deleted since: the download server
    // knows nothing of profiles (a real one is whatever the payload's location names), so only the
    // enrollment with the payload's token is refused (profileDeleted).
    return cookiePairs(request).some((pair) => ctx.store.profiles.isIssuedCookie(secretHash(pair)));
  }

  return async (app) => {
    app.get<{ Params: { packageName: string; versionCode: string } }>(
      `${DEVICE_API_PREFIX}/packages/:packageName/:versionCode`,
      {
        schema: packageSchema,
        // Before the path is validated: without a cookie or credential, every answer is 401.
        onRequest: async (request) => {
          if (!authorised(request)) {
            const read = readAuthorization(request.headers.authorization);
            throw deviceError("unauthorized", packageCredentialProblem(read, typeof request.headers.cookie === "string"));
          }
        },
      },
      async (request, reply) => {
        const { packageName } = request.params;
        const versionCode = Number(request.params.versionCode);
        const record = packages.find(packageName, versionCode);
        const archive = record && packages.archive(packageName, versionCode);
        if (!record || !archive) {
          throw deviceError("packageNotFound", `the service has no ${packageName} with versionCode ${versionCode}`);
        }
        return reply
          .type(PACKAGE_MIME_TYPE)
          .header("Content-Disposition", `attachment; filename="${packageName}-${record.versionName}.apk"`)
          .header("ETag", `"${record.packageChecksum}"`)
          .header("Cache-Control", "private, max-age=31536000, immutable")
          .send(archive);
      },
    );
  };
}
