@seed-000 @groundtruth-e2
Feature: A user-defined bridge network
  `docker network create test_web -d bridge -o com.docker.network.bridge.name=test_web`
  gives the network a bridge with a readable name instead of br-<id>. Containers on a
  user-defined network find each other by name: Docker's embedded DNS (127.0.0.11 in
  every container) answers, and the lookup never leaves the container's namespace, so
  it counts nowhere on the host. The pings themselves walk FORWARD like on docker0,
  with the rules Docker added for test_web.

  Seed 000 uses 172.18.0.0/16; the recording (ground truth e2) used 172.30.0.0/16 and
  its counters are asserted here.

  Background:
    Given a Docker host
    And a bridge network "test_web" with subnet 172.30.0.0/16 and gateway 172.30.0.1 named bridge "test_web"
    And container "test3" on network "test_web"
    And container "test4" on network "test_web"

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

  Scenario: A user-defined network accepts a chosen address
    Given container "fixed" on network "test_web" with ip 172.30.0.66
    When "test3" pings 172.30.0.66
    Then the ping succeeds
    And the counters match the model

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

  Scenario: Removing the network removes its rules
    When I remove container "test3"
    And I remove container "test4"
    And I remove network "test_web"
    Then the filter table does not contain "-A DOCKER-ISOLATION-STAGE-2 -o test_web -j DROP"
    And the nat table does not contain "-A POSTROUTING -s 172.30.0.0/16 ! -o test_web -j MASQUERADE"
    And the ruleset matches the model
