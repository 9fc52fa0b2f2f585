/*
 * The checks live in lib/private/validation.ts. This re-export only keeps the import of
 * predictive-scaler.ts (owned by another change) working; import from '../private/validation'.
 */
export { assertDurationRange, assertInRange, assertInteger } from '../private/validation';
