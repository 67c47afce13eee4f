/**
 * The package's type declarations as a consumer's strict project reads them (`npm run build`
 * first: this reads dist/). A consumer file, kept in memory beside the tests, imports
 * "aosp-enroll-sim" (the package's own name: TypeScript resolves it through package.json's
 * `exports`, as in a project that installed the package) and is type-checked with the strictest
 * settings a consumer may have.
 */
import path from "node:path";
import ts from "typescript";
import { beforeAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(new URL("../..", import.meta.url).pathname);
const DIST = path.join(ROOT, "dist");
const ENTRY = path.join(DIST, "agent", "index.d.ts");
/** Not a file on disk: the compiler host below serves it. */
const CONSUMER = path.join(ROOT, "test", "package", "consumer-fixture.ts");

/** A consumer's file: the README's Library example, in short. */
const CONSUMER_SOURCE = `
import { createDevice, startMockService, SimulatedClock, deviceMachine, wireDevice } from "aosp-enroll-sim";

export async function enrolled(): Promise<boolean> {
  const clock = new SimulatedClock();
  const service = await startMockService({ now: () => new Date(clock.now()) });
  try {
    const profile = await service.admin.createProfile({ displayName: "Lab" });
    const device = await createDevice({ qr: { image: Buffer.from(profile.qrCodeImage.value, "base64") }, clock, seed: 1 });
    const report = await device.enroll();
    device.dispose();
    return report.finalState === "enrolled";
  } finally {
    await service.close();
  }
}
export const machines = [deviceMachine, wireDevice];
`;

/** The strictest settings a consumer may have, declarations checked too (skipLibCheck false). */
const CONSUMER_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  strict: true,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  skipLibCheck: false,
  types: ["node"],
  noEmit: true,
};

/**
 * xstate's own declarations do not check under exactOptionalPropertyTypes (five errors in its
 * setup.d.ts, in xstate 5.33.3): upstream, and the one exception (README, Library).
 */
const UPSTREAM = `${path.sep}node_modules${path.sep}xstate${path.sep}`;

let program: ts.Program;

beforeAll(() => {
  const host = ts.createCompilerHost(CONSUMER_OPTIONS);
  const getSourceFile = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const readFile = host.readFile.bind(host);
  host.getSourceFile = (file, language, ...rest) =>
    path.resolve(file) === CONSUMER ? ts.createSourceFile(file, CONSUMER_SOURCE, language) : getSourceFile(file, language, ...rest);
  host.fileExists = (file) => path.resolve(file) === CONSUMER || fileExists(file);
  host.readFile = (file) => (path.resolve(file) === CONSUMER ? CONSUMER_SOURCE : readFile(file));
  program = ts.createProgram({ rootNames: [CONSUMER], options: CONSUMER_OPTIONS, host });
});

function where(diagnostic: ts.Diagnostic): string {
  const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
  if (!diagnostic.file || diagnostic.start === undefined) return text;
  const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
  return `${path.relative(ROOT, diagnostic.file.fileName)}:${line + 1}:${character + 1}: ${text}`;
}

describe("the package's declarations, as a consumer's strict project reads them", () => {
  it("resolve the package's own name to the built entry", () => {
    expect(program.getSourceFile(ENTRY), "dist/agent/index.d.ts (run npm run build)").toBeDefined();
  });

  it("type-check under strict, exactOptionalPropertyTypes and skipLibCheck false (but for xstate's own)", () => {
    const diagnostics = ts.getPreEmitDiagnostics(program).filter((d) => !d.file?.fileName.includes(UPSTREAM));
    expect(diagnostics.map(where)).toEqual([]);
  });
});
