@seed-002 @standalone-host
Feature: A Linux router between two namespaces, without Docker
  Seed 002 rebuilds by hand what Docker relies on: two network namespaces on different
  subnets (ns0 with 192.168.0.2/24, ns1 with 192.168.1.2/24) joined by veth pairs to a
  third namespace, ns-router, which holds the gateways 192.168.0.1 and 192.168.1.1 and
  has IP forwarding on. Once each side routes the other subnet via its gateway, they
  talk. Nothing in iptables is involved; switching net.ipv4.ip_forward off in the
  router is enough to cut them apart — the same switch seed 000 warns Docker needs.

  Here the router is the host under test: interfaces veth-r0 and veth-r1, with ns0 and
  ns1 as the neighbours behind them (routes in ns0 and ns1 via their gateway, as in the
  article's step 4). On real hosts this is built with `ip netns` inside a throwaway
  Docker-in-Docker host.

  Background:
    Given a Linux router with interfaces:
      | name    | kind  | address        | neighbour   |
      | veth-r0 | ether | 192.168.0.1/24 | 192.168.0.2 |
      | veth-r1 | ether | 192.168.1.1/24 | 192.168.1.2 |

  Scenario: With forwarding on, ns0 and ns1 reach each other through the router
    When 192.168.0.2 sends a ping to 192.168.1.2 on that host 2 times
    Then the ping succeeds
    And the counters match the model

  Scenario: With forwarding off, the router drops what it would have routed
    When I set net.ipv4.ip_forward to 0
    And 192.168.0.2 sends a ping to 192.168.1.2 on that host
    Then the ping fails
    When 192.168.0.2 sends a ping to 192.168.0.1 on that host
    Then the ping succeeds
    And the counters match the model
