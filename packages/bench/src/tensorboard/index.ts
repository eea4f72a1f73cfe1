export { TensorBoardWriter, type TensorBoardWriterOptions } from './writer.ts';
export { crc32c, maskedCrc32c } from './crc32c.ts';
export { frameRecord } from './tfrecord.ts';
export { FILE_VERSION, fileVersionEvent, scalarEvent, imageEvent, type ImageSummary } from './event.ts';
export { readPngHeader, type PngHeader } from './png-header.ts';
