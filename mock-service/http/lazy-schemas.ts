/**
 * Schema compilers that compile a route's validator or response serializer when a request first
 * needs it, not while the app starts.
 *
 * Fastify compiles every route's ajv validators and fast-json-stringify serializers at `ready()`.
 * For this service (about 90 routes, most of them the admin API) that was some 0.5 s of a
 * 1.1 s start (`node --cpu-prof`, README "Benchmarks"), paid by every `aosp-sim serve`, every
 * fleet's embedded service and every test that builds the app, while a fleet or an enrollment
 * uses a handful of device routes. The compilers underneath are fastify's own defaults, built with
 * the same options, so a compiled function is the one fastify would have made; only the moment
 * changes. `compileAll` compiles everything at once, for the test that keeps every schema honest.
 */
import { AjvCompiler } from "@fastify/ajv-compiler";
import { SerializerSelector } from "@fastify/fast-json-stringify-compiler";
import type { FastifyServerOptions } from "fastify";

type CompilersFactory = NonNullable<NonNullable<FastifyServerOptions["schemaController"]>["compilersFactory"]>;

/**
 * What fastify does with a validator: calls it, and on `false` reads the reasons from `.errors`,
 * as ajv leaves them. ajv's other properties (`schema`, `schemaEnv`) are not read by fastify.
 */
interface Validator {
  (data: unknown): boolean;
  errors?: unknown;
}
type AjvValidator = ReturnType<ReturnType<ReturnType<typeof AjvCompiler>>>;

export interface LazySchemas {
  compilersFactory: CompilersFactory;
  /** Compiles every validator and serializer not compiled yet; throws what a compiler throws. */
  compileAll(): void;
}

/** A function made by `make` when first called, and that one from then on. */
function madeAtFirstCall<A extends unknown[], R>(make: () => (...args: A) => R): (...args: A) => R {
  let made: ((...args: A) => R) | undefined;
  return (...args) => (made ??= make())(...args);
}

export function lazySchemas(): LazySchemas {
  const pending = new Set<() => void>();
  const buildValidator = AjvCompiler();
  const buildSerializer = SerializerSelector();

  /** Defers one `compile(route)`; the first call, or `compileAll`, makes the real function. */
  function deferred<F extends (data: never) => unknown>(compile: () => F): () => F {
    let made: F | undefined;
    const make = () => {
      pending.delete(make);
      made ??= compile();
    };
    pending.add(make);
    return () => {
      if (made === undefined) make();
      return made!;
    };
  }

  return {
    compilersFactory: {
      // The compilers themselves (an Ajv instance with the shared schemas) are made at first use
      // too; fastify hands each context a copy of its shared schemas, so later is the same.
      buildValidator: (externalSchemas, options) => {
        const compile = madeAtFirstCall(() => buildValidator(externalSchemas, options));
        return (route) => {
          const real = deferred(() => compile(route) as Validator);
          const validate: Validator = (data) => {
            const fn = real();
            const ok = fn(data);
            validate.errors = fn.errors;
            return ok;
          };
          return validate as AjvValidator;
        };
      },
      buildSerializer: (externalSchemas, options) => {
        const compile = madeAtFirstCall(() => buildSerializer(externalSchemas, options));
        return (route) => {
          const real = deferred(() => compile(route) as (data: unknown) => string);
          return (data: unknown) => real()(data);
        };
      },
    },
    compileAll() {
      for (const make of [...pending]) make();
    },
  };
}
