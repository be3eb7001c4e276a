import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as names from '../../server/src/core/validate/k8sNames';

/**
 * Expected results printed by k8s.io/apimachinery v0.34.2 pkg/util/validation for the same inputs:
 * the messages are the API server's, word for word (the doubled space in "'MyName',  or" included).
 */

const DNS1123_LABEL =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1123_SUBDOMAIN =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const QUALIFIED_NAME_SLASHES =
  "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')";
const LABEL_VALUE =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const NAME_PART =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const PREFIX_PART = `prefix part ${DNS1123_SUBDOMAIN}`;

type Validator = 'isQualifiedName' | 'isValidLabelValue' | 'isDNS1123Label' | 'isDNS1123Subdomain' | 'isValidPortName';

const CASES: readonly (readonly [Validator, string, readonly string[]])[] = [
  ['isQualifiedName', "app", []],
  ['isQualifiedName', "App_1.x", []],
  ['isQualifiedName', "-a", [NAME_PART]],
  ['isQualifiedName', "a_", [NAME_PART]],
  ['isQualifiedName', "a/b", []],
  ['isQualifiedName', "/b", ["prefix part must be non-empty"]],
  ['isQualifiedName', "a/", ["name part must be non-empty", NAME_PART]],
  ['isQualifiedName', "a/b/c", [QUALIFIED_NAME_SLASHES]],
  ['isQualifiedName', "example.com/name", []],
  ['isQualifiedName', "Example.com/name", [PREFIX_PART]],
  ['isQualifiedName', "ex_ample.com/name", [PREFIX_PART]],
  ['isQualifiedName', 'a'.repeat(63), []],
  ['isQualifiedName', 'a'.repeat(64), ["name part must be no more than 63 characters"]],
  ['isQualifiedName', `x.io/${'a'.repeat(64)}`, ["name part must be no more than 63 characters"]],
  ['isQualifiedName', "", ["name part must be non-empty", NAME_PART]],
  ['isQualifiedName', "é", [NAME_PART]],
  ['isValidLabelValue', "", []],
  ['isValidLabelValue', "app", []],
  ['isValidLabelValue', "App_1.x", []],
  ['isValidLabelValue', "-a", [LABEL_VALUE]],
  ['isValidLabelValue', "a_", [LABEL_VALUE]],
  ['isValidLabelValue', "hello world", [LABEL_VALUE]],
  ['isValidLabelValue', 'a'.repeat(63), []],
  ['isValidLabelValue', 'a'.repeat(64), ["must be no more than 63 characters"]],
  ['isValidLabelValue', "é", [LABEL_VALUE]],
  ['isValidLabelValue', "a/b", [LABEL_VALUE]],
  ['isDNS1123Label', "a", []],
  ['isDNS1123Label', "team.a", ["must not contain dots"]],
  ['isDNS1123Label', "A", [DNS1123_LABEL]],
  ['isDNS1123Label', "-a", [DNS1123_LABEL]],
  ['isDNS1123Label', "a-", [DNS1123_LABEL]],
  ['isDNS1123Label', 'a'.repeat(63), []],
  ['isDNS1123Label', 'a'.repeat(64), ["must be no more than 63 characters"]],
  ['isDNS1123Label', "", [DNS1123_LABEL]],
  ['isDNS1123Subdomain', "a.b.c", []],
  ['isDNS1123Subdomain', "a..b", [DNS1123_SUBDOMAIN]],
  ['isDNS1123Subdomain', "A", [DNS1123_SUBDOMAIN]],
  ['isDNS1123Subdomain', "-a", [DNS1123_SUBDOMAIN]],
  ['isDNS1123Subdomain', "a-.b", [DNS1123_SUBDOMAIN]],
  ['isDNS1123Subdomain', 'a'.repeat(253), []],
  ['isDNS1123Subdomain', 'a'.repeat(254), ["must be no more than 253 characters"]],
  ['isDNS1123Subdomain', "", [DNS1123_SUBDOMAIN]],
  ['isValidPortName', "http", []],
  ['isValidPortName', "HTTP", ["must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)", "must contain at least one letter (a-z)"]],
  ['isValidPortName', "http--alt", ["must not contain consecutive hyphens"]],
  ['isValidPortName', "-http", ["must not begin or end with a hyphen"]],
  ['isValidPortName', "http-", ["must not begin or end with a hyphen"]],
  ['isValidPortName', "8080", ["must contain at least one letter (a-z)"]],
  ['isValidPortName', "1-2", ["must contain at least one letter (a-z)"]],
  ['isValidPortName', "metrics-endpoint", ["must be no more than 15 characters"]],
  ['isValidPortName', 'x'.repeat(15), []],
  ['isValidPortName', "", ["must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)", "must contain at least one letter (a-z)"]],
  ['isValidPortName', "a b", ["must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)"]],
  ['isValidPortName', "web-server-port", []],];

describe('k8sNames (apimachinery pkg/util/validation)', () => {
  for (const [validator, input, expected] of CASES) {
    const shown = input.length > 24 ? `${input.slice(0, 12)}…(${input.length})` : input;
    it(`${validator}(${JSON.stringify(shown)})`, () => {
      assert.deepEqual(names[validator](input), expected);
    });
  }

  it('isValidPortNum: 1 to 65535 inclusive', () => {
    const message = ['must be between 1 and 65535, inclusive'];
    assert.deepEqual(names.isValidPortNum(1), []);
    assert.deepEqual(names.isValidPortNum(65535), []);
    assert.deepEqual(names.isValidPortNum(0), message);
    assert.deepEqual(names.isValidPortNum(65536), message);
    assert.deepEqual(names.isValidPortNum(-80), message);
  });

  it('measures lengths in UTF-8 bytes, as Go len() does', () => {
    // 32 × 'é' is 32 characters but 64 bytes
    assert.deepEqual(names.isValidLabelValue('é'.repeat(32)).slice(0, 1), ['must be no more than 63 characters']);
    assert.equal(names.byteLength('é'), 2);
    assert.equal(names.byteLength('💳'), 4);
  });

  it('RegexError renders examples as Go does', () => {
    assert.equal(names.regexError('msg', 'fmt'), "msg (regex used for validation is 'fmt')");
    assert.equal(names.regexError('msg', 'fmt', 'a', 'b'), "msg (e.g. 'a',  or 'b', regex used for validation is 'fmt')");
  });
});
