/* global tf */
/**
 * Picks the TF.js backend: `?backend=webgl|wasm|cpu` forces one; by default WebGL when it runs on
 * a GPU, else wasm (SIMD when the browser has it), else cpu. A software WebGL renderer
 * (SwiftShader, llvmpipe: headless browsers, machines without a GPU driver) is skipped unless
 * forced: there it is far slower than wasm (≈ 60 s of shader compiles for CSNet). Returns
 * { name, note } where note says why a backend was skipped.
 */
export async function pickBackend() {
  const forced = new URLSearchParams(location.search).get('backend');
  const order = forced ? [forced] : ['webgl', 'wasm', 'cpu'];
  tf.wasm.setWasmPaths(new URL('../vendor/', import.meta.url).href);
  const skipped = [];
  for (const name of order) {
    try {
      if (name === 'webgl' && !forced) {
        const renderer = webglRenderer();
        if (!renderer) {
          skipped.push('webgl (no context)');
          continue;
        }
        if (/swiftshader|llvmpipe|software/i.test(renderer)) {
          skipped.push(`webgl (software renderer: ${renderer})`);
          continue;
        }
      }
      if (await tf.setBackend(name)) {
        await tf.ready();
        return { name, note: skipped.length ? `skipped ${skipped.join(', ')}` : '' };
      }
      skipped.push(name);
    } catch (e) {
      skipped.push(`${name} (${e.message})`);
    }
  }
  throw new Error(`no TF.js backend could start (tried ${order.join(', ')})`);
}

/** The unmasked WebGL renderer string, or null without a WebGL context. */
function webglRenderer() {
  const gl =
    document.createElement('canvas').getContext('webgl2') || document.createElement('canvas').getContext('webgl');
  if (!gl) return null;
  const ext = gl.getExtension('WEBGL_debug_renderer_info');
  const r = ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER);
  const lose = gl.getExtension('WEBGL_lose_context');
  if (lose) lose.loseContext();
  return String(r);
}
