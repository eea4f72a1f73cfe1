import { describe, expect, it } from 'vitest';
import { parseVocXml, vocXml } from './voc-xml.ts';
import { VOC_DET_CLASSES } from '../seg/voc-classes.ts';

/** VOC2007 Annotations/000003.xml as the devkit ships it (tabs, LF). */
const VOC2007_000003 = `<annotation>
\t<folder>VOC2007</folder>
\t<filename>000003.jpg</filename>
\t<source>
\t\t<database>The VOC2007 Database</database>
\t\t<annotation>PASCAL VOC2007</annotation>
\t\t<image>flickr</image>
\t\t<flickrid>138563409</flickrid>
\t</source>
\t<owner>
\t\t<flickrid>RandomEvent101</flickrid>
\t\t<name>?</name>
\t</owner>
\t<size>
\t\t<width>500</width>
\t\t<height>375</height>
\t\t<depth>3</depth>
\t</size>
\t<segmented>0</segmented>
\t<object>
\t\t<name>sofa</name>
\t\t<pose>Unspecified</pose>
\t\t<truncated>0</truncated>
\t\t<difficult>0</difficult>
\t\t<bndbox>
\t\t\t<xmin>123</xmin>
\t\t\t<ymin>155</ymin>
\t\t\t<xmax>215</xmax>
\t\t\t<ymax>195</ymax>
\t\t</bndbox>
\t</object>
\t<object>
\t\t<name>chair</name>
\t\t<pose>Left</pose>
\t\t<truncated>0</truncated>
\t\t<difficult>0</difficult>
\t\t<bndbox>
\t\t\t<xmin>239</xmin>
\t\t\t<ymin>156</ymin>
\t\t\t<xmax>307</xmax>
\t\t\t<ymax>205</ymax>
\t\t</bndbox>
\t</object>
</annotation>
`;

const one = (size: string, box: string, name = 'dog') =>
  `<annotation>${size}<object><name>${name}</name><difficult>1</difficult><truncated>1</truncated><bndbox>${box}</bndbox></object></annotation>`;
const SIZE = '<size><width>50</width><height>40</height><depth>3</depth></size>';
const box = (a: number | string, b: number | string, c: number | string, d: number | string) =>
  `<xmin>${a}</xmin><ymin>${b}</ymin><xmax>${c}</xmax><ymax>${d}</ymax>`;

describe('parseVocXml', () => {
  it('reads a devkit XML: size, class indices and 1-based inclusive boxes as pixel edges', () => {
    const a = parseVocXml(VOC2007_000003, '000003.xml', VOC_DET_CLASSES);
    expect(a).toMatchObject({ filename: '000003.jpg', width: 500, height: 375 });
    expect(a.objects).toEqual([
      { cls: 17, x1: 122, y1: 154, x2: 215, y2: 195, difficult: false, truncated: false },
      { cls: 8, x1: 238, y1: 155, x2: 307, y2: 205, difficult: false, truncated: false },
    ]);
  });

  it('reads a single object (not an array), flags, decimals and full-image boxes', () => {
    const a = parseVocXml(one(SIZE, box('1.0', 1, 50, '40')), 'a.xml', VOC_DET_CLASSES);
    expect(a.objects).toEqual([{ cls: 11, x1: 0, y1: 0, x2: 50, y2: 40, difficult: true, truncated: true }]);
  });

  it('round-trips what the synthetic twin writes', () => {
    const text = vocXml({
      folder: 'VOC2099',
      filename: 'x.jpg',
      width: 64,
      height: 48,
      objects: [{ name: 'cat', xmin: 3, ymin: 4, xmax: 20, ymax: 48, truncated: true, difficult: false }],
    });
    expect(text.split('\n')[1]).toBe('\t<folder>VOC2099</folder>');
    expect(parseVocXml(text, 'x.xml', VOC_DET_CLASSES).objects).toEqual([
      { cls: 7, x1: 2, y1: 3, x2: 20, y2: 48, difficult: false, truncated: true },
    ]);
  });

  it.each([
    ['no <size>', '<annotation><object><name>dog</name></object></annotation>', /a\.xml: annotation has no <size>/],
    [
      'a zero size',
      one('<size><width>0</width><height>40</height></size>', box(1, 1, 2, 2)),
      /no <size> with positive/,
    ],
    [
      'a box beyond the right edge',
      one(SIZE, box(10, 10, 51, 20)),
      /a\.xml: object 1 \(dog\): box \(10, 10, 51, 20\) lies outside the 50×40 image/,
    ],
    ['a box with xmin > xmax', one(SIZE, box(30, 10, 20, 20)), /lies outside/],
    ['a negative coordinate', one(SIZE, box(-3, 10, 20, 20)), /lies outside/],
    ['a non-numeric coordinate', one(SIZE, box('a', 10, 20, 20)), /object 1 \(dog\): <bndbox> needs numeric/],
    ['an unknown class', one(SIZE, box(1, 1, 2, 2), 'unicorn'), /object 1: unknown class 'unicorn'/],
    ['no <annotation> root', '<foo/>', /not a VOC annotation/],
    ['malformed XML', '<annotation><size>', /a\.xml: (malformed XML|annotation has no <size>)/],
  ])('refuses %s', (_what, text, msg) => {
    expect(() => parseVocXml(text, 'a.xml', VOC_DET_CLASSES)).toThrow(msg);
  });
});
