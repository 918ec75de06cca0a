import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { hostileText } from './hostile-text.test-helper.ts';
import {
  isInterfaceName,
  isSysctlKey,
  isSysctlValue,
  KernelNameError,
  shown,
  sysctlSetting,
} from './kernel-names.ts';

/** Characters a shell gives a meaning to, and whitespace. */
const SHELL_META = /[;&|$`()<>*?[\]{}!#~"'\\\s]/;
/** A sysctl value is a list of integers: single spaces between them are its form (one argv word). */
const VALUE_META = /[;&|$`()<>*?[\]{}!#~"'\\\t\n\r\v\f]|\s\s|^\s|\s$/;

describe('kernel forms', () => {
  it('interface names: what ip link prints, and nothing a kernel refuses', () => {
    for (const ok of ['lo', 'eth0', 'docker0', 'br-1a2b3c4d5e6f', 'veth44c8d48', 'eth0.100', 'wg_0', 'a']) {
      assert.ok(isInterfaceName(ok), ok);
    }
    for (const bad of [
      '',
      '.',
      '..',
      'lo;id>&2',
      'a b',
      'a/b',
      'sixteen-letters!',
      'abcdefghijklmnop',
      'eth0\n',
    ]) {
      assert.ok(!isInterfaceName(bad), JSON.stringify(bad));
    }
  });

  it('sysctl keys: net. and dot-separated words', () => {
    for (const ok of [
      'net.ipv4.ip_forward',
      'net.bridge.bridge-nf-call-iptables',
      'net.ipv4.conf.br-718fdc2eeb7b.route_localnet',
    ]) {
      assert.ok(isSysctlKey(ok), ok);
    }
    for (const bad of ['kernel.panic', 'net.', 'net..x', 'net.x;id', 'net.x=1', 'net.x y', 'net.x/../y']) {
      assert.ok(!isSysctlKey(bad), bad);
    }
  });

  it('sysctl values: integers separated by single spaces', () => {
    for (const ok of ['0', '1', '-1', '32768 60999', '4096 87380 6291456']) assert.ok(isSysctlValue(ok), ok);
    for (const bad of ['', ' 1', '1 ', '1  2', '1;id', '0 $(id)', '1\n2', 'cubic', '1.5', '0x10']) {
      assert.ok(!isSysctlValue(bad), JSON.stringify(bad));
    }
  });

  it('sysctlSetting says which half is wrong, with the text quoted and cut', () => {
    assert.equal(sysctlSetting('net.ipv4.ip_forward', '0'), 'net.ipv4.ip_forward=0');
    assert.throws(
      () => sysctlSetting('kernel.x', '1'),
      (e: Error) => e instanceof KernelNameError && /key "kernel\.x"/.test(e.message),
    );
    assert.throws(() => sysctlSetting('net.x', '1;reboot'), /value "1;reboot" for net\.x is not an integer/);
    assert.match(shown('x'.repeat(500)), /^"x{80}…" \(500 characters\)$/);
    assert.equal(shown('a\nb'), '"a\\nb"');
  });

  it('property: no accepted name, key or value holds a shell metacharacter', () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        if (isInterfaceName(text)) assert.doesNotMatch(text, SHELL_META);
        if (isSysctlValue(text)) assert.doesNotMatch(text, VALUE_META);
        if (isSysctlKey(`net.${text}`)) assert.doesNotMatch(text, SHELL_META);
        try {
          const setting = sysctlSetting('net.ipv4.ip_forward', text);
          assert.doesNotMatch(setting, VALUE_META);
        } catch (error) {
          assert.ok(error instanceof KernelNameError);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('property: every numeric list is a value, with any sign', () => {
    fc.assert(
      fc.property(fc.array(fc.integer(), { minLength: 1, maxLength: 8 }), (numbers) => {
        assert.ok(isSysctlValue(numbers.join(' ')));
      }),
    );
  });
});
