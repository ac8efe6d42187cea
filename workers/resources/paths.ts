import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Finds a folder shipped beside the code (resources/, dist/renderer/) by walking up from this
 * module: it works from the TypeScript sources (tests), the bundled dist/ and a packaged app
 * (where electron-builder puts extra resources next to app.asar).
 */
function findUp(relative: string, marker: string): string | null {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, relative);
    if (fs.existsSync(path.join(candidate, marker))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

export function resourcesDir(): string {
  const fromEnv = process.env.LIGHTBOX_RESOURCES_DIR;
  if (fromEnv) return path.resolve(fromEnv);
  const packaged = (process as { resourcesPath?: string }).resourcesPath;
  if (packaged && fs.existsSync(path.join(packaged, 'resources', 'blender'))) return path.join(packaged, 'resources');
  const found = findUp('resources', 'blender');
  if (!found) throw new Error('Lightbox resources folder not found; set LIGHTBOX_RESOURCES_DIR');
  return found;
}

/** The built renderer (vite output), or null when it has not been built. */
export function rendererDir(): string | null {
  const fromEnv = process.env.LIGHTBOX_RENDERER_DIR;
  if (fromEnv) return path.resolve(fromEnv);
  return findUp(path.join('dist', 'renderer'), 'index.html');
}

export function appVersion(): string {
  const pkgDir = findUp('.', 'package.json');
  if (!pkgDir) return '0.0.0';
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as { name?: string; version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}
