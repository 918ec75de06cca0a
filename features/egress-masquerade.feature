@seed-000 @seed-002
Feature: Leaving the host: MASQUERADE, conntrack, and ip_forward
  A container's packet to another machine is routed by the host: FORWARD accepts it
  (`-i docker0 ! -o docker0 -j ACCEPT`), and nat POSTROUTING rewrites its source to the
  host's address on the way out (`-s 172.17.0.0/16 ! -o docker0 -j MASQUERADE`). Seed 000
  stresses that nothing is written for the way back: conntrack remembers the
  translation, undoes it on the reply, and the reply is accepted by the RELATED,ESTABLISHED
  rule. Only the first packet of a flow passes through nat at all.

  Seed 000 also warns that Docker needs ip_forward: with net.ipv4.ip_forward set to 0
  nothing is routed any more — not to the outside, not between bridges, not from the
  outside to a published port. Containers on one bridge still reach each other, because
  that traffic is bridged, not routed.

  The "external client" is a machine on the host's own network (192.168.70.0/24), the
  only place outside the host this project sends traffic to.

  Background:
    Given a Docker host
    And container "test1"
    And container "test2"

  Scenario: A container's ping to another machine leaves with the host's address
    When "test1" pings the external client 2 times
    Then the ping succeeds
    And the external client sees the ping come from 192.168.70.6
    And the counters match the model

  Scenario: With ip_forward off nothing is routed, but the bridge still bridges
    When I set net.ipv4.ip_forward to 0
    And "test1" pings the external client
    Then the ping fails
    When "test1" pings "test2"
    Then the ping succeeds
    And the counters match the model

  Scenario: With ip_forward off a published port is unreachable from outside
    Given container "web" publishing 8080:80 serving "hello" over http
    When I set net.ipv4.ip_forward to 0
    And an external client requests http://192.168.70.6:8080/
    Then the request times out
    And the counters match the model
