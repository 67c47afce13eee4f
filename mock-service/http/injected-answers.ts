/**
 * Answers given in the service's place: a caller's function sees each request first and may
 * answer it itself (status, headers, JSON body), before authentication, throttling, --chaos or any
 * route. What a replay uses to give the answers a recorded service gave that this one would not
 * give by itself (a failure --chaos injected, a 5xx, a 429 throttling): agent/sim/replay.ts.
 */
import type { FastifyReply, FastifyRequest } from "fastify";

export interface InjectedAnswer {
  status: number;
  headers?: Record<string, string>;
  /** Sent as JSON; none when absent. */
  body?: unknown;
}

/** Sees a request (its method, and its path with any query); returns the answer to give instead, or nothing to let the service answer. */
export type AnswerInjector = (request: { method: string; url: string }) => InjectedAnswer | null | undefined;

/** The onRequest hook that gives the injector's answers. */
export function injectedAnswersHook(inject: AnswerInjector) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const answer = inject({ method: request.method, url: request.url });
    if (!answer) return undefined;
    reply.code(answer.status);
    for (const [name, value] of Object.entries(answer.headers ?? {})) reply.header(name, value);
    return reply.send(answer.body);
  };
}
