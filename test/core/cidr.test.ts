import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ipNetContains, maskSize, parseCIDRSloppy } from '../../server/src/core/validate/cidr';

/**
 * Tables produced by k8s.io/utils/net.ParseCIDRSloppy and net.IPNet.Contains (the functions
 * ValidateIPBlock calls in kube-apiserver v1.34.2), run on the same inputs. `ip` is the network
 * address as Go holds it (4 bytes for IPv4, 16 for IPv6 including IPv4-mapped), `ones`/`bits` what
 * Mask.Size() returns; the comment is Go's IPNet.String().
 */

interface Net {
  readonly ip: string;
  readonly ones: number;
  readonly bits: number;
}

const PARSE: readonly (readonly [string, Net | undefined])[] = [
  ["10.0.0.0/8", { ip: '0a000000', ones: 8, bits: 32 }], // 10.0.0.0/8
  ["10.1.2.3/8", { ip: '0a000000', ones: 8, bits: 32 }], // 10.0.0.0/8
  ["010.000.000.001/24", { ip: '0a000000', ones: 24, bits: 32 }], // 10.0.0.0/24
  ["10.0.0.0/08", { ip: '0a000000', ones: 8, bits: 32 }], // 10.0.0.0/8
  ["10.0.0.0/008", { ip: '0a000000', ones: 8, bits: 32 }], // 10.0.0.0/8
  ["0.0.0.0/0", { ip: '00000000', ones: 0, bits: 32 }], // 0.0.0.0/0
  ["255.255.255.255/32", { ip: 'ffffffff', ones: 32, bits: 32 }], // 255.255.255.255/32
  ["1.2.3.4/32", { ip: '01020304', ones: 32, bits: 32 }], // 1.2.3.4/32
  ["1.2.3.4/33", undefined],
  ["1.2.3.256/24", undefined],
  ["1.2.3/24", undefined],
  ["1.2.3.4.5/24", undefined],
  ["1.2.3.4", undefined],
  ["1.2.3.4/", undefined],
  ["/24", undefined],
  ["1.2.3.4/-1", undefined],
  ["1.2.3.4/+8", undefined],
  ["1.2.3.4/8 ", undefined],
  [" 1.2.3.4/8", undefined],
  ["1.2.3.4/0x8", undefined],
  ["0x1.2.3.4/8", undefined],
  ["1.2.3.0004/32", { ip: '01020304', ones: 32, bits: 32 }], // 1.2.3.4/32
  ["1.2.3.00000004/32", { ip: '01020304', ones: 32, bits: 32 }], // 1.2.3.4/32
  ["::/0", { ip: '00000000000000000000000000000000', ones: 0, bits: 128 }], // ::/0
  ["::/128", { ip: '00000000000000000000000000000000', ones: 128, bits: 128 }], // ::/128
  ["::1/128", { ip: '00000000000000000000000000000001', ones: 128, bits: 128 }], // ::1/128
  ["2001:db8::/32", { ip: '20010db8000000000000000000000000', ones: 32, bits: 128 }], // 2001:db8::/32
  ["2001:DB8::1/32", { ip: '20010db8000000000000000000000000', ones: 32, bits: 128 }], // 2001:db8::/32
  ["2001:db8::/129", undefined],
  ["2001:db8::/64/64", undefined],
  ["1:2:3:4:5:6:7:8/64", { ip: '00010002000300040000000000000000', ones: 64, bits: 128 }], // 1:2:3:4::/64
  ["1:2:3:4:5:6:7::/64", { ip: '00010002000300040000000000000000', ones: 64, bits: 128 }], // 1:2:3:4::/64
  ["::1:2:3:4:5:6:7/64", { ip: '00000001000200030000000000000000', ones: 64, bits: 128 }], // 0:1:2:3::/64
  ["1:2:3:4:5:6:7:8:9/64", undefined],
  ["1::2::3/64", undefined],
  ["12345::/16", undefined],
  ["::ffff:1.2.3.4/120", { ip: '00000000000000000000ffff01020300', ones: 120, bits: 128 }], // 1.2.3.0/24
  ["::ffff:1.2.3.4/96", { ip: '00000000000000000000ffff00000000', ones: 96, bits: 128 }], // 0.0.0.0/0
  ["::ffff:1.2.3.4/32", { ip: '00000000000000000000000000000000', ones: 32, bits: 128 }], // ::/32
  ["::1.2.3.4/96", { ip: '00000000000000000000000000000000', ones: 96, bits: 128 }], // ::/96
  ["1:2:3:4:5:6:1.2.3.4/96", { ip: '00010002000300040005000600000000', ones: 96, bits: 128 }], // 1:2:3:4:5:6::/96
  ["ffff::ffff:1.2.3.4/64", { ip: 'ffff0000000000000000000000000000', ones: 64, bits: 128 }], // ffff::/64
  ["1:2:3:4:5:6:7:1.2.3.4/64", undefined],
  ["fe80::1%eth0/64", undefined],
  ["[::1]/128", undefined],
  [":::/0", undefined],
  [":/0", undefined],
  ["1:/64", undefined],
  [":1::/64", undefined],
  ["::ffff:010.1.2.3/104", { ip: '00000000000000000000ffff0a000000', ones: 104, bits: 128 }], // 10.0.0.0/8
  ["2001:db8::/032", { ip: '20010db8000000000000000000000000', ones: 32, bits: 128 }], // 2001:db8::/32
  ["1.2.3.4/32/", undefined],
  ["10.0.0.0/16abc", undefined],
  ["abc", undefined],
  ["0/0", undefined],  // more invalid forms
  ['', undefined],
  ['/', undefined],
  ['10.0.0.0/8\n', undefined],
  ['１.2.3.4/8', undefined],
  ['10.0.0.0/99999999999', undefined],
];

