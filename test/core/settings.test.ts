import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CLUSTER_SETTINGS_SECTION, DEFAULT_CLUSTER_SETTINGS, DEFAULT_SETTINGS, SETTINGS_SECTION, normalizeClusterSettings, normalizeSettings } from '../../server/src/settings';

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
const settingKeys = new Set(flatten(DEFAULT_SETTINGS).map(([key]) => key));

describe('settings', () => {
  it("package.json's defaults equal DEFAULT_SETTINGS, key for key", () => {
    for (const [key, value] of flatten(DEFAULT_SETTINGS)) {
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
    for (const [key, property] of Object.entries(properties)) {
      assert.ok(property.scope, `${key} has no scope`);
      if (clientOnly.has(key)) continue;
      if (key.startsWith(`${CLUSTER_SETTINGS_SECTION}.`)) {
        assert.ok(key.slice(CLUSTER_SETTINGS_SECTION.length + 1) in DEFAULT_CLUSTER_SETTINGS, `${key} is not in DEFAULT_CLUSTER_SETTINGS`);
        continue;
      }
      assert.ok(settingKeys.has(key.slice(SETTINGS_SECTION.length + 1)), `${key} is not in DEFAULT_SETTINGS`);
    }
  });

  it('normalizes untrusted input to defaults', () => {
    assert.deepEqual(normalizeSettings(null), DEFAULT_SETTINGS);
    assert.deepEqual(normalizeSettings({ enable: 'yes', maxFileSize: -1 }), DEFAULT_SETTINGS);
    assert.deepEqual(normalizeSettings({ enable: false, maxFileSize: 1000, include: ['*.yaml'] }), { ...DEFAULT_SETTINGS, enable: false, maxFileSize: 1000, include: ['*.yaml'] });
    assert.deepEqual(normalizeClusterSettings({ kubeconfig: 7, context: 'prod' }), { kubeconfig: '', context: 'prod' });
    assert.deepEqual(normalizeSettings({ authoring: { templateTarget: 'elsewhere' } }).authoring, DEFAULT_SETTINGS.authoring);
    assert.deepEqual(normalizeSettings({ authoring: { templateTarget: 'newFile' } }).authoring, { templateTarget: 'newFile' });
  });
});
