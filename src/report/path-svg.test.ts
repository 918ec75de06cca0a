import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PathStep } from '../netfilter/host-types.ts';
import { renderPathSvg, splitLanes, splitStages } from './path-svg.ts';
import { isolationDropPath, publishedPortPath } from './sample-paths.test-helper.ts';
import { assertWellFormedXml } from './xml-check.test-helper.ts';

test('the picture is well-formed, self-contained SVG', () => {
  for (const path of [isolationDropPath(), publishedPortPath(), []]) {
    const svg = renderPathSvg(path);
    assertWellFormedXml(svg);
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.doesNotMatch(svg, /<script|href=|@import|url\(/);
  }
});

test('the deciding rule, the NAT rewrite and the end of each lane are shown', () => {
  const svg = renderPathSvg(publishedPortPath());
  assert.ok(
    svg.includes(
      '-A DOCKER ! -i test_net -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.18.0.66:80',
    ),
  );
  assert.ok(svg.includes('now from 192.168.70.10 to 172.18.0.66'));
  assert.ok(svg.includes('Just arrived (PREROUTING)'));
  assert.ok(svg.includes('Passing through this host (FORWARD)'));
  assert.ok(svg.includes('Packet 1 · request'));
  assert.ok(svg.includes('Packet 1 · reply'));
  assert.equal(svg.match(/>Delivered</g)?.length, 2);
});

test('a dropped flow is red, names the dropping rule, draws identical packets once and says no reply came', () => {
  const svg = renderPathSvg(isolationDropPath());
  assert.ok(svg.includes('-A DOCKER-ISOLATION-STAGE-2 -o test_web -j DROP'));
  assert.ok(svg.includes('>Dropped<'));
  assert.ok(svg.includes('#c62828'));
  assert.ok(svg.includes('(also packets 2, 3)'));
  assert.ok(svg.includes('No reply came back.'));
  assert.equal(splitLanes(isolationDropPath()).length, 1);
});

test('text is escaped: <, >, & and quotes cannot break the markup', () => {
  const step: PathStep = {
    packet: 1,
    direction: 'request',
    src: '10.0.0.1',
    dst: '10.0.0.2',
    kind: 'rule',
    table: 'filter',
    chain: 'INPUT',
    rule: 1,
    text: '-A INPUT -m comment --comment "a<b> & \'c\'" -j ACCEPT',
  };
  const svg = renderPathSvg([step], { title: 'x < y & "z"' });
  assertWellFormedXml(svg);
  assert.ok(svg.includes('--comment &quot;a&lt;b&gt; &amp; &#39;c&#39;&quot;'));
  assert.ok(svg.includes('<title>x &lt; y &amp; &quot;z&quot;</title>'));
});

test('stages follow the hooks crossed, with the routing decision and the end in their own boxes', () => {
  const stages = splitStages(publishedPortPath().filter((s) => s.direction === 'request'));
  assert.deepEqual(
    stages.map((s) => s.title),
    [
      'Just arrived (PREROUTING)',
      'Routing decision: where does it go next?',
      'Passing through this host (FORWARD)',
      'About to leave (POSTROUTING)',
      'Delivered',
    ],
  );
  assert.deepEqual(
    stages.map((s) => s.tone),
    ['neutral', 'route', 'neutral', 'neutral', 'accept'],
  );
});

test('the well-formedness check itself rejects broken markup', () => {
  assert.throws(() => assertWellFormedXml('<a>&</a>'), /bare "&"/);
  assert.throws(() => assertWellFormedXml('<a><b></a>'), /closes/);
  assert.throws(() => assertWellFormedXml('<a>1 < 2</a>'), /stray/);
  assert.throws(() => assertWellFormedXml('<a x=1></a>'), /stray/);
  assertWellFormedXml('<a x="1"><b/>&amp;</a>');
});
