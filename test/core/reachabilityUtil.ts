import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { WorkspaceAnalysis, type Finding, type Inventory } from '../../server/src/core';
import type { ConnectionJson } from '../../server/src/core/reachability/report';

/** The inventory of a fixture folder, read the way the CLI reads it, and any error findings. */
export function loadFolder(dir: string): { inventory: Inventory; errors: Finding[] } {
  const workspace = new WorkspaceAnalysis();
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.ya?ml$/.test(name)) workspace.update(relative(dir, path), readFileSync(path, 'utf8'));
    }
  };
  walk(dir);
  const errors = [...workspace.findings().values()].flat().filter((f) => f.severity === 'error');
  return { inventory: workspace.inventory(), errors };
}

/** `all`, or `TCP 80,8080-8090 UDP 53`: a short form for hand-written expectations. */
export function shortPorts(connection: Pick<ConnectionJson, 'all' | 'ports'>): string {
  if (connection.all) return 'all';
  const parts: string[] = [];
  for (const protocol of ['TCP', 'UDP', 'SCTP'] as const) {
    const ranges = connection.ports?.[protocol];
    if (!ranges || ranges.length === 0) continue;
    parts.push(`${protocol} ${ranges.map(([lo, hi]) => (lo === hi ? String(lo) : `${lo}-${hi}`)).join(',')}`);
  }
  return parts.length === 0 ? 'none' : parts.join(' ');
}
