@seed-002
Feature: Opening isolation between two chosen bridges
  Seed 002 connects two of four bridge networks without touching Docker's own rules: it
  inserts an ACCEPT at the top of DOCKER-ISOLATION-STAGE-1 for each direction, so those
  packets never reach STAGE-2's DROPs, while every other pair of bridges stays isolated.

  On the receiving side the request does not come from the sender's address. The
  request leaves through the other bridge, so the sender bridge's rule
  `-s 172.19.0.0/16 ! -o br-9559b3f84d38 -j MASQUERADE` matches and rewrites the source
  to the receiving bridge's gateway: seed 002 captured `_gateway > ubuntu` on the
  receiver with tcpdump, and `172.18.0.2 > 172.19.0.2` for the replies on the sender's
  bridge, because conntrack undoes the translation.

  The bridge names are those of the article (set with com.docker.network.bridge.name so
  they do not depend on random network ids).

  That was Docker 20.10 (and still holds on 26.1: scenarios tagged `@docker-before-28`).
  Docker 28 blocks direct routing to containers (moby#45610): for every container it
  writes `-A PREROUTING -d <container>/32 ! -i <its bridge> -j DROP` into the raw table,
  which a packet meets before conntrack, nat and filter. A packet from another bridge
  dies there, so no ACCEPT in DOCKER-ISOLATION-STAGE-1 (nor in DOCKER-USER, which is in
  filter too) can let it through, and the DOCKER chain's `! -i <bridge> -o <bridge> -j
  DROP` stands behind it. On 28 two containers that must talk share a network.

  Background:
    Given a Docker host
    And a bridge network "net18" with subnet 172.18.0.0/16 named bridge "br-cbd0f56841ce"
    And a bridge network "net19" with subnet 172.19.0.0/16 named bridge "br-9559b3f84d38"
    And a bridge network "net21" with subnet 172.21.0.0/16 named bridge "br-cfcd23a5f04c"
    And container "b18" on network "net18"
    And container "b19" on network "net19"
    And container "b21" on network "net21"

  @docker-before-28
  Scenario: Bridges are isolated until ACCEPT rules are inserted into STAGE-1
    When "b19" pings "b18"
    Then the ping fails
    When I run on the host:
      """
      iptables -I DOCKER-ISOLATION-STAGE-1 -i br-9559b3f84d38 -o br-cbd0f56841ce -j ACCEPT
      iptables -I DOCKER-ISOLATION-STAGE-1 -i br-cbd0f56841ce -o br-9559b3f84d38 -j ACCEPT
      """
    And "b19" pings "b18" 2 times
    Then the ping succeeds
    And "b18" sees the ping come from 172.18.0.1
    When "b19" pings "b21"
    Then the ping fails
    And the counters match the model

  @docker-28
  Scenario: On Docker 28 ACCEPT rules in STAGE-1 open nothing: the raw table drops first
    When I run on the host:
      """
      iptables -I DOCKER-ISOLATION-STAGE-1 -i br-9559b3f84d38 -o br-cbd0f56841ce -j ACCEPT
      iptables -I DOCKER-ISOLATION-STAGE-1 -i br-cbd0f56841ce -o br-9559b3f84d38 -j ACCEPT
      """
    And "b19" pings "b18" 2 times
    Then the ping fails
    And rule "-A PREROUTING -d 172.18.0.2/32 ! -i br-cbd0f56841ce -j DROP" counted 2 packets and 168 bytes
    And rule "-A DOCKER-ISOLATION-STAGE-1 -i br-9559b3f84d38 -o br-cbd0f56841ce -j ACCEPT" counted nothing
    And the counters match the model

  # Docker 29 has no STAGE-1 to insert into; DOCKER-USER is where such ACCEPTs go, and they
  # open nothing either: raw PREROUTING drops the packet before filter sees it.
  @docker-29
  Scenario: On Docker 29 there is no STAGE-1; ACCEPTs in DOCKER-USER open nothing, the raw table drops first
    When I try to run on the host: iptables -I DOCKER-ISOLATION-STAGE-1 -i br-9559b3f84d38 -o br-cbd0f56841ce -j ACCEPT
    Then the host command fails with "No chain/target/match by that name"
    When I run on the host:
      """
      iptables -I DOCKER-USER -i br-9559b3f84d38 -o br-cbd0f56841ce -j ACCEPT
      iptables -I DOCKER-USER -i br-cbd0f56841ce -o br-9559b3f84d38 -j ACCEPT
      """
    And "b19" pings "b18" 2 times
    Then the ping fails
    And rule "-A PREROUTING -d 172.18.0.2/32 ! -i br-cbd0f56841ce -j DROP" counted 2 packets and 168 bytes
    And rule "-A DOCKER-USER -i br-9559b3f84d38 -o br-cbd0f56841ce -j ACCEPT" counted nothing
    And the counters match the model

  @docker-before-28
  Scenario: One ACCEPT is not enough: the replies are dropped on the way back
    When I run on the host: iptables -I DOCKER-ISOLATION-STAGE-1 -i br-9559b3f84d38 -o br-cbd0f56841ce -j ACCEPT
    And "b19" pings "b18"
    Then the ping fails
    And the counters match the model
