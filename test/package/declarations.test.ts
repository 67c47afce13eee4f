/**
 * The package's type declarations as a consumer's strict project reads them (`npm run build`
 * first: this reads dist/). A consumer file, kept in memory beside the tests, imports
 * "aosp-enroll-sim" (the package's own name: TypeScript resolves it through package.json's
 * `exports`, as in a project that installed the package) and is type-checked with the strictest
 * settings a consumer may have. The same program answers which names the package's exported
 * signatures use without exporting them.
 */
import path from "node:path";
import ts from "typescript";
import { beforeAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(new URL("../..", import.meta.url).pathname);
const DIST = path.join(ROOT, "dist");
const ENTRY = path.join(DIST, "agent", "index.d.ts");
/** Not a file on disk: the compiler host below serves it. */
const CONSUMER = path.join(ROOT, "test", "package", "consumer-fixture.ts");

/**
 * A consumer's imports: every name below is in a signature the package exports (thrown by it,
 * taken or returned by it), so a consumer writes it in its own code.
 */
const CONSUMER_SOURCE = `
import {
  AdminApiError, PayloadTooLargeError, StepError, SHUTDOWN_GRACE_MS, renderQrPng, startMockService, TranscriptFile,
  type GraphProfile, type ProfileRequest, type GraphManagedDevice, type GraphUser, type NewUserRequest, type GraphGroup,
  type RenderOptions, type RenderedQr, type EcLevel, type CheckOptions, type IntunePayloadOptions, type DeviceSnapshot,
  type TranscriptSecrets, type DescribeOptions, type ChaosOptions,
} from "aosp-enroll-sim";

export async function profileOf(request: ProfileRequest): Promise<GraphProfile> {
  const service = await startMockService();
  try {
    return await service.admin.createProfile(request);
  } catch (error) {
    if (error instanceof AdminApiError) throw new Error(\`\${error.status} \${error.code}\`);
    throw error;
  } finally {
    await service.close();
  }
}

export async function render(text: string, ecLevel: EcLevel): Promise<RenderedQr | string> {
  const options: RenderOptions = { ecLevel, scale: 4 };
  try {
    return await renderQrPng(text, options);
  } catch (error) {
    if (error instanceof PayloadTooLargeError) return error.fix;
    throw error;
  }
}

export const secrets: TranscriptSecrets = "redact";
export const transcript = new TranscriptFile("t.jsonl", secrets);
export const grace: number = SHUTDOWN_GRACE_MS;
export const refused = new StepError("downloadFailed", "HTTP 404", { retryable: false });
export type Used = [GraphManagedDevice, GraphUser, NewUserRequest, GraphGroup, CheckOptions, IntunePayloadOptions,
  DeviceSnapshot, DescribeOptions, ChaosOptions];
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

  it("give each declaration one doc comment (a second is a comment left behind, or one above the wrong member)", () => {
    const twice: string[] = [];
    const visit = (node: ts.Node): void => {
      const docs = (node as { jsDoc?: ts.JSDoc[] }).jsDoc ?? [];
      // A file's opening comment is taken for its first statement's.
      const opening = node.parent !== undefined && ts.isSourceFile(node.parent) && node.parent.statements[0] === node ? 1 : 0;
      if (docs.length - opening > 1) {
        const name = ts.getNameOfDeclaration(node as ts.Declaration)?.getText() ?? ts.SyntaxKind[node.kind];
        twice.push(`${path.relative(DIST, node.getSourceFile().fileName)} ${name}`);
      }
      ts.forEachChild(node, visit);
    };
    for (const file of program.getSourceFiles()) if (file.fileName.startsWith(`${DIST}/`)) visit(file);
    expect(twice).toEqual([]);
  });

  it("export every class and type their exported signatures name", () => {
    const checker = program.getTypeChecker();
    const resolve = (symbol: ts.Symbol): ts.Symbol => (symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol);
    const entry = checker.getSymbolAtLocation(program.getSourceFile(ENTRY)!)!;
    const exported = new Set(checker.getExportsOfModule(entry).map(resolve));
    const inDist = (node: ts.Node) => node.getSourceFile().fileName.startsWith(`${DIST}/`);
    const ours = (symbol: ts.Symbol) => (symbol.declarations ?? []).some(inDist);
    const declaredIn = (symbol: ts.Symbol) => path.relative(DIST, symbol.declarations!.find(inDist)!.getSourceFile().fileName).replace(/\.d\.ts$/, ".ts");
    /** An unexported name, with where it is declared -> the first exported (or reached) name whose declaration uses it. */
    const missing = new Map<string, string>();
    const seen = new Set<ts.Symbol>(exported);
    const queue = [...exported];

    const named = (node: ts.Node): ts.Node | undefined => {
      if (ts.isTypeReferenceNode(node)) return node.typeName;
      if (ts.isExpressionWithTypeArguments(node)) return node.expression;
      if (ts.isImportTypeNode(node)) return node.qualifier;
      return undefined;
    };
    const isPrivate = (node: ts.Node) =>
      ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.PrivateKeyword);

    while (queue.length > 0) {
      const symbol = queue.shift()!;
      const visit = (node: ts.Node): void => {
        if (isPrivate(node)) return;
        const name = named(node);
        const found = name && checker.getSymbolAtLocation(ts.isQualifiedName(name) ? name.right : name);
        if (found) {
          const target = resolve(found);
          if (!(target.flags & ts.SymbolFlags.TypeParameter) && ours(target) && !seen.has(target)) {
            seen.add(target);
            missing.set(`${target.getName()} (${declaredIn(target)})`, symbol.getName());
            queue.push(target);
          }
        }
        ts.forEachChild(node, visit);
      };
      for (const declaration of symbol.declarations ?? []) {
        if (inDist(declaration)) visit(declaration);
      }
    }
    // Each is to be exported from agent/index.ts (under another name where one is taken).
    expect([...missing].map(([name, usedBy]) => `${name}, used by ${usedBy}`).sort()).toEqual([]);
  });
});
