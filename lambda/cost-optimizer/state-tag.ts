/**
 * The controller's state lives in one tag on the managed group (key `cost-optimizer:state` by
 * default, not propagated to instances): it survives between runs and redeployments without
 * another service or permission beyond the group's own ARN, and an operator sees it next to the
 * settings it explains. A tag that cannot be read is never overwritten: the run changes nothing
 * and fails, so the original settings it holds are not lost (delete the tag to start afresh).
 */
import { type AutoScalingClient, type AutoScalingGroup, CreateOrUpdateTagsCommand } from '@aws-sdk/client-auto-scaling';
import { type CostState, CostStateError, decodeCostState, encodeCostState, type EncodeOptions } from '../core/cost';

/**
 * The state in the group's tag; undefined when there is none. Throws CostStateError when
 * unreadable. `derived`: the original bounds from the construct's baseline (not kept in the tag).
 */
export function stateFromGroup(
  group: AutoScalingGroup,
  key: string,
  derived?: { minSize: number; maxSize: number; desiredCapacity: number },
): { state?: CostState; raw?: string } {
  const tag = group.Tags?.find((t) => t.Key === key);
  if (tag?.Value === undefined || tag.Value === '') return {};
  try {
    return { state: decodeCostState(tag.Value, derived), raw: tag.Value };
  } catch (e) {
    throw new CostStateError(
      `tag ${key} on ${group.AutoScalingGroupName}: ${(e as Error).message} (value ${JSON.stringify(tag.Value)}); delete the tag to reset the controller`,
    );
  }
}

export async function writeState(
  asg: AutoScalingClient,
  groupName: string,
  key: string,
  state: CostState,
  opts: EncodeOptions = {},
): Promise<string> {
  const value = encodeCostState(state, opts);
  await asg.send(
    new CreateOrUpdateTagsCommand({
      Tags: [{ ResourceId: groupName, ResourceType: 'auto-scaling-group', Key: key, Value: value, PropagateAtLaunch: false }],
    }),
  );
  return value;
}
