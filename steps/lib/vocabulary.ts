/**
 * What `nettwin steps` shows for each sentence of the vocabulary: its topic and one
 * example, written as a feature would write it. The sentences themselves are the step
 * definitions (steps/*.ts): this list only adds what a definition cannot say.
 *
 * Adding a step? Add its example here under its topic. src/cli/steps.test.ts loads the
 * step definitions as `nettwin run` does and fails when a definition has no example, when
 * an example matches no definition or several, and when an example leaves out the doc
 * string or table its definition expects (or gives one it does not).
 *
 * Pure data: no cucumber import, so `nettwin steps` and the test read it without
 * registering anything.
 */

/** Topics in the order `nettwin steps` prints them. */
export const TOPICS = [
  'hosts',
  'networks',
  'containers',
  'traffic',
  'counters and rules',
  'host commands',
  'versions',
  'snapshots and dumps',
] as const;

export type Topic = (typeof TOPICS)[number];

export interface StepExample {
  /** The step text without its keyword, exactly as a feature writes it. */
  example: string;
  /** The doc string (with its `"""` lines) or table the step takes, as written under it. */
  argument?: string;
}

const table = (...rows: string[]) => rows.join('\n');
const docString = (...lines: string[]) => ['"""', ...lines, '"""'].join('\n');

