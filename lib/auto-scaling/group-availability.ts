/**
 * What EC2 Auto Scaling offers on the group and aws-cdk-lib's L2 does not pass on: the
 * Availability Zone impairment policy (zonal shift) and the group's Capacity Reservation
 * preference and target. The enums' values are CloudFormation's strings, so a JavaScript caller
 * may pass the strings themselves.
 */
import { Token } from 'aws-cdk-lib';
import type * as autoscaling from 'aws-cdk-lib/aws-autoscaling';

/** How instances that fail their health checks in an impaired (zonally shifted) Availability Zone are treated. */
export enum ImpairedZoneHealthCheckBehavior {
  /** Replace unhealthy instances in every Availability Zone, the impaired one included. */
  REPLACE_UNHEALTHY = 'ReplaceUnhealthy',
  /** Leave unhealthy instances in the impaired Availability Zone in place (no replacements into a zone under a zonal shift). */
  IGNORE_UNHEALTHY = 'IgnoreUnhealthy',
}

/** The group's Availability Zone impairment policy (AvailabilityZoneImpairmentPolicy). */
export interface AvailabilityZoneImpairmentPolicy {
  /**
   * Register the group with Amazon Application Recovery Controller zonal shift: during a zonal
   * shift (or zonal autoshift) the group launches replacements in the healthy zones.
   */
  readonly zonalShiftEnabled: boolean;
  /** Health check behaviour in the impaired zone during a zonal shift. */
  readonly impairedZoneHealthCheckBehavior: ImpairedZoneHealthCheckBehavior;
}

/** Where the group launches its On-Demand instances with respect to Capacity Reservations. */
export enum CapacityReservationPreference {
  /** Only into the target Capacity Reservations; a launch fails when they are full. */
  CAPACITY_RESERVATIONS_ONLY = 'capacity-reservations-only',
  /** Into the target Capacity Reservations first, then On-Demand capacity. */
  CAPACITY_RESERVATIONS_FIRST = 'capacity-reservations-first',
  /** Never into a Capacity Reservation. */
  NONE = 'none',
  /** The launch template's preference, or an open Capacity Reservation. */
  DEFAULT = 'default',
}

/** The group's Capacity Reservation preference and target (CapacityReservationSpecification). */
export interface CapacityReservation {
  /** Whether and how the group launches into Capacity Reservations. */
  readonly preference: CapacityReservationPreference;
  /**
   * Capacity Reservation ids (`cr-...`) to launch into; only with `CAPACITY_RESERVATIONS_ONLY`
   * or `CAPACITY_RESERVATIONS_FIRST`.
   *
   * @default - no specific reservation (open reservations that match)
   */
  readonly capacityReservationIds?: string[];
  /**
   * ARNs of Capacity Reservation resource groups to launch into; only with
   * `CAPACITY_RESERVATIONS_ONLY` or `CAPACITY_RESERVATIONS_FIRST`.
   *
   * @default - no resource group
   */
  readonly capacityReservationResourceGroupArns?: string[];
}

const BEHAVIORS: readonly string[] = Object.values(ImpairedZoneHealthCheckBehavior);
const PREFERENCES: readonly string[] = Object.values(CapacityReservationPreference);
const TARGETED: readonly string[] = [
  CapacityReservationPreference.CAPACITY_RESERVATIONS_ONLY,
  CapacityReservationPreference.CAPACITY_RESERVATIONS_FIRST,
];

const shown = (v: unknown) => (typeof v === 'string' ? `'${v}'` : JSON.stringify(v));

