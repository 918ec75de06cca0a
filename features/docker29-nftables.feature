@docker-29
Feature: Docker 29's nftables backend
  With `dockerd --firewall-backend=nftables` (29.0+, experimental), Docker leaves iptables
  alone and writes native tables, `ip docker-bridges` (and `ip6 docker-bridges`, the same
  with IPv6 addresses, for networks with IPv6; the model lists it from the first such
  network, Docker makes it at start): base chains at the forward,
  prerouting, output and postrouting hooks that only dispatch, through verdict maps keyed
  by interface name, to chains of each bridge (`filter-forward-in__bridge1` …). Inside a
  network, the ICC rule accepts; going in from anywhere else, only published ports are
  accepted and "UNPUBLISHED PORT DROP" ends the rest; raw-PREROUTING drops packets sent
  straight to a container's address from outside its bridge ("DROP DIRECT ACCESS").
  The table is the one moby's own generated documents show (src/docker/moby-docs.test.ts).
  No Debian suite ships Docker 29: on twin (`--docker-version 29.7`) a real 28.5 kernel runs
  the rules the model predicts, loaded after every Docker action, and the real host's
  listing of them, its counters and the connectivity are compared with the model's.

  Rule: Default options: inside a network ICC accepts; from outside only published ports, through the host

    Background:
      Given a Docker host running Docker 29.7 with daemon options "--firewall-backend=nftables"
      And a bridge network "bridge1" with subnet 192.0.2.0/24 and gateway 192.0.2.1 named bridge "bridge1"
      And container "c1" on network "bridge1" publishing 8080:80 serving "hello" over http
      And container "c2" on network "bridge1"

    Scenario: Two containers on one network ping each other (the ICC rule accepts)
      When "c1" pings "c2" 3 times
      Then the ping succeeds

    Scenario: The published port answers an external client, through the DNAT rule
      When an external client requests http://<host ip>:8080/
      Then the request succeeds with body "hello"

    Scenario: A container on the default bridge reaches the published port through the host
      Given container "other"
      When "other" requests http://192.168.70.6:8080/
      Then the request succeeds with body "hello"

    Scenario: A container on the default bridge cannot address c1 directly (DROP DIRECT ACCESS, raw-PREROUTING)
      Given container "other"
      When "other" pings "c1" 3 times
      Then the ping fails

    Scenario: The external client cannot address c1 directly either
      Given the external client routes 192.0.2.0/24 via the Docker host
      When the external client pings "c1" 3 times
      Then the ping fails

  Rule: With --allow-direct-routing there is no raw drop: the published port opens, UNPUBLISHED PORT DROP ends the rest

    Background:
      Given a Docker host running Docker 29.7 with daemon options "--firewall-backend=nftables --allow-direct-routing"
      And a bridge network "bridge1" with subnet 192.0.2.0/24 and gateway 192.0.2.1 named bridge "bridge1"
      And container "c1" on network "bridge1" publishing 8080:80 serving "hello" over http listening on tcp port 81
      And the external client routes 192.0.2.0/24 via the Docker host

    Scenario: The container's published port answers when addressed directly
      When an external client requests http://192.0.2.2:80/
      Then the request succeeds with body "hello"

    Scenario: An unpublished port of the container does not
      When an external client requests http://192.0.2.2:81/
      Then the request times out

    Scenario: Pings addressed to the container are dropped too
      When the external client pings "c1" 3 times
      Then the ping fails

  Rule: IPv6 networks get the same rules in table ip6 docker-bridges (ip6 addresses, ICMPv6)

    Background:
      Given a Docker host with IPv6 running Docker 29.7 and daemon options "--firewall-backend=nftables"
      And a bridge network "n6a" with subnet 172.30.0.0/24 and IPv6 subnet fd00:1::/64 named bridge "br6a"
      And a bridge network "n6b" with subnet 172.31.0.0/24 and IPv6 subnet fd00:2::/64 named bridge "br6b"
      And container "a1" on network "n6a"
      And container "a2" on network "n6a"
      And container "b1" on network "n6b"

    Scenario: Two containers on one IPv6 network ping each other over IPv6 (the ip6 table's ICC rule)
      When "a1" pings "a2" over IPv6 3 times
      Then the ping succeeds
      And these rules counted packets:
        | table | rule                                                                               | packets | bytes |
        |       | ip6 docker-bridges filter-forward-in__br6a: iifname "br6a" accept comment "ICC"     | 1       | 104   |
        |       | ip6 docker-bridges filter-forward-in__br6a: ct state established,related accept    | 5       | 520   |
      And the counters match the model

    Scenario: A ping across IPv6 networks dies in the ip6 table's raw-PREROUTING (DROP DIRECT ACCESS)
      When "a1" pings "b1" over IPv6 3 times
      Then the ping fails
      And these rules counted packets:
        | table | rule                                                                                                    | packets | bytes |
        |       | ip6 docker-bridges raw-PREROUTING: ip6 daddr fd00:2::2 iifname != "br6b" drop comment "DROP DIRECT ACCESS" | 3       | 312   |
      And the counters match the model

    Scenario: The published port answers an external client over IPv6, through the ip6 table's DNAT rule
      Given container "web" on network "n6a" publishing 8080:80 serving "hello" over http
      When an external client requests http://[fd70::6]:8080/
      Then the request succeeds with body "hello"
      And these rules counted packets:
        | table | rule                                                                                                                               | packets |
        |       | ip6 docker-bridges nat-prerouting-and-output: iifname != "br6a" ip6 saddr != fe80::/10 tcp dport 8080 dnat to [fd00:1::4]:80 comment "DNAT" | 1       |
      And the counters match the model
