@seed-001 @seed-003 @model-only
Feature: The single DOCKER-ISOLATION chain of older daemons
  Before the two-stage isolation chains, a daemon isolated bridges with one chain,
  DOCKER-ISOLATION, holding a DROP for every ordered pair of bridges
  (`-i br-740d57cab248 -o docker0 -j DROP` and the reverse) followed by RETURN. Seed 001
  lists it for a network "hehe" whose bridge is br-740d57cab248; seed 003 walks through
  the libnetwork code that writes it. The number of rules grows with the square of the
  number of bridges, which is why later versions split it into STAGE-1 (per source
  bridge) and STAGE-2 (per destination bridge).

  The two seeds print the pair of DROPs in opposite orders (rules are inserted with -I,
  so the order depends on which bridge came first), so the order of the pair is not
  asserted here. Seed 001's listing also shows DOCKER-USER, which arrived in 17.06; 17.03, the version
  modelled here, has none. No engine this old can be started on these machines, so the
  scenario runs on the model only (tag @model-only; real backends skip it).

  Background:
    Given a Docker host running Docker 17.03
    And a bridge network "hehe" with subnet 172.18.0.0/16 named bridge "br-740d57cab248"
    And container "openresty" on network "hehe"
    And container "blog" on network "hehe"
    And container "test1"

  Scenario: One chain with a DROP per pair of bridges
    Then the filter table contains:
      """
      -A FORWARD -j DOCKER-ISOLATION
      -A DOCKER-ISOLATION -i br-740d57cab248 -o docker0 -j DROP
      -A DOCKER-ISOLATION -j RETURN
      """
    And the filter table contains:
      """
      -A DOCKER-ISOLATION -i docker0 -o br-740d57cab248 -j DROP
      -A DOCKER-ISOLATION -j RETURN
      """
    And the filter table does not contain "-A FORWARD -j DOCKER-ISOLATION-STAGE-1"

  Scenario: Containers of one network talk, the two bridges do not
    When "openresty" pings "blog"
    Then the ping succeeds
    When "openresty" pings "test1"
    Then the ping fails
    When "test1" pings "blog"
    Then the ping fails
