import { Rng } from '@kd/core';
import { renderObjectScene, type Sample } from '@kd/data';

/** In-memory synthetic detection samples (classes 0-based), one of them without boxes. */
export function detSamples(n: number, size: number): Sample[] {
  const rng = new Rng(5, 'det-test');
  return Array.from({ length: n }, (_, i) => {
    const s = renderObjectScene(rng.fork(String(i)), size, size, 2);
    const objects =
      i === 1
        ? []
        : s.objects.map((o) => ({
            cls: o.cls - 1,
            x1: o.x1,
            y1: o.y1,
            x2: o.x2,
            y2: o.y2,
            difficult: false,
            truncated: o.truncated,
          }));
    return { name: `d${i}`, width: size, height: size, image: s.rgb, objects };
  });
}
