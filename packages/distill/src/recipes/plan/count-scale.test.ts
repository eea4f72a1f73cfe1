import { describe, expect, it } from 'vitest';
import { PROBE_MAX_PIXELS, planScale, scaledSize } from './count-scale.ts';

describe('planScale: large inputs measured at [H/f, W/f], costs scaled by f²', () => {
  it('Cityscapes 512×1024 crops: counted at 128×256 (f 4), probed at 64×128 (f 8); small inputs as they are', () => {
    expect(planScale([512, 1024])).toBe(4);
    expect(scaledSize([512, 1024], 4)).toEqual([128, 256]);
    expect(planScale([512, 1024], PROBE_MAX_PIXELS)).toBe(8);
    expect(planScale([1024, 2048])).toBe(8);
    expect(planScale([256, 256])).toBe(1);
    expect(planScale([64, 128])).toBe(1);
  });

  it('sides stay multiples of 32: 544×544 (17·32) is never shrunk; 640² is counted at 160² (5·32)', () => {
    expect(planScale([544, 544])).toBe(1);
    expect(planScale([640, 640])).toBe(4);
  });
});
