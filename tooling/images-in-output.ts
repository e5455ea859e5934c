import type { KubeObject } from '../validation/manifest';

/** Every container image an object runs (containers and init containers, any workload kind). */
export function imagesOf(object: KubeObject): string[] {
  const images: string[] = [];
  const walk = (value: unknown, key: string) => {
    if (Array.isArray(value)) {
      if (key === 'containers' || key === 'initContainers' || key === 'ephemeralContainers') {
        for (const c of value as { image?: unknown }[]) if (typeof c?.image === 'string') images.push(c.image);
      } else {
        value.forEach((item) => walk(item, ''));
      }
    } else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) walk(v, k);
    }
  };
  walk(object, '');
  return images;
}

/** The distinct images of a set of objects, sorted. */
export function distinctImages(objects: readonly KubeObject[]): string[] {
  return [...new Set(objects.flatMap(imagesOf))].sort();
}
