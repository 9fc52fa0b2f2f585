import type { CfnResource } from 'aws-cdk-lib';
import { CfnAutoScalingGroup } from 'aws-cdk-lib/aws-autoscaling';
import { CfnSubnet } from 'aws-cdk-lib/aws-ec2';
import { NagRuleCompliance, NagRules } from 'cdk-nag';
import { asRule, type Diagnosis, finding } from '../private/diagnosis';
import { logicalIdOf, resolve, resourcesInStack } from '../private/cfn-lookup';

/** The zone of one subnet of `VPCZoneIdentifier`, as JSON (a literal or a `Fn::GetAZs` pick), or undefined when unknown. */
function zoneOfSubnet(group: CfnAutoScalingGroup, subnet: unknown): string | undefined {
  const referenced: unknown = NagRules.resolveResourceFromIntrinsic(group, subnet);
  const cfn = resourcesInStack(group).find((r): r is CfnSubnet => r instanceof CfnSubnet && logicalIdOf(r) === referenced);
  const zone = cfn ? resolve(cfn, cfn.availabilityZone) : undefined;
  return zone === undefined || zone === null ? undefined : JSON.stringify(zone);
}

/** A zone as the message shows it: the literal, or the intrinsic's JSON. */
const shownZone = (json: string): string => {
  const v: unknown = JSON.parse(json);
  return typeof v === 'string' ? v : json;
};

/** The diagnosis behind {@link multiAz}. */
export function diagnoseMultiAz(node: CfnResource): Diagnosis {
  if (!(node instanceof CfnAutoScalingGroup)) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const fix = 'subnets in at least two Availability Zones (in aws-cdk-lib: a VPC with maxAzs >= 2 and vpcSubnets that select both)';
  const subnets = resolve(node, node.vpcZoneIdentifier);
  if (Array.isArray(subnets) && subnets.length > 0) {
    const zones = subnets.map((s) => zoneOfSubnet(node, s));
    const distinct = [...new Set(zones)];
    if (subnets.length === 1) {
      return finding(`VPCZoneIdentifier has 1 subnet${zones[0] ? ` (in ${shownZone(zones[0])})` : ''}: one Availability Zone`, fix);
    }
    if (zones.every((z) => z !== undefined) && distinct.length === 1) {
      return finding(`VPCZoneIdentifier has ${subnets.length} subnets, all in ${shownZone(distinct[0]!)}`, fix);
    }
    return NagRuleCompliance.COMPLIANT; // two or more zones, or subnets whose zones the template does not show
  }
  const listed = resolve(node, node.availabilityZones);
  if (Array.isArray(listed) && listed.length > 0) {
    const distinct = [...new Set(listed.map((z) => JSON.stringify(z)))];
    return distinct.length >= 2 ? NagRuleCompliance.COMPLIANT : finding(`AvailabilityZones is ${distinct.map(shownZone).join(', ')}: one zone`, fix);
  }
  return NagRuleCompliance.COMPLIANT; // subnets or zones given by a parameter or an import: not known here
}

/**
 * Auto Scaling groups span at least two Availability Zones: their `VPCZoneIdentifier` subnets
 * (as the template shows their zones) or their `AvailabilityZones`.
 *
 * A group in one zone goes down with that zone, however many instances it scales to; and an
 * application load balancer in front of it needs two zones anyway.
 */
export const multiAz = asRule(diagnoseMultiAz);
