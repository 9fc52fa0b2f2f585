/**
 * The controller's state lives in one tag on the managed group (key `cost-optimizer:state` by
 * default, not propagated to instances): it survives between runs and redeployments, and an
 * operator sees it next to the settings it explains. It is trusted only if the controller wrote it:
 * with the coordination table configured, the value carries a signature made with a key only the
 * two scaler functions can read (`lambda/shared/state-signature.ts`); a value without a valid one
 * (written by anyone else allowed to tag the group) is not acted on. A trusted tag that cannot be
 * read is never overwritten: the run changes nothing and fails, so the original settings it holds
 * are not lost (delete the tag to start afresh).
 */
import { type AutoScalingClient, type AutoScalingGroup, CreateOrUpdateTagsCommand } from '@aws-sdk/client-auto-scaling';
import { type CostState, CostStateError, decodeCostState, encodeCostState, type EncodeOptions } from '../core/cost';
import { signState, verifyState } from '../shared/state-signature';

/** The signing key and the name it is bound to (the group's), when the coordination table is configured. */
export interface StateSigner {
  readonly key: string;
  readonly groupName: string;
}

/** What the group's tag holds. */
export interface TagState {
  readonly state?: CostState;
  readonly raw?: string;
  /**
   * A tag value the controller did not sign (forged, or written before signatures): not acted on.
   * Its MaxSize values only explain a live MaxSize (so that an upgrade is not taken for an
   * operator's change); its overrides are never applied.
   */
  readonly untrusted?: { readonly maxSizes: number[]; readonly note: string };
}

/**
 * The state in the group's tag; undefined when there is none. Throws CostStateError when a
 * trusted tag is unreadable. `derived`: the original bounds from the construct's baseline (not kept in the tag).
 */
export function stateFromGroup(
  group: AutoScalingGroup,
  key: string,
  derived?: { minSize: number; maxSize: number; desiredCapacity: number },
  signer?: StateSigner,
): TagState {
  const tag = group.Tags?.find((t) => t.Key === key);
  if (tag?.Value === undefined || tag.Value === '') return {};
  let text = tag.Value;
  if (signer) {
    const v = verifyState(tag.Value, signer.key, signer.groupName);
    if (!v.trusted) {
      let maxSizes: number[] = [];
      try {
        const s = decodeCostState(v.text, derived ?? { minSize: 0, maxSize: 0, desiredCapacity: 0 });
        maxSizes = [s.cap, s.offHoursCapacity, ...(s.writtenMaxSizes ?? [])].filter((x): x is number => x !== undefined);
      } catch {
        maxSizes = [];
      }
      return {
        raw: tag.Value,
        untrusted: {
          maxSizes,
          note: `tag ${key} is not signed by the controller (value ${JSON.stringify(tag.Value)}): not trusted, its overrides are ignored and it is replaced by the next state the controller writes`,
        },
      };
    }
    text = v.text;
  }
  try {
    return { state: decodeCostState(text, derived), raw: tag.Value };
  } catch (e) {
    throw new CostStateError(
      `tag ${key} on ${group.AutoScalingGroupName}: ${(e as Error).message} (value ${JSON.stringify(tag.Value)}); delete the tag to reset the controller`,
    );
  }
}

/** The tag value for a state: encoded, and signed when a signer is given. */
export function stateTagValue(state: CostState, opts: EncodeOptions = {}, signer?: StateSigner): string {
  const text = encodeCostState(state, opts);
  return signer ? signState(text, signer.key, signer.groupName) : text;
}

export async function writeState(
  asg: AutoScalingClient,
  groupName: string,
  key: string,
  state: CostState,
  opts: EncodeOptions = {},
  signer?: StateSigner,
): Promise<string> {
  const value = stateTagValue(state, opts, signer);
  await asg.send(
    new CreateOrUpdateTagsCommand({
      Tags: [{ ResourceId: groupName, ResourceType: 'auto-scaling-group', Key: key, Value: value, PropagateAtLaunch: false }],
    }),
  );
  return value;
}
