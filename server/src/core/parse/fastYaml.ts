import { Document, Pair, Scalar, YAMLMap, YAMLSeq, isScalar } from 'yaml';
import type { Schema } from 'yaml';
import type { DocumentOptions, ParseOptions, SchemaOptions, ScalarTag } from 'yaml';

/**
 * A fast path for the YAML that Kubernetes manifests are made of: block maps and sequences, plain
 * and single-line quoted scalars, comments, `{}`/`[]` and one-line flow sequences of scalars.
 *
 * The `yaml` package's Lexer + Parser + Composer spend about 0.45 ms per 10 lines of manifest
 * (measured on the benchmark's 10,000-line file: 190 ms, 75% of a cold validation). This reader
 * builds the same nodes (`YAMLMap`, `YAMLSeq`, `Pair`, `Scalar` with the same ranges where our
 * code reads them, see `focus` and `rangeForPath` in manifest.ts) and the same plain value as
 * `doc.toJS()`, in one pass over the lines, several times faster.
 *
 * It gives up (returns `undefined`) on anything outside that subset or anything it is not sure is
 * valid: anchors, aliases, tags, block scalars, multi-line scalars, flow maps with content,
 * complex keys, duplicate keys, non-string keys, tabs, directives, odd indentation. The caller
 * then parses the document with `yaml`, which reports the errors. Plain scalars are resolved with
 * the schema's own tags (so kubectl's YAML 1.1 resolution holds here as everywhere), in the order
 * the `yaml` composer tries them (compose-scalar.ts, findScalarTagByTest).
 *
 * test/core/fastYaml.test.ts compares it with `yaml` on every fixture and on mutated inputs.
 */

export type FastParseResult =
  /** the chunk holds no document content (blank, comments, a lone `---`) */
  | { readonly kind: 'empty' }
  | { readonly kind: 'map'; readonly root: YAMLMap<unknown, unknown>; readonly value: Record<string, unknown> };

/**
 * `nodes: false` reads only the value (the root is then a stub): twice as fast, and what the
 * analyzer does first; it parses again with nodes when a finding needs a position.
 */
export type FastParse = (text: string, nodes?: boolean) => FastParseResult | undefined;

type Options = DocumentOptions & SchemaOptions & ParseOptions;

/** thrown (never escapes) when the input leaves the subset; one instance, made once */
class GiveUp extends Error {}
const GIVE_UP = new GiveUp('outside the fast subset');

const MAX_DEPTH = 64;
const RESOLVE_CACHE_LIMIT = 20_000;

const SPACE = 32;
const CR = 13;
const HASH = 35;
const COLON = 58;
const DASH = 45;
const DQUOTE = 34;
const SQUOTE = 39;

