/**
 * The optional native engine of `distributed`: native/gloo/build/Release/nodetorch_gloo.node, built by
 * scripts/install-dist.js when Gloo is installed. Loaded on first use, never at import, so a machine
 * without Gloo runs everything else.
 */
import { createRequire } from 'node:module';

/** The addon's exports (native/gloo/gloo_addon.cc). */
export interface GlooAddon {
  init(o: {
    rank: number; worldSize: number; timeoutMs: number; store: 'tcp' | 'file'; host: string; port: number;
    path: string; hostname: string; iface: string; prefix: string;
  }): void;
  /** kind: 0 allreduce, 1 broadcast, 2 allgather, 3 barrier; arg: reduce op (0 sum, 1 avg, 2 max, 3 min) or root. */
  enqueue(kind: number, data?: Float32Array, arg?: number, out?: Float32Array): number;
  isCompleted(id: number): boolean;
  wait(id: number): void;
  destroy(): void;
}

const ADDON_PATH = '../../native/gloo/build/Release/nodetorch_gloo.node';
/** NODETORCH_GLOO_ADDON points at another build of the addon (a path). */
const addonPath = (): string => process.env.NODETORCH_GLOO_ADDON ?? ADDON_PATH;

let addon: GlooAddon | undefined;

/** The Gloo addon, or an Error saying what to install and how to rebuild. */
export function loadGloo(op: string): GlooAddon {
  if (addon !== undefined) return addon;
  try {
    addon = createRequire(import.meta.url)(addonPath()) as GlooAddon;
    return addon;
  } catch (e) {
    const reason = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new Error(
      `${op}: the Gloo backend is not available (${reason}). Install Gloo ` +
        '(Debian/Ubuntu: apt-get install libgloo-dev), then rebuild with `npm rebuild nodetorch` ' +
        '(in a nodetorch checkout: node scripts/install-dist.js).',
    );
  }
}
