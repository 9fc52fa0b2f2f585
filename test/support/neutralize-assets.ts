/**
 * Snapshot helper: replaces what changes with every handler or asset change (asset hashes, the S3
 * keys built from them, the bootstrap bucket's asset paths) by fixed placeholders, so that a
 * snapshot only changes when the infrastructure does.
 */
const HASH = /[0-9a-f]{64}/g;

/** A deep copy of `template` with asset hashes replaced by `ASSET-HASH`. */
export function neutralizeAssets<T>(template: T): T {
  return JSON.parse(JSON.stringify(template), (_key, value) => (typeof value === 'string' ? value.replace(HASH, 'ASSET-HASH') : value)) as T;
}
