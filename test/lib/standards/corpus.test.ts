/**
 * The standards pack on a corpus of small apps written the way aws-cdk-lib's own examples are
 * (./corpus): each app's expected findings, rule id and resource, so that a rule change shows
 * its effect on all of them. `npx tsx test/lib/standards/corpus/print-findings.ts` prints them.
 */
import { App } from 'aws-cdk-lib';
import { CORPUS } from './corpus';
import { EXPECTED } from './corpus/expected';
import { findings } from './findings';

describe('the standards pack on the corpus of example apps', () => {
  test('covers every app of the corpus', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(Object.keys(CORPUS).sort());
  });

  test.each(Object.keys(CORPUS))('%s: the expected findings, each message with the values seen and what would satisfy it', (name) => {
    const app = new App();
    const stack = CORPUS[name](app);
    app.synth();
    const found = findings(app);
    const lines = found.flatMap((f) => f.paths.map((p) => `${f.ruleId} ${p.replace(`${stack.node.path}/`, '')}`)).sort();
    expect(lines).toEqual(EXPECTED[name]);
    for (const f of found) {
      expect(f.paths).toHaveLength(1);
      expect(f.description).toMatch(/ Seen: .+\. Would satisfy: .+\.$/);
    }
  });
});
