import type { IConstruct } from 'constructs';

/*
 * The prop path of a part built by a composite (internal): `ScalableService` creates its
 * PredictiveScaler from the user's `predictiveScaler` props, so the part's errors must name
 * `predictiveScaler.horizon`, not `horizon`. The composite registers the path under the id it
 * gives the part before creating it; the part reads it back from its own scope and id and puts it
 * in front of every prop its messages name. A part created directly has no path.
 */

const paths = new WeakMap<IConstruct, Map<string, string>>();

/**
 * Builds a part of `scope` with id `id` whose props the user wrote under `path`: its errors
 * name `path.prop`.
 */
export function withPropPath<T>(scope: IConstruct, id: string, path: string, build: () => T): T {
  const byId = paths.get(scope) ?? new Map<string, string>();
  paths.set(scope, byId);
  byId.set(id, path);
  try {
    return build();
  } finally {
    byId.delete(id);
  }
}

/** The prefix of the props a construct's messages name: `'predictiveScaler.'`, or `''` for a construct created directly. */
export function propPrefix(construct: IConstruct): string {
  const scope = construct.node.scope;
  const path = scope ? paths.get(scope)?.get(construct.node.id) : undefined;
  return path ? `${path}.` : '';
}
