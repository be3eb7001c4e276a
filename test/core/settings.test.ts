import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CLUSTER_SETTINGS_SECTION, DEFAULT_CLUSTER_SETTINGS, DEFAULT_SETTINGS, SETTINGS_SECTION, SETTING_KEYS, normalizeClusterSettings, normalizeSettings } from '../../server/src/settings';

interface ConfigurationProperty {
  default: unknown;
  scope?: string;
}

const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, ConfigurationProperty> } };
};
const properties = manifest.contributes.configuration.properties;

/** Nested settings objects as VS Code's dotted keys: { authoring: { templateTarget } } -> authoring.templateTarget. */
function flatten(value: object, prefix = ''): [string, unknown][] {
  return Object.entries(value).flatMap(([key, v]): [string, unknown][] =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? flatten(v as object, `${prefix}${key}.`) : [[`${prefix}${key}`, v]],
  );
}
/** DEFAULT_SETTINGS as package.json's keys under SETTINGS_SECTION (SETTING_KEYS names each top-level setting). */
const settingEntries = (Object.entries(DEFAULT_SETTINGS) as [string, unknown][]).flatMap(([name, value]) => flatten({ [SETTING_KEYS[name as keyof typeof SETTING_KEYS]]: value }));

describe('settings', () => {
  it("package.json's defaults equal DEFAULT_SETTINGS, key for key", () => {
    for (const [key, value] of settingEntries) {
      const property = properties[`${SETTINGS_SECTION}.${key}`];
      assert.ok(property, `package.json lacks ${SETTINGS_SECTION}.${key}`);
      assert.deepEqual(property.default, value, `${SETTINGS_SECTION}.${key}`);
    }
    for (const [key, value] of Object.entries(DEFAULT_CLUSTER_SETTINGS)) {
      assert.deepEqual(properties[`${CLUSTER_SETTINGS_SECTION}.${key}`]?.default, value, `${CLUSTER_SETTINGS_SECTION}.${key}`);
    }
    assert.equal(properties[`${CLUSTER_SETTINGS_SECTION}.kubeconfig`]?.scope, 'machine', 'a workspace must not choose the credentials');
  });

  it('every contributed setting is known to the server or is client-only, and has a scope', () => {
    const clientOnly = new Set([`${SETTINGS_SECTION}.trace.server`]);
    const serverKeys = new Set(settingEntries.map(([k]) => `${SETTINGS_SECTION}.${k}`));
    for (const [key, property] of Object.entries(properties)) {
      assert.ok(property.scope, `${key} has no scope`);
      if (clientOnly.has(key)) continue;
      if (serverKeys.has(key)) continue;
      if (key.startsWith(`${CLUSTER_SETTINGS_SECTION}.`)) {
        assert.ok(key.slice(CLUSTER_SETTINGS_SECTION.length + 1) in DEFAULT_CLUSTER_SETTINGS, `${key} is not in DEFAULT_CLUSTER_SETTINGS`);
        continue;
      }
      assert.fail(`${key} is not in DEFAULT_SETTINGS (SETTING_KEYS)`);
    }
  });

  it('normalizes untrusted input to defaults', () => {
    assert.deepEqual(normalizeSettings(null), DEFAULT_SETTINGS);
    assert.deepEqual(normalizeSettings({ enable: 'yes', maxFileSize: -1 }), DEFAULT_SETTINGS);
    assert.deepEqual(normalizeSettings({ enable: false, maxFileSize: 1000, include: ['*.yaml'] }), { ...DEFAULT_SETTINGS, enable: false, maxFileSize: 1000, include: ['*.yaml'] });
    assert.deepEqual(normalizeClusterSettings({ kubeconfig: 7, context: 'prod' }), { kubeconfig: '', context: 'prod' });
    assert.equal(normalizeSettings({ cluster: { inventorySource: 'cluster' } }).inventorySource, 'cluster');
    assert.equal(normalizeSettings({ cluster: { inventorySource: 'Cluster' } }).inventorySource, 'both');
    assert.equal(normalizeSettings({ cluster: 'workspace' }).inventorySource, 'both');
    assert.deepEqual(normalizeSettings({ authoring: { templateTarget: 'elsewhere' } }).authoring, DEFAULT_SETTINGS.authoring);
    assert.deepEqual(normalizeSettings({ authoring: { templateTarget: 'newFile' } }).authoring, { templateTarget: 'newFile' });
  });
});
