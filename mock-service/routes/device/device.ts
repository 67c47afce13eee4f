/**
 * The device API under /device/v1 (contract: agent/protocol/device-api.ts): enrollment, sign-in,
 * check-in, updates, action acknowledgements and log uploads.
 */
import type { FastifyPluginAsync, FastifyRequest } from "fastify";
import type {
  AcceptTermsRequest,
  AcknowledgeActionRequest,
  CheckInRequest,
  EnrollRequest,
  PolicyStateReport,
  SignInRequest,
  UploadLogsRequest,
} from "../../../agent/protocol/device-api.js";
import { DEVICE_API_PREFIX } from "../../../agent/protocol/device-api.js";
import { requireDevice } from "../../http/auth.js";
import type { Services } from "../../services/index.js";
import type { DeviceRecord } from "../../store/devices.js";
import {
  acceptTermsSchema,
  acknowledgeSchema,
  checkInSchema,
  enrollSchema,
  logsSchema,
  policyStatesSchema,
  signInSchema,
  updatesSchema,
} from "./device.schema.js";

type DeviceParams = { Params: { deviceId: string } };

/** A JSON-escaped 1 MiB of logs can take up to six bytes per character. */
const LOGS_BODY_LIMIT = 6 * 1024 * 1024 + 1024;

export function deviceRoutes(services: Services): FastifyPluginAsync {
  const { devices, ctx } = services;
  const authenticated = requireDevice(ctx.store.devices);
  const device = (request: FastifyRequest): DeviceRecord => {
    if (!request.device) throw new Error("a device route ran without its authentication hook");
    return request.device;
  };

  return async (app) => {
    app.post<{ Body: EnrollRequest }>(`${DEVICE_API_PREFIX}/enroll`, { schema: enrollSchema }, async (request) =>
      devices.enroll(request.body),
    );

    app.post<DeviceParams & { Body: SignInRequest }>(
      `${DEVICE_API_PREFIX}/devices/:deviceId/signIn`,
      { schema: signInSchema, onRequest: authenticated },
      async (request) => devices.signIn(device(request), request.body.userPrincipalName, request.body.password, request.body.newPassword),
    );

    app.post<DeviceParams & { Body: CheckInRequest }>(
      `${DEVICE_API_PREFIX}/devices/:deviceId/checkIn`,
      { schema: checkInSchema, onRequest: authenticated },
      async (request) => devices.checkIn(device(request), request.body),
    );

    app.get<DeviceParams>(
      `${DEVICE_API_PREFIX}/devices/:deviceId/updates`,
      { schema: updatesSchema, onRequest: authenticated },
      async (request) => devices.updates(device(request)),
    );

    app.post<{ Params: { deviceId: string; actionId: string }; Body: AcknowledgeActionRequest }>(
      `${DEVICE_API_PREFIX}/devices/:deviceId/actions/:actionId/acknowledge`,
      { schema: acknowledgeSchema, onRequest: authenticated },
      async (request, reply) => {
        devices.acknowledge(device(request), request.params.actionId, request.body);
        return reply.code(204).send();
      },
    );

    app.post<DeviceParams & { Body: PolicyStateReport }>(
      `${DEVICE_API_PREFIX}/devices/:deviceId/policyStates`,
      { schema: policyStatesSchema, onRequest: authenticated },
      async (request, reply) => {
        devices.reportPolicyStates(device(request), request.body);
        return reply.code(204).send();
      },
    );

    app.post<{ Params: { deviceId: string; termsId: string }; Body: AcceptTermsRequest }>(
      `${DEVICE_API_PREFIX}/devices/:deviceId/termsAndConditions/:termsId/accept`,
      { schema: acceptTermsSchema, onRequest: authenticated },
      async (request, reply) => {
        devices.acceptTerms(device(request), request.params.termsId, request.body.version);
        return reply.code(204).send();
      },
    );

    app.post<DeviceParams & { Body: UploadLogsRequest }>(
      `${DEVICE_API_PREFIX}/devices/:deviceId/logs`,
      { schema: logsSchema, onRequest: authenticated, bodyLimit: LOGS_BODY_LIMIT },
      async (request) => devices.uploadLogs(device(request), request.body.logs),
    );
  };
}