// [except, cidr, cidr.Contains(except.IP), strict subset as ValidateIPBlock decides it]
const CONTAINS: readonly (readonly [string, string, boolean, boolean])[] = [
  ["10.0.1.0/24", "10.0.0.0/16", true, true],
  ["10.0.0.0/16", "10.0.0.0/16", true, false],
  ["10.0.0.0/8", "10.0.0.0/16", true, false],
  ["10.1.0.0/24", "10.0.0.0/16", false, false],
  ["::ffff:10.1.0.0/112", "10.0.0.0/8", true, true],
  ["10.1.0.0/16", "::ffff:10.0.0.0/104", true, false],
  ["10.1.0.0/16", "::ffff:10.0.0.0/100", true, false],
  ["2001:db8:1::/48", "2001:db8::/32", true, true],
  ["2001:db8::/64", "10.0.0.0/8", false, false],
  ["10.0.0.0/24", "::/0", false, false],
  ["::ffff:10.0.0.0/120", "::/0", false, false],
  ["10.0.0.0/24", "0.0.0.0/0", true, true],
  ["10.0.0.5/32", "10.0.0.1/24", true, true],];

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

describe('parseCIDRSloppy (k8s.io/utils/net ParseCIDRSloppy)', () => {
  for (const [input, expected] of PARSE) {
    it(`${JSON.stringify(input)} ${expected ? `-> ${expected.ip}/${expected.ones}` : 'is invalid'}`, () => {
      const net = parseCIDRSloppy(input);
      if (!expected) {
        assert.equal(net, undefined);
        return;
      }
      assert.ok(net, 'parses');
      assert.deepEqual({ ip: hex(net.ip), ones: maskSize(net), bits: net.mask.length * 8 }, expected);
    });
  }

  it('marks IPv4 written as a dotted quad, not IPv4-mapped IPv6', () => {
    assert.equal(parseCIDRSloppy('10.0.0.0/8')?.isIPv4, true);
    assert.equal(parseCIDRSloppy('::ffff:10.0.0.0/104')?.isIPv4, false);
    assert.equal(parseCIDRSloppy('2001:db8::/32')?.isIPv4, false);
  });
});

describe('ipNetContains and the strict-subset rule (net.IPNet.Contains, ValidateIPBlock)', () => {
  for (const [except, cidr, contains, strict] of CONTAINS) {
    it(`${except} in ${cidr}: contains=${contains} strict=${strict}`, () => {
      const outer = parseCIDRSloppy(cidr);
      const inner = parseCIDRSloppy(except);
      assert.ok(outer && inner);
      const inside = ipNetContains(outer, inner.ip);
      assert.equal(inside, contains);
      assert.equal(inside && maskSize(outer) < maskSize(inner), strict);
    });
  }
});
