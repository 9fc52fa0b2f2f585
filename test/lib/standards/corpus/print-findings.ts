/**
 * Prints the pack's findings on each corpus app (rule id and construct path; DESC=1 adds the
 * messages): `npx tsx test/lib/standards/corpus/print-findings.ts`.
 */
import { App } from 'aws-cdk-lib';
import { CORPUS } from '.';
import { findings } from '../findings';
for (const [name, build] of Object.entries(CORPUS)) {
  const app = new App();
  const stack = build(app);
  app.synth();
  const out: string[] = [];
  for (const f of findings(app))
    for (const p of f.paths) out.push(`${f.ruleId} ${p.replace(stack.node.path + '/', '')}${process.env.DESC ? '  :: ' + f.description : ''}`);
  console.log(`## ${name}\n` + out.sort().join('\n'));
}
