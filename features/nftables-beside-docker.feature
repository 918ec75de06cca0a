Feature: A native nftables table beside Docker's iptables rules
  Hosts of 2026 often carry a native nft table of their own (a distribution's inet
  filter, firewalld, libvirt) beside the iptables-nft tables Docker writes. The kernel
  runs every base chain registered at a hook in priority order: iptables-nft's filter
  table sits at priority 0, so a native chain at -10 runs before Docker's FORWARD rules
  and one at +10 after them. An accept ends only its own base chain; a drop anywhere is
  final. Counter tables name a native rule as `FAMILY TABLE CHAIN: RULE` (the rule as
  `nft list` prints it, without its counter). On the twin backend every counter, native
  and iptables alike, is compared with the model after each ping, so the real kernel
  confirms where the native chain ran.

  Background:
    Given a Docker host
    And container "test1"
    And container "test2"

  Scenario: A native drop before Docker's FORWARD rules ends the ping there
    When I run on the host:
      """
      nft add table inet guard
      nft add chain inet guard forward '{ type filter hook forward priority -10; policy accept; }'
      nft add rule inet guard forward ip saddr 172.17.0.2 ip daddr 172.17.0.3 counter drop
      """
    And "test1" pings "test2" 3 times
    Then the ping fails
    And these rules counted packets:
      | table  | rule                                                              | packets | bytes |
      |        | inet guard forward: ip saddr 172.17.0.2 ip daddr 172.17.0.3 drop | 3       | 252   |
      | filter | -A FORWARD -j DOCKER-USER                                         | 0       | 0     |
    And the nftables ruleset contains:
      """
      table inet guard
        chain forward
          type filter hook forward priority -10; policy accept;
          ip saddr 172.17.0.2 ip daddr 172.17.0.3 counter drop
      """
    And the counters match the model

  Scenario: A native accept ends only its own chain: Docker's FORWARD rules still count the ping
    When I run on the host:
      """
      nft add table inet guard
      nft add chain inet guard forward '{ type filter hook forward priority -10; policy accept; }'
      nft add rule inet guard forward counter accept
      """
    And "test1" pings "test2" 3 times
    Then the ping succeeds
    And these rules counted packets:
      | table  | rule                       | packets | bytes |
      |        | inet guard forward: accept | 6       | 504   |
      | filter | -A FORWARD -j DOCKER-USER  | 6       | 504   |
    And the counters match the model

  Scenario: A native drop after Docker's FORWARD rules: Docker accepted, the packet is dropped all the same
    When I run on the host:
      """
      nft add table ip late
      nft add chain ip late forward '{ type filter hook forward priority 10; policy accept; }'
      nft add rule ip late forward icmp type echo-request counter drop
      """
    And "test1" pings "test2" 3 times
    Then the ping fails
    And these rules counted packets:
      | table  | rule                                           | packets | bytes |
      |        | ip late forward: icmp type echo-request drop   | 3       | 252   |
      | filter | -A FORWARD -j DOCKER-USER                      | 3       | 252   |
    And the counters match the model
