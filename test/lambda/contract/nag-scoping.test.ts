/**
 * Issue 10, security review: every cdk-nag acknowledgement is scoped to the exact finding, so a
 * new wildcard write on a scaler's role, or SSH from the internet on the load balancer's security
 * group, fails the AwsSolutions check instead of passing silently.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ScalableService } from '../../../lib/scalable-service';
import { importedVpc } from '../../support/imported-vpc';

function service() {
  const app = new App();
  const stack = new Stack(app, 'Service', { env: { account: '123456789012', region: 'us-east-1' } });
  const svc = new ScalableService(stack, 'Web', { vpc: importedVpc(stack), budget: { limit: 300 } });
  return { app, stack, svc };
}

/** The AwsSolutions findings under the service, as 'rule path'. */
function findings(app: App, stack: Stack): string[] {
  app.synth();
  return new AwsSolutionsChecks(app)
    .validateScope(stack)
    .violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} ${r.constructPath}`))
    .filter((f) => / Service\/Web\//.test(f));
}

test('as shipped: no AwsSolutions finding from the scalers or the load balancer', () => {
  const { app, stack } = service();
  expect(findings(app, stack)).toEqual([]);
});

test.each(['predictiveScaler', 'costOptimizer'] as const)(
  'ec2:TerminateInstances on * added to the %s role is reported (AwsSolutions-IAM5[Resource::*])',
  (scaler) => {
    const { app, stack, svc } = service();
    svc[scaler]!.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['ec2:TerminateInstances'], resources: ['*'] }));
    expect(findings(app, stack)).toEqual([
      expect.stringMatching(/^AwsSolutions-IAM5\[Resource::\*\] Service\/Web\/\w+\/Scaler\/Role\/DefaultPolicy\/Resource$/),
    ]);
  },
);

test("port 22 from 0.0.0.0/0 on the load balancer's security group is reported (AwsSolutions-EC23)", () => {
  const { app, stack, svc } = service();
  svc.loadDistribution.securityGroup!.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(22), 'ssh');
  expect(findings(app, stack)).toEqual(
    expect.arrayContaining([expect.stringMatching(/^AwsSolutions-EC23 Service\/Web\/LoadDistribution\/SecurityGroup\/Resource$/)]),
  );
});
