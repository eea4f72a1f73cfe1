import { describe, expect, it } from 'vitest';
import { decodeIndexPng } from './index-png.ts';
import { encodeTinyPng } from '../testing/tiny-png.ts';
import { VOC_PALETTE } from '../seg/voc-classes.ts';

describe('decodeIndexPng', () => {
  it('returns the raw palette indices of an 8-bit VOC palette PNG, not its colours', () => {
    const data = [0, 0, 15, 15, 255, 20, 1, 0, 255, 15, 0, 7];
    const png = encodeTinyPng({ width: 4, height: 3, colorType: 3, data, palette: VOC_PALETTE });
    const m = decodeIndexPng(png, 'x.png');
    expect([...m.data]).toEqual(data);
    expect(m).toMatchObject({ width: 4, height: 3, palette: true });
  });

  it('unpacks a 4-bit palette PNG (odd width, rows padded to a byte)', () => {
    const data = [1, 2, 3, 0, 15, 14, 13, 12, 0, 5];
    const m = decodeIndexPng(
      encodeTinyPng({ width: 5, height: 2, colorType: 3, depth: 4, data, palette: VOC_PALETTE.slice(0, 16) }),
      'x.png',
    );
    expect([...m.data]).toEqual(data);
  });

  it('reads 8-bit grey ids and 1-bit grey values exactly', () => {
    expect([
      ...decodeIndexPng(encodeTinyPng({ width: 3, height: 1, colorType: 0, data: [7, 33, 255] }), 'g.png').data,
    ]).toEqual([7, 33, 255]);
    expect([
      ...decodeIndexPng(
        encodeTinyPng({ width: 9, height: 1, colorType: 0, depth: 1, data: [1, 0, 1, 1, 0, 0, 0, 1, 1] }),
        'b.png',
      ).data,
    ]).toEqual([1, 0, 1, 1, 0, 0, 0, 1, 1]);
  });

  it.each([
    [
      'an RGB label (colours, not indices)',
      encodeTinyPng({ width: 2, height: 1, colorType: 2, data: [128, 0, 0, 0, 0, 0] }),
      /seg\.png: label PNG has 3 channels \(RGB colours\); expected palette indices/,
    ],
    [
      'a truncated PNG',
      encodeTinyPng({ width: 8, height: 8, colorType: 0, data: new Array(64).fill(3) }).subarray(0, 40),
      /seg\.png: corrupt or truncated PNG/,
    ],
    ['a JPEG named .png', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]), /seg\.png: not a PNG file/],
  ])('refuses %s, naming the file', (_what, bytes, msg) => {
    expect(() => decodeIndexPng(bytes, 'seg.png')).toThrow(msg);
  });
});