export const EXAMPLES: Readonly<Record<Topic, readonly StepExample[]>> = {
  hosts: [
    { example: 'a Docker host running Docker 26.1 with daemon options "--userland-proxy=false"' },
    { example: 'a Docker host with firewalld running Docker 28.5' },
    { example: 'a Docker host with IPv6 and daemon options "--experimental --ip6tables"' },
    { example: 'a Docker host with ufw running Docker 26.1' },
    { example: 'the external client routes 172.17.0.0/16 via the Docker host' },
    {
      example: 'a Linux router with interfaces:',
      argument: table(
        '| name    | kind  | address        | neighbour   |',
        '| veth-r0 | ether | 192.168.0.1/24 | 192.168.0.2 |',
        '| veth-r1 | ether | 192.168.1.1/24 | 192.168.1.2 |',
      ),
    },
    { example: 'its default route goes via 192.168.1.2 on "veth-r1"' },
    { example: 'the Docker daemon restarts' },
  ],
  networks: [
    { example: 'a bridge network "n1" with subnet 172.30.0.0/16 and gateway 172.30.0.1' },
    { example: 'a bridge network "n6" with IPv6 subnet fd00:1::/64' },
    { example: 'I try to create a bridge network "n2" with subnet 172.30.0.0/16' },
    { example: 'I remove network "n1"' },
    { example: 'I try to remove network "n1"' },
    { example: 'network "n1" has subnet 172.18.0.0/16' },
    { example: 'a one-node swarm' },
    { example: 'I create a service "web" publishing 8080:80' },
  ],
  containers: [
    { example: 'the services of compose file "compose/shop/compose.yaml"' },
    { example: 'the services of compose file "shop/compose.yaml" with project name "shop"' },
    { example: 'container "web" on network "n1" publishing 8080:80 serving "hello" over http' },
    { example: 'I try to run container "a" on network "missing"' },
    { example: 'docker refuses with "network with name n1 already exists"' },
    { example: 'I remove container "web"' },
    { example: 'I restart container "web"' },
    { example: 'I start container "web"' },
    { example: 'I stop container "db"' },
    { example: 'I connect container "web" to network "back"' },
    { example: 'I disconnect container "web" from network "back"' },
    { example: 'container "web" has address 172.18.0.2' },
    { example: 'container "web" has address fd00:1::2' },
    { example: 'I kill docker-proxy for port 8080' },
    { example: 'docker-proxy listens on 0.0.0.0:8080' },
    { example: 'no docker-proxy listens on port 8080' },
  ],
  traffic: [
    { example: '"client" pings "web" 3 times' },
    { example: '"client" pings "web" over IPv6 3 times' },
    { example: 'the host pings fd00:1::2' },
    { example: '"web" pings the external client 2 times' },
    { example: 'an external client requests http://<host ip>:8080/' },
    { example: '"client" sends "hi" to "web" on tcp port 9000' },
    { example: '"web" sends "ping" to "dns" on udp port 53' },
    { example: 'the external client sends "hello" to 192.168.70.6:5353/udp' },
    { example: 'the datagram arrives' },
    { example: 'the ping succeeds' },
    { example: 'the ping fails' },
    { example: 'the name "web" cannot be resolved' },
    { example: 'the request succeeds with body "hello"' },
    { example: 'the request times out' },
    { example: '"web" sees the request come from 192.168.70.9' },
    { example: '172.19.0.2 sends a ping to 172.18.0.2 on that host 3 times' },
    {
      example: 'the reachability is:',
      argument: table(
        '| from → to           | web     | web:80  | <host ip>:8080 | the external client |',
        '| client              | ✓       | ✓       | ✓              | ✓                   |',
        '| the external client | timeout | timeout | ✓              | -                   |',
      ),
    },
    {
      example: 'upgrading to Docker 29.7 changes the reachability:',
      argument: table(
        '| from | to             | before  | after |',
        '| api  | <host ip>:8080 | refused | ✓     |',
      ),
    },
    { example: 'upgrading to Docker 29.7 does not change the reachability' },
  ],
  'counters and rules': [
    { example: 'the counters match the model' },
    { example: 'rule "-A DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP" counted 3 packets and 252 bytes' },
    { example: 'rule "-A DOCKER -i docker0 -j RETURN" in table nat counted nothing' },
    { example: "the filter table's FORWARD policy counted 3 packets and 252 bytes" },
    {
      example: 'rule "-A PREROUTING -d fd00:1::2/128 ! -i br-n6 -j DROP" in table ip6 raw counted 3 packets',
    },
    { example: "the ip6 raw table's PREROUTING policy counted 3 packets and 312 bytes" },
    {
      example: 'these rules counted packets:',
      argument: table(
        '| table  | rule                                          | packets | bytes |',
        '| filter | -A FORWARD -j DOCKER-USER                     | 3       | 252   |',
        '| filter | -A DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP | 3       | 252   |',
        '|        | inet guard forward: ct state new accept        | 3       | 252   |',
        '| ip6 raw | -A PREROUTING -d fd00:1::2/128 ! -i br-n6 -j DROP | 3 | 312 |',
      ),
    },
    { example: 'nft rule "inet guard forward: ip saddr 172.17.0.2 drop" counted 3 packets and 252 bytes' },
    {
      example: 'the nftables ruleset contains:',
      argument: docString(
        'table inet guard',
        '  chain forward',
        '    type filter hook forward priority -10; policy accept;',
        '    ip saddr 172.17.0.2 counter drop',
      ),
    },
    {
      example: 'the nat table contains:',
      argument: docString('-A POSTROUTING -s 172.18.0.0/16 ! -o br-+ -j MASQUERADE'),
    },
    { example: 'the filter table does not contain "-A FORWARD -j DROP"' },
    {
      example:
        'the filter table contains "-A DOCKER-ISOLATION-STAGE-2 -o <bridge of "back"> -j DROP" exactly once',
    },
    { example: "the filter table's FORWARD policy is DROP" },
    { example: 'the ruleset matches the model' },
  ],
  'host commands': [
    { example: 'I run on the host: iptables -I DOCKER-USER -s 172.17.0.0/16 -j DROP' },
    { example: 'I run on the host: ip6tables -I DOCKER-USER -s fd00:1::/64 -j DROP' },
    {
      example: 'I run on the host:',
      argument: docString(
        'iptables -D DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP',
        'sysctl -w net.ipv4.ip_forward=1',
      ),
    },
    { example: 'I try to run on the host: iptables -D FORWARD -j NO-SUCH-CHAIN' },
    { example: 'the host command fails with "No chain/target/match by that name"' },
    { example: 'I set net.ipv4.ip_forward to 0' },
  ],
  versions: [
    {
      example: 'by Docker version, the last request or ping:',
      argument: table(
        '| docker     | outcome   | body       |',
        '| 20.10,26.1 | succeeds  | local only |',
        '| 28         | times out |            |',
      ),
    },
    {
      example: 'by Docker version, these rules counted packets:',
      argument: table(
        '| docker     | table  | rule                                                | packets |',
        '| 20.10,26.1 | filter | -A FORWARD -j DOCKER-USER                           | 3       |',
        '| 28         | raw    | -A PREROUTING -d 172.17.0.2/32 ! -i docker0 -j DROP | 3       |',
      ),
    },
    {
      example: 'by Docker version, the nftables ruleset contains:',
      argument: table(
        '| docker | rule                                                                                        |',
        '| 26.1   | inet firewalld filter_FORWARD_POLICIES: iifname "web_net" jump filter_FWD_docker             |',
        '| 28.5   | inet firewalld filter_FORWARD_dispatch: iifname "web_net" jump filter_FWD_docker_dispatch_stage2 |',
      ),
    },
    {
      example: 'network "n3" has, by Docker version:',
      argument: table(
        '| docker | subnet        |',
        '| 20.10  | 172.20.0.0/16 |',
        '| 28.5   | 172.18.0.0/16 |',
      ),
    },
  ],
  'snapshots and dumps': [
    {
      example: 'a host restored from the iptables-save in "dumps/prod.iptables-save" with interfaces:',
      argument: table(
        '| name    | kind   | address         |',
        '| eth0    | ether  | 192.168.70.6/24 |',
        '| docker0 | bridge | 172.17.0.1/16   |',
      ),
    },
    { example: 'a host like the one in snapshot "snapshots/prod.json"' },
  ],
};

/** Every example with its topic, topics in order. */
export function vocabularyExamples(): { topic: Topic; example: StepExample }[] {
  return TOPICS.flatMap((topic) => EXAMPLES[topic].map((example) => ({ topic, example })));
}
