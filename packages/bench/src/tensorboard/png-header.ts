const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** PNG colour type → TensorBoard colorspace (0 gray, 4 gray+alpha, 2 RGB, 6 RGBA; palette 3 decodes to RGB). */
const COLORSPACE: Record<number, 1 | 2 | 3 | 4> = { 0: 1, 4: 2, 2: 3, 3: 3, 6: 4 };

export interface PngHeader {
  width: number;
  height: number;
  colorspace: 1 | 2 | 3 | 4;
}

/** Width, height and TensorBoard colorspace from a PNG's IHDR chunk; null when `bytes` is not a PNG. */
export function readPngHeader(bytes: Uint8Array): PngHeader | null {
  if (bytes.length < 26 || SIGNATURE.some((b, i) => bytes[i] !== b)) return null;
  if (String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR') return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const colorspace = COLORSPACE[bytes[25]];
  return colorspace ? { width: view.getUint32(16), height: view.getUint32(20), colorspace } : null;
}
