@seed-000 @groundtruth-e2
Feature: A user-defined bridge network
  `docker network create test_web -d bridge -o com.docker.network.bridge.name=test_web`
  gives the network a bridge with a readable name instead of br-<id>. Containers on a
  user-defined network find each other by name: Docker's embedded DNS (127.0.0.11 in
  every container) answers, and the lookup never leaves the container's namespace, so
  it counts nowhere on the host. The pings themselves walk FORWARD like on docker0,
  with the rules Docker added for test_web.

  Seed 000 uses 172.18.0.0/16; the recording (ground truth e2) used 172.30.0.0/16 and
  its counters are asserted here: Docker 20.10.24's (tagged `@docker-before-28`, and
  26.1 writes the same) and Docker 28.5.2's (tagged `@docker-28`).

  Docker 28 moved the network's rules out of FORWARD, which keeps only `-j DOCKER-USER`
  and `-j DOCKER-FORWARD`. DOCKER-FORWARD asks DOCKER-CT first (the conntrack ACCEPT for
  replies and later packets of a flow), then DOCKER-ISOLATION-STAGE-1, then DOCKER-BRIDGE
  (`-o test_web -j DOCKER`), and ends with `-i test_web -j ACCEPT` for whatever leaves the
  bridge. The DOCKER chain ends with `! -i test_web -o test_web -j DROP`: nothing from
  elsewhere gets into the network unless a published port lets it. No chain ends with a
  RETURN any more.

  Background:
    Given a Docker host
    And a bridge network "test_web" with subnet 172.30.0.0/16 and gateway 172.30.0.1 named bridge "test_web"
    And container "test3" on network "test_web"
    And container "test4" on network "test_web"

  @docker-before-28
  Scenario: Containers on a user-defined network ping each other by name
    When "test3" pings "test4" by name 2 times
    Then the ping succeeds
    And these rules counted packets:
      | table  | rule                                                                         | packets | bytes |
      | filter | -A FORWARD -j DOCKER-USER                                                    | 4       | 336   |
      | filter | -A FORWARD -j DOCKER-ISOLATION-STAGE-1                                       | 4       | 336   |
      | filter | -A FORWARD -o test_web -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT  | 3       | 252   |
      | filter | -A FORWARD -o test_web -j DOCKER                                             | 1       | 84    |
      | filter | -A FORWARD -i test_web -o test_web -j ACCEPT                                 | 1       | 84    |
      | filter | -A DOCKER-ISOLATION-STAGE-1 -j RETURN                                        | 4       | 336   |
      | filter | -A DOCKER-USER -j RETURN                                                     | 4       | 336   |
      | nat    | :PREROUTING                                                                  | 1       | 84    |
      | nat    | :POSTROUTING                                                                 | 1       | 84    |
    And the counters match the model

  @docker-28
  Scenario: On Docker 28 the ping by name walks DOCKER-FORWARD
    When "test3" pings "test4" by name 2 times
    Then the ping succeeds
    And these rules counted packets:
      | table  | rule                                                                          | packets | bytes |
      | filter | -A FORWARD -j DOCKER-USER                                                     | 4       | 336   |
      | filter | -A FORWARD -j DOCKER-FORWARD                                                  | 4       | 336   |
      | filter | -A DOCKER-FORWARD -j DOCKER-CT                                                | 4       | 336   |
      | filter | -A DOCKER-CT -o test_web -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT | 3       | 252   |
      | filter | -A DOCKER-FORWARD -j DOCKER-ISOLATION-STAGE-1                                 | 1       | 84    |
      | filter | -A DOCKER-FORWARD -j DOCKER-BRIDGE                                            | 1       | 84    |
      | filter | -A DOCKER-BRIDGE -o test_web -j DOCKER                                        | 1       | 84    |
      | filter | -A DOCKER-FORWARD -i test_web -j ACCEPT                                       | 1       | 84    |
      | nat    | :PREROUTING                                                                   | 1       | 84    |
      | nat    | :POSTROUTING                                                                  | 1       | 84    |
    And the counters match the model

  # Docker 29: the same walk, with DOCKER-INTERNAL (empty here) where STAGE-1 was.
  @docker-29
  Scenario: On Docker 29 the ping by name walks DOCKER-FORWARD, past an empty DOCKER-INTERNAL
    When "test3" pings "test4" by name 2 times
    Then the ping succeeds
    And these rules counted packets:
      | table  | rule                                                                          | packets | bytes |
      | filter | -A FORWARD -j DOCKER-USER                                                     | 4       | 336   |
      | filter | -A FORWARD -j DOCKER-FORWARD                                                  | 4       | 336   |
      | filter | -A DOCKER-FORWARD -j DOCKER-CT                                                | 4       | 336   |
      | filter | -A DOCKER-CT -o test_web -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT | 3       | 252   |
      | filter | -A DOCKER-FORWARD -j DOCKER-INTERNAL                                          | 1       | 84    |
      | filter | -A DOCKER-FORWARD -j DOCKER-BRIDGE                                            | 1       | 84    |
      | filter | -A DOCKER-BRIDGE -o test_web -j DOCKER                                        | 1       | 84    |
      | filter | -A DOCKER-FORWARD -i test_web -j ACCEPT                                       | 1       | 84    |
      | nat    | :PREROUTING                                                                   | 1       | 84    |
      | nat    | :POSTROUTING                                                                  | 1       | 84    |
    And the counters match the model

  Scenario: A user-defined network accepts a chosen address
    Given container "fixed" on network "test_web" with ip 172.30.0.66
    When "test3" pings 172.30.0.66
    Then the ping succeeds
    And the counters match the model

  @docker-before-28
  Scenario: Docker writes the network's FORWARD and isolation rules
    Then the filter table contains:
      """
      -A FORWARD -j DOCKER-USER
      -A FORWARD -j DOCKER-ISOLATION-STAGE-1
      -A FORWARD -o test_web -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
      -A FORWARD -o test_web -j DOCKER
      -A FORWARD -i test_web ! -o test_web -j ACCEPT
      -A FORWARD -i test_web -o test_web -j ACCEPT
      -A DOCKER-ISOLATION-STAGE-1 -i test_web ! -o test_web -j DOCKER-ISOLATION-STAGE-2
      -A DOCKER-ISOLATION-STAGE-2 -o test_web -j DROP
      """
    And the nat table contains:
      """
      -A POSTROUTING -s 172.30.0.0/16 ! -o test_web -j MASQUERADE
      -A DOCKER -i test_web -j RETURN
      """
    And the ruleset matches the model

  @docker-28
  Scenario: On Docker 28 the network's rules go to DOCKER-FORWARD and its helpers
    Then the filter table contains:
      """
      -A FORWARD -j DOCKER-USER
      -A FORWARD -j DOCKER-FORWARD
      -A DOCKER ! -i test_web -o test_web -j DROP
      -A DOCKER-BRIDGE -o test_web -j DOCKER
      -A DOCKER-CT -o test_web -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
      -A DOCKER-FORWARD -j DOCKER-CT
      -A DOCKER-FORWARD -j DOCKER-ISOLATION-STAGE-1
      -A DOCKER-FORWARD -j DOCKER-BRIDGE
      -A DOCKER-FORWARD -i test_web -j ACCEPT
      -A DOCKER-ISOLATION-STAGE-1 -i test_web ! -o test_web -j DOCKER-ISOLATION-STAGE-2
      -A DOCKER-ISOLATION-STAGE-2 -o test_web -j DROP
      """
    And the filter table does not contain "-A FORWARD -j DOCKER-ISOLATION-STAGE-1"
    And the raw table contains:
      """
      -A PREROUTING -d 172.30.0.2/32 ! -i test_web -j DROP
      -A PREROUTING -d 172.30.0.3/32 ! -i test_web -j DROP
      """
    And the nat table contains:
      """
      -A POSTROUTING -s 172.30.0.0/16 ! -o test_web -j MASQUERADE
      -A DOCKER -i test_web -j RETURN
      """
    And the ruleset matches the model

  @docker-29
  Scenario: On Docker 29 the network's rules go to DOCKER-FORWARD's helpers, with no isolation chains
    Then the filter table contains:
      """
      -A FORWARD -j DOCKER-USER
      -A FORWARD -j DOCKER-FORWARD
      -A DOCKER ! -i test_web -o test_web -j DROP
      -A DOCKER-BRIDGE -o test_web -j DOCKER
      -A DOCKER-CT -o test_web -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
      -A DOCKER-FORWARD -j DOCKER-CT
      -A DOCKER-FORWARD -j DOCKER-INTERNAL
      -A DOCKER-FORWARD -j DOCKER-BRIDGE
      -A DOCKER-FORWARD -i test_web -j ACCEPT
      """
    And the filter table does not contain "-A DOCKER-ISOLATION-STAGE-2 -o test_web -j DROP"
    And the raw table contains:
      """
      -A PREROUTING -d 172.30.0.2/32 ! -i test_web -j DROP
      -A PREROUTING -d 172.30.0.3/32 ! -i test_web -j DROP
      """
    And the nat table contains:
      """
      -A POSTROUTING -s 172.30.0.0/16 ! -o test_web -j MASQUERADE
      """
    And the nat table does not contain "-A DOCKER -i test_web -j RETURN"
    And the ruleset matches the model

  Scenario: Removing the network removes its rules
    When I remove container "test3"
    And I remove container "test4"
    And I remove network "test_web"
    Then the filter table does not contain "-A DOCKER-ISOLATION-STAGE-2 -o test_web -j DROP"
    And the nat table does not contain "-A POSTROUTING -s 172.30.0.0/16 ! -o test_web -j MASQUERADE"
    And the ruleset matches the model
