import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

/**
 * Dawn in Node: the npm package `webgpu` (Google's Dawn, a prebuilt `dawn.node` per platform in
 * the package; its postinstall only clears a macOS quarantine flag and is not needed). It is an
 * optional dependency of @kd/core: everything here reports "absent" rather than failing without it.
 *
 * Dawn options (its `create([...])` strings) come from KD_DAWN_BACKEND: `null` (Dawn's null
 * adapter: it accepts and dispatches every command and computes nothing, for CI), `vulkan`,
 * `metal`, `d3d12`, `opengl`, …; unset lets Dawn pick (Vulkan on Linux).
 */

const require = createRequire(import.meta.url);

/** What a probe found: the adapter Dawn would give tfjs, or why there is none. */
export interface DawnAdapter {
  /** Dawn's `create` options used for the probe (and to be used again for the backend). */
  options: string[];
  /** null when Dawn has no adapter with these options. */
  adapter: { vendor: string; architecture: string; device: string; description: string } | null;
  /** Dawn's null adapter (device `null-backend`): dispatches but computes nothing. */
  isNull: boolean;
  /** Why there is no adapter: the package is missing, or what Dawn printed while looking. */
  reason?: string;
}

/** The path of the `webgpu` package's entry, or null when the optional dependency is absent. */
export function dawnEntry(): string | null {
  try {
    return require.resolve('webgpu');
  } catch {
    return null;
  }
}

/** Dawn `create` options from KD_DAWN_BACKEND (see the module comment). */
export function dawnOptions(env: NodeJS.ProcessEnv = process.env): string[] {
  const b = env.KD_DAWN_BACKEND?.trim();
  return b ? [`backend=${b}`] : [];
}

/** A short label for an adapter, e.g. `NVIDIA H100 (nvidia hopper)` or `null adapter`. */
export function adapterLabel(a: DawnAdapter['adapter']): string {
  if (!a) return 'none';
  if (a.device === 'null-backend') return 'null adapter';
  const detail = [a.vendor, a.architecture].filter(Boolean).join(' ');
  return `${a.description || a.device || 'unnamed adapter'}${detail ? ` (${detail})` : ''}`;
}

/**
 * Asks Dawn for a high-performance adapter in a child process: Dawn prints its driver warnings
 * straight to the process's stderr (on a CPU box, every run would show Vulkan complaints) and
 * a broken driver can crash it; the child keeps both away and returns what it found.
 */
export function probeDawn(options: string[] = dawnOptions(), timeoutMs = 30_000): DawnAdapter {
  const entry = dawnEntry();
  if (!entry)
    return { options, adapter: null, isNull: false, reason: 'the optional npm package `webgpu` is not installed' };
  const code = [
    `import { create } from ${JSON.stringify(pathToFileURL(entry).href)};`,
    `const gpu = create(JSON.parse(process.argv[1]));`,
    `const a = await gpu.requestAdapter({ powerPreference: 'high-performance' });`,
    `const i = a && a.info;`,
    `process.stdout.write('KDPROBE' + JSON.stringify(i ? { vendor: i.vendor, architecture: i.architecture, device: i.device, description: i.description } : null) + '\\n');`,
    `process.exit(0);`,
  ].join('\n');
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code, JSON.stringify(options)], {
    encoding: 'utf8',
    timeout: timeoutMs,
  });
  const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith('KDPROBE'));
  // Dawn's own words: its Error line first, then its warnings; no stack frames or echoed source.
  const heard = [
    ...new Set(
      (r.stderr ?? '')
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l && !/^(at |\^|file:|const |Node\.js v|- While)/.test(l)),
    ),
  ];
  const said = [...heard.filter((l) => l.startsWith('Error:')), ...heard.filter((l) => !l.startsWith('Error:'))]
    .slice(0, 3)
    .join(' / ');
  if (!line) {
    const how = r.error ? r.error.message : r.signal ? `killed by ${r.signal}` : `exit ${r.status}`;
    return {
      options,
      adapter: null,
      isNull: false,
      reason: `the Dawn probe failed (${how})${said ? `: ${said}` : ''}`,
    };
  }
  const adapter = JSON.parse(line.slice('KDPROBE'.length)) as DawnAdapter['adapter'];
  const reason = adapter
    ? undefined
    : `Dawn found no adapter${options.length ? ` with ${options.join(' ')}` : ''}${said ? `: ${said}` : ''}`;
  return { options, adapter, isNull: adapter?.device === 'null-backend', reason };
}

/**
 * Whether `initBackend` takes this adapter: `auto` only a real one (never Dawn's null adapter,
 * which computes nothing), an explicit `--backend webgpu` any adapter.
 */
export function usableAdapter(probe: DawnAdapter, explicit: boolean): boolean {
  return probe.adapter != null && (explicit || !probe.isNull);
}
