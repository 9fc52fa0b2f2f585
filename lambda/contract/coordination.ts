/**
 * How the two scaler functions of one group stay out of each other's way and out of an
 * operator's: the pause tag both honour, and the coordination table (a lease per group, and the
 * key that signs the cost optimizer's state) the constructs hand down. Dependency-free: imported
 * by `lib/` (to render) and `lambda/` (to read). See docs/capacity-model.md, "Operators and
 * overlapping runs".
 */

/**
 * The tag an operator puts on the group to pause both controllers (its value: who and why; the
 * key alone, with an empty value, pauses too). While it is there neither function changes the
 * group; it holds until the tag is removed.
 */
export const PAUSE_TAG_KEY = 'scaling:paused';

/** The environment variable naming the DynamoDB table that holds the lease and the state key. */
export const COORDINATION_TABLE_ENV = 'COORDINATION_TABLE_NAME';

/** The environment variable with the lease duration in seconds (the function's timeout and a margin). */
export const LEASE_SECONDS_ENV = 'COORDINATION_LEASE_SECONDS';

/** The table's partition key (string): the group's name. */
export const COORDINATION_PARTITION_KEY = 'pk';
