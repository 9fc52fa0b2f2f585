/**
 * Line counts of the units issue 15 asks to keep short (constructors and handler entry points),
 * measured on the TypeScript syntax tree: `npx tsx scripts/unit-lines.ts [repository root]`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

const root = path.resolve(process.argv[2] ?? path.join(__dirname, '..'));

/** Lines from the first to the last line of the first node of `file` that `pick` selects. */
function nodeLines(file: string, pick: (node: ts.Node) => boolean): number | undefined {
  const source = ts.createSourceFile(file, fs.readFileSync(path.join(root, file), 'utf8'), ts.ScriptTarget.ES2022, true);
  let found: ts.Node | undefined;
  const visit = (node: ts.Node): void => {
    if (!found && pick(node)) found = node;
    ts.forEachChild(node, visit);
  };
  visit(source);
  if (!found) return undefined;
  return source.getLineAndCharacterOfPosition(found.getEnd()).line - source.getLineAndCharacterOfPosition(found.getStart()).line + 1;
}

const constructorOf = (name: string) => (node: ts.Node) =>
  ts.isConstructorDeclaration(node) && ts.isClassDeclaration(node.parent) && node.parent.name?.text === name;
const functionNamed = (name: string) => (node: ts.Node) => ts.isFunctionDeclaration(node) && node.name?.text === name;
const fileLines = (file: string) => fs.readFileSync(path.join(root, file), 'utf8').split('\n').length - 1;

const units: [string, number | undefined][] = [
  ['CostOptimizer constructor', nodeLines('lib/resource-management/cost-optimizer.ts', constructorOf('CostOptimizer'))],
  ['PredictiveScaler constructor', nodeLines('lib/auto-scaling/predictive-scaler.ts', constructorOf('PredictiveScaler'))],
  ['LoadMonitor constructor', nodeLines('lib/load-monitoring/load-monitor.ts', constructorOf('LoadMonitor'))],
  ['ScalableService constructor', nodeLines('lib/scalable-service.ts', constructorOf('ScalableService'))],
  ['decideCost', nodeLines('lambda/core/cost/decide.ts', functionNamed('decideCost'))],
  ['lambda/predictive-scaler/index.ts', fileLines('lambda/predictive-scaler/index.ts')],
  ['lambda/cost-optimizer/index.ts', fileLines('lambda/cost-optimizer/index.ts')],
];
for (const [unit, lines] of units) console.log(`${String(lines ?? 'missing').padStart(5)}  ${unit}`);
