import { App, Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { Construct } from 'constructs';
import { ScalableService } from 'cdk-scaling-architecture';

/** A team's own stack: their existing VPC, our scaling architecture inside it. */
export class MyServiceStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const vpc = ec2.Vpc.fromVpcAttributes(this, 'Vpc', {
      vpcId: 'vpc-0123456789abcdef0',
      availabilityZones: ['eu-west-1a', 'eu-west-1b'],
      publicSubnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0aaaaaaaaaaaaaaa2'],
      privateSubnetIds: ['subnet-0bbbbbbbbbbbbbbb1', 'subnet-0bbbbbbbbbbbbbbb2'],
    });

    new ScalableService(this, 'Web', {
      vpc,
      budget: { limit: 800 },
    });
  }
}

const app = new App();
new MyServiceStack(app, 'MyService', { env: { account: '123456789012', region: 'eu-west-1' } });
app.synth();