/** The impairment policy as CloudFormation's property; throws naming the prop and the value. */
export function renderAvailabilityZoneImpairmentPolicy(
  p: AvailabilityZoneImpairmentPolicy,
): autoscaling.CfnAutoScalingGroup.AvailabilityZoneImpairmentPolicyProperty {
  const prop = 'availabilityZoneImpairmentPolicy';
  if (typeof p.zonalShiftEnabled !== 'boolean' && !Token.isUnresolved(p.zonalShiftEnabled))
    throw new Error(`${prop}.zonalShiftEnabled must be true or false, got ${shown(p.zonalShiftEnabled)}`);
  const b = p.impairedZoneHealthCheckBehavior as string;
  if (!Token.isUnresolved(b) && !BEHAVIORS.includes(b))
    throw new Error(`${prop}.impairedZoneHealthCheckBehavior must be one of ${BEHAVIORS.map(shown).join(', ')}, got ${shown(b)}`);
  return { zonalShiftEnabled: p.zonalShiftEnabled, impairedZoneHealthCheckBehavior: b };
}

/** The Capacity Reservation specification as CloudFormation's property; throws naming the prop and the value. */
export function renderCapacityReservation(c: CapacityReservation): autoscaling.CfnAutoScalingGroup.CapacityReservationSpecificationProperty {
  const prop = 'capacityReservation';
  const pref = c.preference as string;
  if (!Token.isUnresolved(pref) && !PREFERENCES.includes(pref))
    throw new Error(`${prop}.preference must be one of ${PREFERENCES.map(shown).join(', ')}, got ${shown(pref)}`);
  const ids = c.capacityReservationIds ?? [];
  const groups = c.capacityReservationResourceGroupArns ?? [];
  for (const id of ids) {
    if (!Token.isUnresolved(id) && !/^cr-[0-9a-f]{8,17}$/.test(id))
      throw new Error(`${prop}.capacityReservationIds must be Capacity Reservation ids such as 'cr-0123456789abcdef0', got ${shown(id)}`);
  }
  for (const arn of groups) {
    if (!Token.isUnresolved(arn) && !/^arn:aws[a-zA-Z-]*:resource-groups:[a-z0-9-]+:\d{12}:group\/.+/.test(arn))
      throw new Error(
        `${prop}.capacityReservationResourceGroupArns must be resource group ARNs (arn:aws:resource-groups:REGION:ACCOUNT:group/NAME), got ${shown(arn)}`,
      );
  }
  const targeted = ids.length > 0 || groups.length > 0;
  if (targeted && !Token.isUnresolved(pref) && !TARGETED.includes(pref))
    throw new Error(
      `${prop}: a target (capacityReservationIds or capacityReservationResourceGroupArns) needs preference ${TARGETED.map(shown).join(' or ')}, got ${shown(pref)}`,
    );
  return {
    capacityReservationPreference: pref,
    ...(targeted
      ? {
          capacityReservationTarget: {
            ...(ids.length > 0 ? { capacityReservationIds: ids } : {}),
            ...(groups.length > 0 ? { capacityReservationResourceGroupArns: groups } : {}),
          },
        }
      : {}),
  };
}

/** Checks the instance maintenance policy as EC2 Auto Scaling does, naming the props and values. */
export function validateHealthyPercentages(min: number | undefined, max: number | undefined): void {
  if (min === undefined && max === undefined) return;
  if (min === undefined || max === undefined)
    throw new Error(
      `minHealthyPercentage and maxHealthyPercentage are set together (the instance maintenance policy), got ${min ?? 'unset'} and ${max ?? 'unset'}`,
    );
  if (Token.isUnresolved(min) || Token.isUnresolved(max)) return;
  if (!Number.isInteger(min) || min < 0 || min > 100) throw new Error(`minHealthyPercentage must be an integer from 0 to 100, got ${min}`);
  if (!Number.isInteger(max) || max < 100 || max > 200) throw new Error(`maxHealthyPercentage must be an integer from 100 to 200, got ${max}`);
  if (max - min > 100)
    throw new Error(`maxHealthyPercentage (${max}) - minHealthyPercentage (${min}) must be at most 100 (EC2 Auto Scaling's limit), got ${max - min}`);
}
