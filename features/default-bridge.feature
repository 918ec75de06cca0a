@seed-000 @seed-001 @groundtruth-e1
Feature: The default bridge, docker0
  A Docker daemon creates one Linux bridge, docker0 (172.17.0.1/16), and plugs every
  container started without --network into it through a veth pair. Containers on the
  same bridge talk at layer 2, but because br_netfilter is loaded, even that bridged
  traffic walks the host's filter FORWARD chain: DOCKER-USER, DOCKER-ISOLATION-STAGE-1,
  then the docker0 rules. The first packet of the flow is NEW; the replies and the later
  requests are ESTABLISHED and accepted by the conntrack rule.

  Seed 000 says two things about docker0 that the real engine confirms: containers
  cannot reach each other by name (there is no embedded DNS on the default bridge; the
  real engine answers "ping: bad address"), and an address cannot be chosen with --ip.

  The counters below are those of a real Docker 20.10.24 (ground truth e1; tagged
  `@docker-before-28`, 26.1 counts the same) and of a real Docker 28.5.2 (ground truth
  28.5 e1; tagged `@docker-28`): counters are zeroed before the step and read after it.

  Docker 28 walks the same ping through other chains. FORWARD hands every packet to
  DOCKER-USER, then DOCKER-FORWARD, whose first jump, DOCKER-CT, accepts the replies and
  the later requests (ESTABLISHED); only the first request goes on through
  DOCKER-ISOLATION-STAGE-1 and DOCKER-BRIDGE (`-o docker0 -j DOCKER`, which ends nothing
  from inside docker0) to `-A DOCKER-FORWARD -i docker0 -j ACCEPT`. Every packet also
  passes the new raw PREROUTING chain, whose `-d <container> ! -i docker0 -j DROP` rules
  spare packets that come from docker0 itself.

  Background:
    Given a Docker host
    And container "test1"
    And container "test2"

  @docker-before-28
  Scenario: Two containers on docker0 ping each other by address, through FORWARD
    When "test1" pings "test2" 3 times
    Then the ping succeeds
    And these rules counted packets:
      | table  | rule                                                                  | packets | bytes |
      | filter | -A FORWARD -j DOCKER-USER                                             | 6       | 504   |
      | filter | -A FORWARD -j DOCKER-ISOLATION-STAGE-1                                | 6       | 504   |
      | filter | -A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT | 5  | 420   |
      | filter | -A FORWARD -o docker0 -j DOCKER                                       | 1       | 84    |
      | filter | -A FORWARD -i docker0 -o docker0 -j ACCEPT                            | 1       | 84    |
      | filter | -A FORWARD -i docker0 ! -o docker0 -j ACCEPT                          | 0       | 0     |
      | filter | -A DOCKER-ISOLATION-STAGE-1 -i docker0 ! -o docker0 -j DOCKER-ISOLATION-STAGE-2 | 0 | 0 |
      | filter | -A DOCKER-ISOLATION-STAGE-1 -j RETURN                                 | 6       | 504   |
      | filter | -A DOCKER-USER -j RETURN                                              | 6       | 504   |
      | nat    | :PREROUTING                                                           | 1       | 84    |
      | nat    | :POSTROUTING                                                          | 1       | 84    |
      | nat    | -A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE            | 0       | 0     |
    And the counters match the model

  @docker-28
  Scenario: On Docker 28 the ping goes through DOCKER-FORWARD, accepted by DOCKER-CT after the first
    When "test1" pings "test2" 3 times
    Then the ping succeeds
    And these rules counted packets:
      | table  | rule                                                                         | packets | bytes |
      | raw    | :PREROUTING                                                                  | 6       | 504   |
      | raw    | -A PREROUTING -d 172.17.0.3/32 ! -i docker0 -j DROP                          | 0       | 0     |
      | filter | -A FORWARD -j DOCKER-USER                                                    | 6       | 504   |
      | filter | -A FORWARD -j DOCKER-FORWARD                                                 | 6       | 504   |
      | filter | -A DOCKER-FORWARD -j DOCKER-CT                                               | 6       | 504   |
      | filter | -A DOCKER-CT -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT | 5       | 420   |
      | filter | -A DOCKER-FORWARD -j DOCKER-ISOLATION-STAGE-1                                | 1       | 84    |
      | filter | -A DOCKER-FORWARD -j DOCKER-BRIDGE                                           | 1       | 84    |
      | filter | -A DOCKER-BRIDGE -o docker0 -j DOCKER                                        | 1       | 84    |
      | filter | -A DOCKER ! -i docker0 -o docker0 -j DROP                                    | 0       | 0     |
      | filter | -A DOCKER-FORWARD -i docker0 -j ACCEPT                                       | 1       | 84    |
      | nat    | :PREROUTING                                                                  | 1       | 84    |
      | nat    | :POSTROUTING                                                                 | 1       | 84    |
      | nat    | -A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE                   | 0       | 0     |
    And the counters match the model

  # Docker 29 (moby's iptablesdoc at docker-v29.7.2): DOCKER-INTERNAL where STAGE-1 was.
  @docker-29
  Scenario: On Docker 29 the ping goes through DOCKER-FORWARD, past an empty DOCKER-INTERNAL
    When "test1" pings "test2" 3 times
    Then the ping succeeds
    And these rules counted packets:
      | table  | rule                                                                         | packets | bytes |
      | raw    | :PREROUTING                                                                  | 6       | 504   |
      | raw    | -A PREROUTING -d 172.17.0.3/32 ! -i docker0 -j DROP                          | 0       | 0     |
      | filter | -A FORWARD -j DOCKER-USER                                                    | 6       | 504   |
      | filter | -A FORWARD -j DOCKER-FORWARD                                                 | 6       | 504   |
      | filter | -A DOCKER-FORWARD -j DOCKER-CT                                               | 6       | 504   |
      | filter | -A DOCKER-CT -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT | 5       | 420   |
      | filter | -A DOCKER-FORWARD -j DOCKER-INTERNAL                                         | 1       | 84    |
      | filter | -A DOCKER-FORWARD -j DOCKER-BRIDGE                                           | 1       | 84    |
      | filter | -A DOCKER-BRIDGE -o docker0 -j DOCKER                                        | 1       | 84    |
      | filter | -A DOCKER ! -i docker0 -o docker0 -j DROP                                    | 0       | 0     |
      | filter | -A DOCKER-FORWARD -i docker0 -j ACCEPT                                       | 1       | 84    |
      | nat    | :PREROUTING                                                                  | 1       | 84    |
      | nat    | :POSTROUTING                                                                 | 1       | 84    |
      | nat    | -A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE                   | 0       | 0     |
    And the counters match the model

  Scenario: On docker0 a container cannot be reached by its name
    When "test1" pings "test2" by name
    Then the name "test2" cannot be resolved

  Scenario: Docker refuses a chosen address on the default bridge
    When I try to run container "fixed" with ip 172.17.0.50
    Then docker refuses with "user specified IP address is supported on user defined networks only"
