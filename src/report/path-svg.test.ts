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
  assert.ok(svg.includes('→ Request, packet 1'));
  assert.ok(svg.includes('← Reply, packet 1'));
  assert.equal(svg.match(/>Delivered</g)?.length, 2);
});

test('a dropped flow is red, names the dropping rule, draws identical packets once and says no reply came', () => {
  const svg = renderPathSvg(isolationDropPath());
  assert.ok(svg.includes('-A DOCKER-ISOLATION-STAGE-2 -o test_web -j DROP'));
  assert.ok(svg.includes('>Dropped<'));
  assert.ok(svg.includes('#c62828'));
  assert.ok(svg.includes('→ Request ×3: packets 1, 2, 3'));
  assert.ok(svg.includes('No reply came back.'));
  assert.equal(splitLanes(isolationDropPath()).length, 1);
});

/** A flow's packets as the tracer writes them: each one's own "arrives on" line, the flow's outcome last. */
function tcpFlow(): PathStep[] {
  const step = (
    packet: number,
    direction: PathStep['direction'],
    flags: string,
    bytes: number,
  ): PathStep[] => {
    const [src, dst] = direction === 'request' ? ['10.0.0.2', '10.0.1.2'] : ['10.0.1.2', '10.0.0.2'];
    const state = packet === 1 ? 'NEW' : 'ESTABLISHED';
    return [
      {
        packet,
        direction,
        src,
        dst,
        kind: 'note',
        text: `arrives on br0: tcp ${src}:4000 > ${dst}:80 [${flags}] (${bytes} bytes)`,
      },
      { packet, direction, src, dst, kind: 'conntrack', text: `conntrack: ${state}` },
      {
        packet,
        direction,
        src,
        dst,
        kind: 'rule',
        table: 'filter',
        chain: 'FORWARD',
        rule: 1,
        text: '-A FORWARD -j ACCEPT',
      },
      {
        packet,
        direction,
        src,
        dst,
        kind: 'deliver',
        text: `leaves on br1: tcp ${src}:4000 > ${dst}:80 [${flags}] (${bytes} bytes)`,
      },
    ];
  };
  return [
    ...step(1, 'request', 'SYN', 60),
    ...step(2, 'reply', 'SYN,ACK', 60),
    ...step(3, 'request', 'ACK', 52),
    ...step(4, 'request', 'PSH,ACK', 133),
    ...step(5, 'reply', 'ACK', 52),
    ...step(6, 'reply', 'PSH,ACK', 102),
    ...step(7, 'request', 'FIN,ACK', 52),
    {
      packet: 7,
      direction: 'request',
      src: '10.0.0.2',
      dst: '10.0.1.2',
      kind: 'note',
      text: 'outcome: delivered, 1/1 answered',
    },
  ];
}

test('packets that took the same path are drawn once, headed ×N with what each packet was', () => {
  const lanes = splitLanes(tcpFlow());
  assert.deepEqual(
    lanes.map((l) => [l.direction, l.packets]),
    [
      ['request', [1]],
      ['reply', [2, 5, 6]],
      ['request', [3, 4, 7]],
    ],
  );
  const svg = renderPathSvg(tcpFlow());
  assertWellFormedXml(svg);
  assert.ok(svg.includes('← Reply ×3: packets 2, 5, 6'));
  assert.ok(svg.includes('[ACK] (52 bytes) · [PSH,ACK] (133 bytes) · [FIN,ACK] (52 bytes)'));
  assert.ok(svg.includes('Outcome: delivered, 1/1 answered'), 'the outcome goes under the title');
  // A merged lane names the connection's addresses, not one packet's flags.
  assert.ok(svg.includes('>leaves on br1: tcp 10.0.0.2:4000 &gt; 10.0.1.2:80<'));
  assert.equal(svg.match(/<g class="lane">/g)?.length, 3);
});

test('the picture stays about 940 px wide and grows by lanes, not by packets', () => {
  const few = renderPathSvg(tcpFlow());
  const many = renderPathSvg([
    ...tcpFlow(),
    ...[8, 9, 10, 11, 12, 13].flatMap((packet) =>
      tcpFlow()
        .filter((s) => s.packet === 3)
        .map((s) => ({ ...s, packet })),
    ),
  ]);
  const size = (svg: string) => /width="(\d+)" height="(\d+)"/.exec(svg)?.slice(1).map(Number) ?? [];
  assert.deepEqual(size(many), size(few));
  assert.ok((size(few)[0] ?? 0) <= 960);
  assert.ok(many.includes('→ Request ×9: packets 3, 4, 7, 8, 9, 10, 11, 12, 13'));
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
