@docker-29
Feature: Docker 29's nftables backend
  With `dockerd --firewall-backend=nftables` (29.0+, experimental), Docker leaves iptables
  alone and writes one native table, `ip docker-bridges`: base chains at the forward,
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
