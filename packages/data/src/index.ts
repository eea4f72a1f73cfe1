export * from './image-io.ts';
export * from './sod/kdscfnet-layout.ts';
export * from './synthetic/shapes.ts';
export * from './synthetic/textures.ts';
export * from './synthetic/sod-scene.ts';
export * from './synthetic/write-sod.ts';
