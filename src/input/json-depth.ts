import { AppError } from '../errors/app-error';

/** Path components kept per node: the top-level field a too-deep value sits in is what an error names. */
const NAMED_LEVELS = 1;

function pathText(path: readonly (string | number)[]): string {
  return path.reduce<string>(
    (text, part) => (typeof part === 'number' ? `${text}[${part}]` : text ? `${text}.${part}` : part),
    '',
  );
}

/**
 * Where `value` nests objects and arrays deeper than `max` levels: the top-level field of the first too-deep branch ('' for
 * the root itself), or null when it does not. Walks level by level without recursion and
 * gives up past `max`, so a hostile, thousands-deep document costs at most `max` levels of work and no stack.
 */
export function tooDeepAt(value: unknown, max: number): string | null {
  let level: { item: unknown; path: (string | number)[] }[] = [{ item: value, path: [] }];
  for (let depth = 0; level.length > 0; depth += 1) {
    const next: typeof level = [];
    for (const { item, path } of level) {
      if (item === null || typeof item !== 'object') continue;
      if (depth >= max) return pathText(path);
      const entries: [string | number, unknown][] = Array.isArray(item)
        ? item.map((child, index) => [index, child])
        : Object.entries(item);
      for (const [key, child] of entries) {
        if (child === null || typeof child !== 'object') continue;
        next.push({ item: child, path: path.length < NAMED_LEVELS ? [...path, key] : path });
      }
    }
    level = next;
  }
  return null;
}

/** VALIDATION_ERROR naming `field` when the JSON `value` nests objects/arrays deeper than `max` levels. */
export function assertJsonDepth(value: unknown, field: string, max: number): void {
  if (tooDeepAt(value, max) !== null) {
    throw new AppError('VALIDATION_ERROR', `${field} is nested deeper than ${max} levels`, { field, maxDepth: max });
  }
}
