import { isMap, isPair, isScalar, isSeq, parseAllDocuments, type Node as YamlNode, type YAMLMap } from 'yaml';
import { chunkStarts, childNode, YAML_OPTIONS, type PathSegment } from '../parse/manifest';
import { insertAt, type TextEdit } from './textEdit';

/**
 * Reading and splicing YAML text for edits. The analyzer keeps no source tokens, so an edit
 * re-parses the one document it touches and works from node ranges and the text of its lines:
 * nothing is ever re-stringified, so comments, quoting, indentation and key order stay the user's.
 */

/** One object (a document's root map, or an item of a `List`) with absolute offsets. */
export interface ObjectText {
  readonly map: YAMLMap<unknown, unknown>;
  /** offset of the chunk the node ranges refer to */
  readonly base: number;
  /** the chunk's text */
  readonly chunk: string;
  /** absolute range of the object's chunk */
  readonly chunkStart: number;
  readonly chunkEnd: number;
}

/** A JSON manifest (edits must keep it JSON: no comments, no new YAML documents). */
export function isJsonText(text: string): boolean {
  return /^\s*[[{]/.test(text);
}

export function eolOf(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

export function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** Offset just after the line that holds `offset` (after its line break), or the text's end. */
export function nextLineStart(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  return nl < 0 ? text.length : nl + 1;
}

export function columnOf(text: string, offset: number): number {
  return offset - lineStartOf(text, offset);
}

/** The indentation of the line holding `offset`, up to its first non-blank (a `- ` counts as text). */
export function lineIndent(text: string, offset: number): string {
  const start = lineStartOf(text, offset);
  let end = start;
  while (text[end] === ' ') end++;
  return text.slice(start, end);
}

type ParsedDocuments = ReturnType<typeof parseAllDocuments>;

/**
 * Parsed chunks by their text: a fix-all visits every finding of a document, and a code action
 * request computes several actions on the same one. The nodes are only read, never changed.
 */
const parsedChunks = new Map<string, ParsedDocuments>();
const PARSED_CHUNKS_KEPT = 128;

function parseChunkCached(chunk: string): ParsedDocuments | undefined {
  let docs = parsedChunks.get(chunk);
  if (docs) {
    // most recently used last
    parsedChunks.delete(chunk);
    parsedChunks.set(chunk, docs);
    return docs;
  }
  try {
    docs = parseAllDocuments(chunk, YAML_OPTIONS);
  } catch {
    return undefined;
  }
  if (!Array.isArray(docs)) return undefined;
  parsedChunks.set(chunk, docs);
  if (parsedChunks.size > PARSED_CHUNKS_KEPT) parsedChunks.delete(parsedChunks.keys().next().value ?? '');
  return docs;
}

/** The object at an offset of a file's text, re-parsed from its chunk (one document). */
export function objectAt(text: string, offset: number): ObjectText | undefined {
  const starts = chunkStarts(text);
  let index = 0;
  for (let i = 0; i < starts.length; i++) if ((starts[i] ?? 0) <= offset) index = i;
  const chunkStart = starts[index] ?? 0;
  const chunkEnd = starts[index + 1] ?? text.length;
  const chunk = text.slice(chunkStart, chunkEnd);
  const docs = parseChunkCached(chunk);
  if (!docs) return undefined;
  const local = offset - chunkStart;
  for (const doc of docs) {
    const root = doc.contents;
    if (!isMap(root) || !root.range) continue;
    const items = root.get('items', true);
    const kind: unknown = root.get('kind');
    if (typeof kind === 'string' && kind.endsWith('List') && isSeq(items)) {
      for (const item of items.items) {
        if (isMap(item) && item.range && item.range[0] <= local && local <= item.range[2]) return { map: item, base: chunkStart, chunk, chunkStart, chunkEnd };
      }
    }
    return { map: root, base: chunkStart, chunk, chunkStart, chunkEnd };
  }
  return undefined;
}

/** Every object of a text (each document's root map), re-parsed. */
export function objectsOf(text: string): ObjectText[] {
  const out: ObjectText[] = [];
  for (const start of chunkStarts(text)) {
    const object = objectAt(text, start);
    if (object && object.chunkStart === start) out.push(object);
  }
  return out;
}

export function nodeAt(root: YamlNode, path: readonly PathSegment[]): YamlNode | undefined {
  let node: YamlNode | undefined = root;
  for (const segment of path) {
    node = childNode(node, segment)?.value;
    if (!node) return undefined;
  }
  return node;
}

export function keyNodeAt(root: YamlNode, path: readonly PathSegment[]): YamlNode | undefined {
  if (path.length === 0) return undefined;
  const parent = nodeAt(root, path.slice(0, -1));
  const last = path[path.length - 1];
  return last === undefined ? undefined : childNode(parent, last)?.key;
}

/** The path (map keys and sequence indexes) of the deepest node whose range holds `offset`. */
export function pathAt(root: YamlNode, offset: number): PathSegment[] {
  const path: PathSegment[] = [];
  let node: unknown = root;
  for (;;) {
    let next: unknown;
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = pair.key as YamlNode | null;
        const value = pair.value as YamlNode | null;
        const keyValue = isScalar(key) ? key.value : undefined;
        const segment = typeof keyValue === 'string' || typeof keyValue === 'number' ? keyValue : String(keyValue);
        const keyRange = key?.range;
        const valueRange = value?.range;
        if (keyRange && keyRange[0] <= offset && offset <= keyRange[1]) {
          path.push(segment);
          return path;
        }
        if (valueRange && valueRange[0] <= offset && offset < Math.max(valueRange[1], valueRange[0] + 1)) {
          path.push(segment);
          next = value;
          break;
        }
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        const range = (item as YamlNode | null)?.range;
        if (next === undefined && range && range[0] <= offset && offset < Math.max(range[1], range[0] + 1)) {
          path.push(i);
          next = item;
        }
      });
    }
    if (next === undefined) return path;
    node = next;
  }
}

