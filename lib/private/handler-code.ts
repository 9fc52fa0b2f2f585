import * as fs from 'node:fs';
import * as path from 'node:path';

const PACKAGE_NAME = 'cdk-scaling-architecture';

/** The root folder of this package, found from this file whether it runs as source or compiled. */
export function packageRoot(): string {
  let dir = __dirname;
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg)) {
      try {
        if ((JSON.parse(fs.readFileSync(pkg, 'utf8')) as { name?: unknown }).name === PACKAGE_NAME) return dir;
      } catch {
        // not a readable package.json: keep walking up
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find the ${PACKAGE_NAME} package root above ${__dirname}`);
    dir = parent;
  }
}

/** Where a handler is found: its prebuilt bundle (shipped in the package) or, in a source checkout, its TypeScript entry. */
export interface HandlerLocation {
  /** Folder holding the prebuilt `index.js` bundle, when it exists. */
  readonly bundleDir?: string;
  /** TypeScript entry file, when the package is a source checkout. */
  readonly entry?: string;
}

/** Locates the handler named `name` (a folder under `lambda/`). */
export function locateHandler(name: string): HandlerLocation {
  const root = packageRoot();
  const bundleDir = path.join(root, 'dist', 'handlers', name);
  const entry = path.join(root, 'lambda', name, 'index.ts');
  return {
    bundleDir: fs.existsSync(path.join(bundleDir, 'index.js')) ? bundleDir : undefined,
    entry: fs.existsSync(entry) ? entry : undefined,
  };
}
