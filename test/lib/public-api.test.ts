/**
 * The package entry exports the constructs (the jsii assembly) and the three functions of the
 * user-facing core (planCapacity, explainPlan, decideCost); the sub-path
 * 'cdk-scaling-architecture/core' (lib/core.ts) exports those and the types of their inputs and
 * outputs; nothing else from lambda/ is public. Read with the TypeScript compiler, so that
 * type-only exports count too.
 */
import * as path from 'path';
import * as ts from 'typescript';

import { FUNCTIONS, PUBLIC_CORE } from '../support/public-core';

const ROOT = path.resolve(__dirname, '..', '..');

/** Every `export ... from` of lib/ that reaches into lambda/: file, module and the names (undefined for `export *`). */
function reExportsOfLambda(): { file: string; module: string; names?: string[] }[] {
  const found: { file: string; module: string; names?: string[] }[] = [];
  const files = ts.sys.readDirectory(path.join(ROOT, 'lib'), ['.ts'], ['**/*.d.ts']);
  for (const file of files) {
    const source = ts.createSourceFile(file, ts.sys.readFile(file)!, ts.ScriptTarget.ES2022, false);
    for (const statement of source.statements) {
      if (!ts.isExportDeclaration(statement) || !statement.moduleSpecifier || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
      const target = path.relative(ROOT, path.resolve(path.dirname(file), statement.moduleSpecifier.text));
      if (!target.startsWith('lambda')) continue;
      const clause = statement.exportClause;
      const names = clause && ts.isNamedExports(clause) ? clause.elements.map((e) => e.name.text) : undefined;
      found.push({ file: path.relative(ROOT, file), module: statement.moduleSpecifier.text, names });
    }
  }
  return found;
}

test('from lambda/, lib/core.ts exports exactly the user-facing core and the entry its three functions, each name listed (no export *)', () => {
  const reExports = reExportsOfLambda();
  expect(reExports.filter((r) => r.names === undefined)).toEqual([]);
  const byFile = (file: string) => reExports.filter((r) => r.file === file).flatMap((r) => r.names ?? []);
  expect(byFile(path.join('lib', 'core.ts')).sort()).toEqual(PUBLIC_CORE);
  expect(byFile(path.join('lib', 'index.ts')).sort()).toEqual([...FUNCTIONS].sort());
  expect(reExports.filter((r) => r.file !== path.join('lib', 'core.ts') && r.file !== path.join('lib', 'index.ts'))).toEqual([]);
});

test('the cost state codec and the other core internals are not public', () => {
  const exported = new Set(reExportsOfLambda().flatMap((r) => r.names ?? []));
  for (const internal of [
    'encodeCostState',
    'decodeCostState',
    'CostStateError',
    'MAX_ENCODED_STATE_LENGTH',
    'detectSeasonality',
    'autocorrelation',
    'planCostCapacity',
    'expectedPeriodCost',
    'peakLoadInstances',
    'inWorkingHours',
    'workingCapacityNeeded',
    'workingHoursProblems',
    'FittedModel',
    'learnHeadroom',
    'replayForecasts',
  ]) {
    expect({ internal, exported: exported.has(internal) }).toEqual({ internal, exported: false });
  }
});

test('at run time too: the built entry has no codec', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const entry = require('../../lib') as Record<string, unknown>;
  const keys = Object.keys(entry);
  expect(keys).toEqual(expect.arrayContaining(['ScalableService', 'planCapacity', 'explainPlan', 'decideCost']));
  for (const internal of ['encodeCostState', 'decodeCostState', 'CostStateError', 'MAX_ENCODED_STATE_LENGTH']) {
    expect(keys).not.toContain(internal);
  }
});

test("the constructs' own helpers are not public either; the aliases 0.2.0 deprecated are removed", () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const entry = require('../../lib') as Record<string, unknown>;
  for (const internal of ['validateVerticalScalingConfig', 'resolveMonitoringThresholds', 'renderTargetHealthCheck']) {
    expect({ internal, exported: internal in entry }).toEqual({ internal, exported: false });
  }
  for (const removed of ['PredictiveScalingMode', 'PredictiveScalingMaxCapacityBreachBehavior', 'PredictiveScalingMetric', 'VerticalPolicy']) {
    expect({ removed, exported: removed in entry }).toEqual({ removed, exported: false });
  }
  expect((entry.ScalingPolicy as Record<string, unknown>).vertical).toBeUndefined();
  expect(entry.NativePredictiveScalingMetric).toBeDefined();
  expect(entry.ScalingBudget).toBeDefined();
});

test('every type the public core names is public too (no unnameable type in a signature)', () => {
  // The core has no dependencies, so a program of its entry alone is small and fast.
  const coreEntry = path.join(ROOT, 'lambda', 'core', 'index.ts');
  const program = ts.createProgram([coreEntry], {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    strict: true,
    noEmit: true,
    types: [],
  });
  const checker = program.getTypeChecker();
  const resolve = (s: ts.Symbol): ts.Symbol => (s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s);
  const coreExports = checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(coreEntry)!)!);
  const publicSymbols = coreExports.filter((s) => PUBLIC_CORE.includes(s.name)).map(resolve);
  expect(publicSymbols.map((s) => s.name).sort()).toEqual(PUBLIC_CORE);

  const missing = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (ts.isTypeReferenceNode(node)) {
      const referenced = checker.getSymbolAtLocation(node.typeName);
      const symbol = referenced && resolve(referenced);
      const declaration = symbol?.declarations?.[0];
      const file = declaration ? path.relative(ROOT, declaration.getSourceFile().fileName) : '';
      if (symbol && file.startsWith('lambda') && !ts.isTypeParameterDeclaration(declaration!) && !publicSymbols.includes(symbol)) {
        missing.add(`${symbol.name} (${file})`);
      }
    }
    ts.forEachChild(node, visit);
  };
  for (const symbol of publicSymbols) {
    for (const declaration of symbol.declarations ?? []) {
      if (ts.isFunctionDeclaration(declaration)) {
        // the signature, not the body
        declaration.parameters.forEach(visit);
        if (declaration.type) visit(declaration.type);
      } else {
        visit(declaration);
      }
    }
  }
  expect([...missing].sort()).toEqual([]);
});
