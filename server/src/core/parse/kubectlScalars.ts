import type { ScalarTag, Tags } from 'yaml';

/**
 * Plain scalars resolved as kubectl resolves them. kubectl turns YAML into JSON with
 * sigs.k8s.io/yaml, that is go.yaml.in/yaml/v2 (resolve.go at v2.4.2), which is YAML 1.1 with Go's
 * own number parsing. The `yaml` package's YAML 1.1 schema differs from it here:
 * - timestamps (`2024-01-01`): go-yaml keeps the text when decoding into interface{}, so they are
 *   strings in the JSON kubectl sends; `yaml` makes Date objects;
 * - base-60 numbers (`12:30`): go-yaml purposely does not support them (strings); `yaml` does;
 * - Go prefixes (`0o17`, `0O17`, `0X1F`, `0B101`): go-yaml's strconv.ParseInt(s, 0, 64) reads them
 *   as integers; `yaml` leaves them strings.
 * - numbers beyond float64 (`1e400`): strconv fails with ErrRange and go-yaml keeps the text;
 *   `yaml` makes Infinity (`.inf` stays infinite in both).
 * So `labels: {date: 2024-01-01}` is accepted and `port: 1:20` is a port name, as on the cluster.
 */

const TIME_TAGS = new Set(['tag:yaml.org,2002:timestamp']);

function goPrefixedInt(text: string): number {
  const sign = text.startsWith('-') ? -1 : 1;
  const body = text.replace(/^[-+]/, '').replace(/_/g, '');
  const radix = { x: 16, o: 8, b: 2 }[body[1]?.toLowerCase() ?? ''] ?? 10;
  return sign * parseInt(body.slice(2), radix);
}

// go-yaml resolve(): plain = strings.Replace(in, "_", "", -1); strconv.ParseInt(plain, 0, 64)
const goPrefixedIntTag: ScalarTag = {
  identify: () => false,
  default: true,
  tag: 'tag:yaml.org,2002:int',
  format: 'GO',
  test: /^(?:[-+]_*)?0_*(?:[xX][_0-9a-fA-F]*[0-9a-fA-F][_0-9a-fA-F]*|[oO][_0-7]*[0-7][_0-7]*|[bB][_01]*[01][_01]*)$/,
  resolve: (text) => goPrefixedInt(text),
};

const NUMBER_TAGS = new Set(['tag:yaml.org,2002:int', 'tag:yaml.org,2002:float']);

/** A number tag whose overflow keeps the text, as go-yaml's strconv-based resolve does. */
function keepTextOnOverflow(tag: ScalarTag): ScalarTag {
  if (!NUMBER_TAGS.has(tag.tag) || tag.test?.test('.inf') || !tag.resolve) return tag;
  return {
    ...tag,
    resolve: (text, onError, options) => {
      const value = tag.resolve?.(text, onError, options);
      return typeof value === 'number' && !Number.isFinite(value) ? text : value;
    },
  };
}

/** `customTags` for the `yaml-1.1` schema: kubectl's resolution of plain scalars. */
export function kubectlScalarTags(tags: Tags): Tags {
  // Only the YAML 1.1 schema is kubectl's; a caller that spreads YAML_OPTIONS with another schema
  // (the config file is YAML 1.2 core) keeps that schema's tags untouched.
  if (!tags.some((tag) => typeof tag !== 'string' && tag.format === 'TIME')) return tags;
  const kept = tags
    .filter((tag) => typeof tag === 'string' || (!TIME_TAGS.has(tag.tag) && tag.format !== 'TIME'))
    .map((tag) => (typeof tag !== 'string' && 'resolve' in tag && !('collection' in tag) ? keepTextOnOverflow(tag) : tag));
  const firstInt = kept.findIndex((tag) => typeof tag !== 'string' && tag.tag === 'tag:yaml.org,2002:int');
  kept.splice(firstInt < 0 ? kept.length : firstInt, 0, goPrefixedIntTag);
  return kept;
}