/** characters outside the subset anywhere: tabs, control characters, BOM, a lone CR */
// eslint-disable-next-line no-control-regex
const UNSUPPORTED_TEXT = /[\x00-\x09\x0b\x0c\x0e-\x1f\x7f\ufeff]|\r(?!\n)/;
/** first characters of a plain scalar that YAML reads as an indicator (`-?:` only before a space) */
const INDICATOR = /[,[\]{}#&*!|>'"%@`]/;
const MAYBE_INDICATOR = /[-?:]/;

interface Resolved {
  readonly value: unknown;
  readonly format: string | undefined;
}

/**
 * Node constructors that make real `yaml` nodes (instances of its classes, recognised by isMap,
 * isScalar... and with all their methods) without running yaml's constructors: those define the
 * node type and the schema on every instance with Object.defineProperty, which is most of the cost
 * of building a tree (1.8 s of 16 s in a 50,000-resource CLI run). Here the type marker (yaml's
 * `Symbol.for('yaml.node.type')`, see yaml/dist/nodes/identity.js) and the schema live on a
 * prototype between the instance and yaml's class. test/core/fastYaml.test.ts checks the nodes
 * with yaml's own predicates, so a yaml release that changes this fails there.
 */
interface NodeFactory {
  map(): YAMLMap<unknown, unknown>;
  seq(): YAMLSeq<unknown>;
  pair(key: unknown, value: unknown): Pair<unknown, unknown>;
  scalar(value: unknown, start: number, end: number, nodeEnd: number, source: string, type: Scalar.Type, format: string | undefined): Scalar;
}

const NODE_TYPE = Symbol.for('yaml.node.type');

function nodeFactory(schema: Schema): NodeFactory {
  const proto = (base: object, type: string, withSchema: boolean): object => {
    const props: PropertyDescriptorMap = { [NODE_TYPE]: { value: Symbol.for(type) } };
    if (withSchema) props['schema'] = { value: schema, writable: true, configurable: true };
    return Object.create(base, props) as object;
  };
  class FastMap {
    items: unknown[] = [];
    range: [number, number, number] | undefined = undefined;
    flow: boolean | undefined = undefined;
  }
  class FastSeq {
    items: unknown[] = [];
    range: [number, number, number] | undefined = undefined;
    flow: boolean | undefined = undefined;
  }
  class FastPair {
    constructor(
      readonly key: unknown,
      readonly value: unknown,
    ) {}
  }
  class FastScalar {
    constructor(
      readonly value: unknown,
      readonly range: [number, number, number],
      readonly source: string,
      readonly type: Scalar.Type,
      readonly format: string | undefined,
    ) {}
  }
  Object.setPrototypeOf(FastMap.prototype, proto(YAMLMap.prototype, 'yaml.map', true));
  Object.setPrototypeOf(FastSeq.prototype, proto(YAMLSeq.prototype, 'yaml.seq', true));
  Object.setPrototypeOf(FastPair.prototype, proto(Pair.prototype, 'yaml.pair', false));
  Object.setPrototypeOf(FastScalar.prototype, proto(Scalar.prototype, 'yaml.scalar', false));
  return {
    map: () => new FastMap() as unknown as YAMLMap<unknown, unknown>,
    seq: () => new FastSeq() as unknown as YAMLSeq<unknown>,
    pair: (key, value) => new FastPair(key, value) as unknown as Pair<unknown, unknown>,
    scalar: (value, start, end, nodeEnd, source, type, format) => new FastScalar(value, [start, end, nodeEnd], source, type, format) as unknown as Scalar,
  };
}

/**
 * The factory of the value-only mode: the analysis needs a document's nodes only to place a
 * finding, so the analyzer reads the value first and builds the nodes when asked. Every node is
 * one shared stub whose fields are overwritten and never read.
 */
function valueOnlyFactory(): NodeFactory {
  const items = { push: () => 0 } as unknown as unknown[];
  const stub = { items, range: undefined, flow: undefined, key: undefined, value: undefined };
  return {
    map: () => stub as unknown as YAMLMap<unknown, unknown>,
    seq: () => stub as unknown as YAMLSeq<unknown>,
    pair: () => stub as unknown as Pair<unknown, unknown>,
    scalar: () => stub as unknown as Scalar,
  };
}

interface Built {
  readonly node: Scalar | YAMLMap<unknown, unknown> | YAMLSeq<unknown>;
  readonly value: unknown;
  /** the value's end offset (range[1]) */
  readonly end: number;
}

/** A parser for one set of YAML options (the analyzer's YAML_OPTIONS). */
export function createFastParse(options: Options): FastParse {
  const schemaDoc = new Document(null, options);
  const schema = schemaDoc.schema;
  const composeOptions = schemaDoc.options;
  const testTags = schema.tags.filter((tag): tag is ScalarTag => tag.default === true && 'test' in tag && tag.test instanceof RegExp);
  const stringTag = (schema as unknown as Record<symbol, ScalarTag | undefined>)[Symbol.for('yaml.scalar')];
  const cache = new Map<string, Resolved | null>();
  const nodes = nodeFactory(schema);
  const valueOnly = valueOnlyFactory();

  function resolvePlain(text: string): Resolved {
    let hit = cache.get(text);
    if (hit === undefined) {
      hit = resolveUncached(text);
      if (cache.size >= RESOLVE_CACHE_LIMIT) cache.clear();
      cache.set(text, hit);
    }
    if (hit === null) throw GIVE_UP;
    return hit;
  }

  function resolveUncached(text: string): Resolved | null {
    const tag = testTags.find((t) => t.test?.test(text)) ?? stringTag;
    if (!tag?.resolve) return null;
    let failed = false;
    let result: unknown;
    try {
      result = tag.resolve(text, () => (failed = true), composeOptions);
    } catch {
      return null;
    }
    if (failed) return null;
    if (isScalar(result)) return { value: result.value, format: result.format ?? tag.format };
    return { value: result, format: tag.format };
  }

  return (text: string, withNodes = true) => {
    if (UNSUPPORTED_TEXT.test(text)) return undefined;
    try {
      return new Reader(text, resolvePlain, withNodes ? nodes : valueOnly).document();
    } catch (error) {
      if (error === GIVE_UP) return undefined;
      // a stack overflow or a bug: the `yaml` path decides
      return undefined;
    }
  };
}

class Reader {
  /** per line: start offset, end of content (before CR/LF), first non-space offset (-1 blank or comment) */
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private readonly firsts: number[] = [];
  private readonly lineCount: number;
  /** the line after the last one the previous node used */
  private next = 0;
  private depth = 0;

  constructor(
    private readonly text: string,
    private readonly resolvePlain: (text: string) => Resolved,
    private readonly nodes: NodeFactory,
  ) {
    let start = 0;
    const length = text.length;
    while (start <= length) {
      let nl = text.indexOf('\n', start);
      if (nl < 0) nl = length;
      const end = nl > start && text.charCodeAt(nl - 1) === CR ? nl - 1 : nl;
      let first = start;
      while (first < end && text.charCodeAt(first) === SPACE) first++;
      this.starts.push(start);
      this.ends.push(end);
      this.firsts.push(first === end || text.charCodeAt(first) === HASH ? -1 : first);
      start = nl + 1;
    }
    this.lineCount = this.starts.length;
  }

  document(): FastParseResult {
    let line = this.nextContent(0);
    if (line < this.lineCount && this.isDocumentStart(line)) line = this.nextContent(line + 1);
    for (let i = line; i < this.lineCount; i++) {
      const first = this.firsts[i] ?? -1;
      // a second document marker, a document end or a directive: the `yaml` path handles them
      if (first >= 0 && first === this.starts[i] && /^(?:---|\.\.\.|%)/.test(this.text.slice(first, first + 3))) throw GIVE_UP;
    }
    if (line >= this.lineCount) return { kind: 'empty' };
    if (this.isDash(line)) throw GIVE_UP;
    const built = this.map(line, this.column(line));
    if (this.nextContent(this.next) < this.lineCount) throw GIVE_UP;
    return { kind: 'map', root: built.node as YAMLMap<unknown, unknown>, value: built.value as Record<string, unknown> };
  }

  // ---- lines ------------------------------------------------------------------------------

  private nextContent(line: number): number {
    let i = line;
    while (i < this.lineCount && (this.firsts[i] ?? -1) < 0) i++;
    return i;
  }

  private column(line: number): number {
    return (this.firsts[line] ?? 0) - (this.starts[line] ?? 0);
  }

  private contentEnd(line: number): number {
    return this.ends[line] ?? this.text.length;
  }

  /** offset just after the line's newline (the end of the text on the last line) */
  private afterLine(line: number): number {
    const next = this.starts[line + 1];
    return next ?? this.text.length;
  }

  private isDocumentStart(line: number): boolean {
    const start = this.starts[line] ?? 0;
    if (this.firsts[line] !== start || !this.text.startsWith('---', start)) return false;
    const end = this.contentEnd(line);
    let i = start + 3;
    if (i === end) return true;
    if (this.text.charCodeAt(i) !== SPACE) return false;
    while (i < end && this.text.charCodeAt(i) === SPACE) i++;
    if (i === end || this.text.charCodeAt(i) === HASH) return true;
    throw GIVE_UP; // content on the `---` line
  }

  /** `-` followed by a space or the end of the line, at the line's first non-space */
  private isDash(line: number): boolean {
    const first = this.firsts[line] ?? -1;
    return first >= 0 && this.isDashAt(first, this.contentEnd(line));
  }

  private isDashAt(offset: number, end: number): boolean {
    return this.text.charCodeAt(offset) === DASH && (offset + 1 === end || this.text.charCodeAt(offset + 1) === SPACE);
  }

  private skipSpaces(offset: number, end: number): number {
    let i = offset;
    while (i < end && this.text.charCodeAt(i) === SPACE) i++;
    return i;
  }

  // ---- collections -----------------------------------------------------------------------

  private enter(): void {
    if (++this.depth > MAX_DEPTH) throw GIVE_UP;
  }

  /** A block map whose first key starts at `column` of `line` (maybe after a `- `). */
  private map(firstLine: number, column: number): Built {
    this.enter();
    const node = this.nodes.map();
    const value: Record<string, unknown> = {};
    let line = firstLine;
    let start = -1;
    let end = 0;
    for (;;) {
      const keyStart = (this.starts[line] ?? 0) + column;
      if (start < 0) start = keyStart;
      const contentEnd = this.contentEnd(line);
      const key = this.key(keyStart, contentEnd);
      if (!key) throw GIVE_UP;
      const item = this.value(line, key.colon + 1, column, true);
      const pair = this.nodes.pair(key.node, item.node);
      node.items.push(pair);
      if (Object.prototype.hasOwnProperty.call(value, key.text)) throw GIVE_UP; // duplicate key
      if (key.text in value) Object.defineProperty(value, key.text, { value: item.value, writable: true, enumerable: true, configurable: true });
      else value[key.text] = item.value;
      end = this.afterLine(this.next - 1);
      const next = this.nextContent(this.next);
      if (next >= this.lineCount) break;
      const indent = this.column(next);
      if (indent < column) break;
      if (indent > column || this.isDash(next)) throw GIVE_UP;
      line = next;
    }
    node.range = [start, end, end];
    this.depth--;
    return { node, value, end };
  }

  /** A block sequence whose dashes are at `column`, the first on `firstLine`. */
  private seq(firstLine: number, column: number): Built {
    this.enter();
    const node = this.nodes.seq();
    const value: unknown[] = [];
    let line = firstLine;
    let end = 0;
    const start = (this.starts[firstLine] ?? 0) + column;
    for (;;) {
      const dash = (this.starts[line] ?? 0) + column;
      const contentEnd = this.contentEnd(line);
      const content = this.skipSpaces(dash + 1, contentEnd);
      let item: Built;
      if (content < contentEnd && this.text.charCodeAt(content) !== HASH) {
        if (this.isDashAt(content, contentEnd)) throw GIVE_UP; // `- - x`
        item = this.startsKey(content, contentEnd) ? this.map(line, content - (this.starts[line] ?? 0)) : this.value(line, dash + 1, column, false);
      } else {
        item = this.value(line, dash + 1, column, false);
      }
      node.items.push(item.node);
      value.push(item.value);
      end = this.afterLine(this.next - 1);
      const next = this.nextContent(this.next);
      if (next >= this.lineCount) break;
      const indent = this.column(next);
      if (indent < column) break;
      if (indent > column) throw GIVE_UP;
      if (!this.isDash(next)) break; // a key of the map this sequence is a value of
      line = next;
    }
    node.range = [start, end, end];
    this.depth--;
    return { node, value, end };
  }

  // ---- keys ------------------------------------------------------------------------------

  /** Whether a `key:` starts at `offset` (a plain or quoted key followed by `: ` or `:` at the end). */
  private startsKey(offset: number, end: number): boolean {
    const c = this.text.charCodeAt(offset);
    if (c === DQUOTE || c === SQUOTE) {
      const quoted = this.quoted(offset, end);
      return this.isColonAt(quoted.close, end);
    }
    return this.plainKeyColon(offset, end) >= 0;
  }

  private isColonAt(offset: number, end: number): boolean {
    return offset < end && this.text.charCodeAt(offset) === COLON && (offset + 1 === end || this.text.charCodeAt(offset + 1) === SPACE);
  }

  /** the offset of the colon ending a plain key at `offset`, or -1 */
  private plainKeyColon(offset: number, end: number): number {
    const text = this.text;
    if (!this.plainStart(offset, end)) return -1;
    for (let i = offset; i < end; i++) {
      const c = text.charCodeAt(i);
      if (c === COLON && (i + 1 === end || text.charCodeAt(i + 1) === SPACE)) return i;
      if (c === HASH && text.charCodeAt(i - 1) === SPACE) return -1;
    }
    return -1;
  }

  private key(offset: number, end: number): { node: Scalar; text: string; colon: number } | undefined {
    const c = this.text.charCodeAt(offset);
    if (c === DQUOTE || c === SQUOTE) {
      const quoted = this.quoted(offset, end);
      if (!this.isColonAt(quoted.close, end)) return undefined;
      const node = this.nodes.scalar(quoted.value, offset, quoted.close, quoted.close, quoted.value, c === DQUOTE ? 'QUOTE_DOUBLE' : 'QUOTE_SINGLE', undefined);
      if (quoted.value === '__proto__') throw GIVE_UP;
      return { node, text: quoted.value, colon: quoted.close };
    }
    const colon = this.plainKeyColon(offset, end);
    if (colon < 0) return undefined;
    if (this.text.charCodeAt(colon - 1) === SPACE) throw GIVE_UP; // `key :`
    const source = this.text.slice(offset, colon);
    if (source === '<<' || source === '__proto__') throw GIVE_UP; // merge keys
    const resolved = this.resolvePlain(source);
    if (typeof resolved.value !== 'string') throw GIVE_UP; // a non-string key
    return { node: this.plainNode(resolved, source, offset, colon, colon), text: resolved.value, colon };
  }

  // ---- values ----------------------------------------------------------------------------

  /**
   * The value after a map key's colon or a sequence item's dash at `offset` of `line`: inline on
   * the line, or a block collection on the lines below, or empty. `ownerColumn` is the key's or
   * the dash's column.
   */
  private value(line: number, offset: number, ownerColumn: number, ofKey: boolean): Built {
    const text = this.text;
    const end = this.contentEnd(line);
    const at = this.skipSpaces(offset, end);
    if (at === end || text.charCodeAt(at) === HASH) {
      if (at < end && at === offset) throw GIVE_UP; // `key:#` is no comment
      const next = this.nextContent(line + 1);
      if (next < this.lineCount) {
        const indent = this.column(next);
        if (indent > ownerColumn || (ofKey && indent === ownerColumn && this.isDash(next))) {
          return this.isDash(next) ? this.seq(next, indent) : this.map(next, indent);
        }
      }
      this.next = line + 1;
      // the `yaml` composer places an empty value where the line's content ends
      const position = at === end ? end : at;
      if (at < end) throw GIVE_UP; // an empty value followed by a comment: position rules differ
      const resolved = this.resolvePlain('');
      return { node: this.plainNode(resolved, '', position, position, position), value: resolved.value, end: position };
    }
    let built: Built;
    const c = text.charCodeAt(at);
    if (c === DQUOTE || c === SQUOTE) {
      const quoted = this.quoted(at, end);
      const node = this.nodes.scalar(quoted.value, at, quoted.close, this.afterLine(line), quoted.value, c === DQUOTE ? 'QUOTE_DOUBLE' : 'QUOTE_SINGLE', undefined);
      this.lineTail(quoted.close, end);
      built = { node, value: quoted.value, end: quoted.close };
    } else if (c === 123 /* { */) {
      if (text.charCodeAt(at + 1) !== 125 /* } */) throw GIVE_UP;
      const node = this.nodes.map();
      node.flow = true;
      node.range = [at, at + 2, this.afterLine(line)];
      this.lineTail(at + 2, end);
      built = { node, value: {}, end: at + 2 };
    } else if (c === 91 /* [ */) {
      built = this.flowSeq(at, end, line);
    } else {
      if (!this.plainStart(at, end)) throw GIVE_UP;
      let stop = end;
      for (let i = at + 1; i < end; i++) {
        const ch = text.charCodeAt(i);
        if (ch === HASH && text.charCodeAt(i - 1) === SPACE) {
          stop = i;
          break;
        }
        if (ch === COLON && (i + 1 === end || text.charCodeAt(i + 1) === SPACE)) throw GIVE_UP; // `a: b: c`
      }
      while (stop > at && text.charCodeAt(stop - 1) === SPACE) stop--;
      const source = text.slice(at, stop);
      const resolved = this.resolvePlain(source);
      built = { node: this.plainNode(resolved, source, at, stop, this.afterLine(line)), value: resolved.value, end: stop };
    }
    this.next = line + 1;
    // a more indented line below an inline value continues a multi-line scalar (or is an error)
    const next = this.nextContent(line + 1);
    if (next < this.lineCount && this.column(next) > ownerColumn) throw GIVE_UP;
    return built;
  }

  /** Whether a plain scalar may start at `offset`: no indicator, or `-`/`?`/`:` before a safe character (YAML 1.2 ns-plain-first). */
  private plainStart(offset: number, end: number): boolean {
    const c = this.text.charAt(offset);
    if (INDICATOR.test(c)) return false;
    if (!MAYBE_INDICATOR.test(c)) return true;
    const next = this.text.charAt(offset + 1);
    return offset + 1 < end && next !== ' ' && !INDICATOR.test(next);
  }

  private plainNode(resolved: Resolved, source: string, start: number, end: number, nodeEnd: number): Scalar {
    return this.nodes.scalar(resolved.value, start, end, nodeEnd, source, 'PLAIN', resolved.format);
  }

  /** after an inline value: spaces, then the end of the line or a comment */
  private lineTail(offset: number, end: number): void {
    if (offset === end) return;
    if (this.text.charCodeAt(offset) !== SPACE) throw GIVE_UP;
    const at = this.skipSpaces(offset, end);
    if (at < end && this.text.charCodeAt(at) !== HASH) throw GIVE_UP;
  }

  /** `[a, "b", 3]` on one line, items plain or quoted scalars */
  private flowSeq(open: number, end: number, line: number): Built {
    const text = this.text;
    const node = this.nodes.seq();
    node.flow = true;
    const value: unknown[] = [];
    let i = open + 1;
    if (text.charCodeAt(i) !== 93 /* ] */) {
      for (;;) {
        i = this.skipSpaces(i, end);
        if (i >= end) throw GIVE_UP;
        const c = text.charCodeAt(i);
        let itemEnd: number;
        if (c === DQUOTE || c === SQUOTE) {
          const quoted = this.quoted(i, end);
          const item = this.nodes.scalar(quoted.value, i, quoted.close, quoted.close, quoted.value, c === DQUOTE ? 'QUOTE_DOUBLE' : 'QUOTE_SINGLE', undefined);
          node.items.push(item);
          value.push(quoted.value);
          itemEnd = quoted.close;
        } else {
          if (!this.plainStart(i, end) || text.charCodeAt(i) === COLON) throw GIVE_UP;
          let stop = i;
          while (stop < end) {
            const ch = text.charCodeAt(stop);
            if (ch === 44 /* , */ || ch === 93 /* ] */) break;
            if (ch === 91 || ch === 123 || ch === 125 || ch === HASH || ch === COLON || ch === DQUOTE || ch === SQUOTE) throw GIVE_UP;
            stop++;
          }
          let trimmed = stop;
          while (trimmed > i && text.charCodeAt(trimmed - 1) === SPACE) trimmed--;
          if (trimmed === i) throw GIVE_UP;
          const source = text.slice(i, trimmed);
          const resolved = this.resolvePlain(source);
          node.items.push(this.plainNode(resolved, source, i, trimmed, trimmed));
          value.push(resolved.value);
          itemEnd = trimmed;
        }
        i = this.skipSpaces(itemEnd, end);
        const sep = text.charCodeAt(i);
        if (sep === 93 /* ] */) break;
        if (sep !== 44 /* , */) throw GIVE_UP;
        i++;
        if (text.charCodeAt(this.skipSpaces(i, end)) === 93) throw GIVE_UP; // trailing comma
      }
    }
    const close = i + 1;
    node.range = [open, close, this.afterLine(line)];
    this.lineTail(close, end);
    return { node, value, end: close };
  }

  /** a quoted scalar that closes on its line; `close` is the offset after the closing quote */
  private quoted(open: number, end: number): { value: string; close: number } {
    const text = this.text;
    const quote = text.charCodeAt(open);
    if (quote === SQUOTE) {
      let out = '';
      let from = open + 1;
      for (let i = from; i < end; i++) {
        if (text.charCodeAt(i) !== SQUOTE) continue;
        if (text.charCodeAt(i + 1) === SQUOTE && i + 1 < end) {
          out += text.slice(from, i + 1);
          from = i + 2;
          i++;
          continue;
        }
        return { value: out + text.slice(from, i), close: i + 1 };
      }
      throw GIVE_UP;
    }
    let out = '';
    let from = open + 1;
    for (let i = from; i < end; i++) {
      const c = text.charCodeAt(i);
      if (c === DQUOTE) return { value: out + text.slice(from, i), close: i + 1 };
      if (c !== 92 /* \ */) continue;
      out += text.slice(from, i);
      const e = text.charAt(i + 1);
      const simple = SIMPLE_ESCAPES[e];
      if (simple !== undefined) {
        out += simple;
        i++;
      } else if (e === 'u' || e === 'x') {
        const digits = e === 'u' ? 4 : 2;
        const hex = text.slice(i + 2, i + 2 + digits);
        if (hex.length !== digits || !/^[0-9a-fA-F]+$/.test(hex)) throw GIVE_UP;
        out += String.fromCharCode(parseInt(hex, 16));
        i += 1 + digits;
      } else {
        throw GIVE_UP;
      }
      from = i + 1;
    }
    throw GIVE_UP;
  }
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\',
  '"': '"',
  '/': '/',
  n: '\n',
  t: '\t',
  r: '\r',
  '0': '\0',
  b: '\b',
  f: '\f',
};