/** Parses `spec.ingress[0].ports[1].endPort` into path segments. */
export function parseFieldPath(fieldPath: string): PathSegment[] {
  const out: PathSegment[] = [];
  for (const part of fieldPath.split('.')) {
    const match = /^([^[]*)((?:\[\d+\])*)$/.exec(part);
    if (!match) return [];
    if (match[1]) out.push(match[1]);
    for (const index of (match[2] ?? '').matchAll(/\[(\d+)\]/g)) out.push(Number(index[1]));
  }
  return out;
}

/** How the file indents block sequences under their key: `key:\n  - a` ('  ') or `key:\n- a` (''). */
export function sequenceIndent(text: string): string {
  const match = /^( *)[^\s#:-][^:\n]*:[ \t]*\r?\n( *)- /m.exec(text);
  if (match && (match[2] ?? '').length === (match[1] ?? '').length) return '';
  return '  ';
}

const YAML11_KEYWORDS = /^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|~)$/;

/** A string as a YAML scalar that reads back as the same string (YAML 1.1, as kubectl reads it). */
export function yamlString(value: string): string {
  if (value === '' || YAML11_KEYWORDS.test(value) || !/^[A-Za-z_/][\w./-]*$/.test(value) || /^[\d.+-]/.test(value)) return JSON.stringify(value);
  return value;
}

/**
 * An edit that adds `key: value` to a map, keeping the map's style: a flow map gets `, key: value`
 * before its `}`; a block map gets a new line at its keys' indentation, after the last of `after`
 * that the map has (else after its last pair). `value` is `{ inline }` for a one-line value, or
 * `{ block }` lines (relative indentation) for a nested block.
 */
export function addPairEdit(
  object: ObjectText,
  map: YAMLMap<unknown, unknown>,
  key: string,
  value: { inline: string; flow?: string; json?: string } | { block: readonly string[]; flow: string; json: string },
  after: readonly string[] = [],
  eol = eolOf(object.chunk),
): TextEdit | undefined {
  const text = object.chunk;
  const range = map.range;
  if (!range) return undefined;
  const flowValue = 'inline' in value ? (value.flow ?? value.inline) : value.flow;
  if (map.flow) {
    // JSON manifests stay JSON: quoted keys and JSON values
    const json = isJsonText(text) || map.items.some((p) => isPair(p) && isScalar(p.key) && p.key.type === 'QUOTE_DOUBLE');
    const entry = json ? `"${key}": ${value.json ?? JSON.stringify('inline' in value ? value.inline : flowValue)}` : `${key}: ${flowValue}`;
    const close = text.lastIndexOf('}', range[1]);
    if (close < range[0]) return undefined;
    let before = close;
    while (before > range[0] && /\s/.test(text[before - 1] ?? '')) before--;
    const empty = map.items.length === 0;
    const lastKey = [...map.items].reverse().find(isPair)?.key as YamlNode | undefined;
    // a flow map written over several lines gets the new pair on a line of its own
    if (!empty && lastKey?.range && text.slice(range[0], close).includes('\n') && lineStartOf(text, lastKey.range[0]) > range[0]) {
      return insertAt(object.base + before, `,${eol}${lineIndent(text, lastKey.range[0])}${entry}`);
    }
    return insertAt(object.base + before, `${empty ? '' : ', '}${entry}`);
  }
  const pairs = map.items.filter(isPair);
  if (pairs.length === 0) return undefined;
  let anchor = pairs[pairs.length - 1];
  for (const name of after) {
    const found = pairs.find((p) => isScalar(p.key) && p.key.value === name);
    if (found) anchor = found;
  }
  const firstKey = pairs[0]?.key as YamlNode | undefined;
  if (!anchor || !firstKey?.range) return undefined;
  const indent = ' '.repeat(columnOf(text, firstKey.range[0]));
  const anchorValue = anchor.value as YamlNode | null;
  const anchorKey = anchor.key as YamlNode | null;
  const end = anchorValue?.range?.[1] ?? anchorKey?.range?.[1] ?? range[1];
  // after the line the anchor's value ends on (a value ending at a line start already did)
  const at = text[end - 1] === '\n' ? end : nextLineStart(text, end);
  const needsBreak = at === text.length && !text.endsWith('\n');
  const body =
    'inline' in value ? `${indent}${key}: ${value.inline}${eol}` : `${indent}${key}:${eol}${value.block.map((line) => `${indent}${line}${eol}`).join('')}`;
  return insertAt(object.base + at, `${needsBreak ? eol : ''}${body}`);
}
