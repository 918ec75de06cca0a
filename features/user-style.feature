Feature: Networks as users write them
  Nobody names a bridge or picks a subnet for a quick test: `docker network create n1`
  takes the next of Docker's predefined pools (172.17/16 is docker0, then 172.18/16,
  172.19/16 …), names its bridge `br-` and the first 12 hex digits of the network id,
  and gives containers .2, .3 … in the order they start. What a user cannot see is how
  that order goes on after removals: up to Docker 26 the pools are handed out round
  robin, so a freed subnet comes back only once the list wraps (or the daemon
  restarts); since 27.0 the lowest free one is taken at once.

  Scenario: Unnamed networks take the predefined pools in order
    Given a Docker host
    And a bridge network "n1"
    And a bridge network "n2"
    Then network "n1" has subnet 172.18.0.0/16
    And network "n2" has subnet 172.19.0.0/16

  Scenario: Containers on an unnamed network reach each other by name
    Given a bridge network "n1"
    And container "web" on network "n1" serving "hello" over http
    And container "client" on network "n1"
    Then container "web" has address 172.18.0.2
    And container "client" has address 172.18.0.3
    When "client" pings "web" by name 2 times
    Then the ping succeeds
    When "client" requests http://172.18.0.2/
    Then the request succeeds with body "hello"

  Scenario: A network with only a subnet gets its gateway and bridge from Docker
    Given a bridge network "other" with subnet 172.20.0.0/16
    And container "app" on network "other"
    Then container "app" has address 172.20.0.2
    When the host pings "app"
    Then the ping succeeds

  Scenario: A removed container's address is the next one handed out
    Given a bridge network "n1"
    And container "first" on network "n1"
    And container "second" on network "n1"
    When I remove container "first"
    And container "third" on network "n1"
    Then container "third" has address 172.18.0.2

  Scenario: A removed network's subnet comes back at once only since Docker 27
    Given a bridge network "n1"
    And a bridge network "n2"
    When I remove network "n1"
    And a bridge network "n3"
    Then network "n3" has, by Docker version:
      | docker | subnet        |
      | 17.    | 172.20.0.0/16 |
      | 20.10  | 172.20.0.0/16 |
      | 26.1   | 172.20.0.0/16 |
      | 28.5   | 172.18.0.0/16 |
      | 29.7   | 172.18.0.0/16 |

  Scenario: A removed network's name and subnet can be taken again
    Given a bridge network "n1" with subnet 172.30.0.0/16
    When I remove network "n1"
    And a bridge network "n1" with subnet 172.30.0.0/16
    Then network "n1" has subnet 172.30.0.0/16

  Scenario: Docker refuses a one-letter container name
    When I try to run container "a"
    Then docker refuses with "Invalid container name (a), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed"

  Scenario: Docker refuses a container name that is taken
    Given container "web"
    When I try to run container "web"
    Then docker refuses with "Conflict. The container name \"/web\" is already in use by container"

  Scenario: Docker refuses a network name that is taken, and a subnet that overlaps
    Given a bridge network "n1"
    When I try to create a bridge network "n1"
    Then docker refuses with "network with name n1 already exists"
    When I try to create a bridge network "clash" with subnet 172.18.0.0/24
    Then docker refuses with "Pool overlaps with other one on this address space"

  Scenario: Docker refuses a fixed address on the default bridge
    When I try to run container "pinned" with ip 172.17.0.9
    Then docker refuses with "user specified IP address is supported on user defined networks only"

  Scenario: Without a route the external client cannot reach a container subnet
    Given container "web"
    When the external client pings "web" 2 times
    Then the ping fails

  Scenario: A neighbour that routes the container subnet via the Docker host
    Docker publishes nothing here, yet a machine on the host's LAN that routes
    172.17.0.0/16 via the host reaches the container directly (moby#45610): the packet
    arrives on eth0 and is forwarded to docker0. Docker 28 drops it in the raw table
    unless the daemon allows direct routing; Docker 20.10 and 26.1 let it through: the
    first request is NEW and meets nat and FORWARD's policy, the second belongs to the
    flow, and both replies leave docker0 by Docker's ACCEPT. On 28 each request is NEW
    again (a packet dropped in raw leaves no conntrack entry) and never reaches nat.
    Given container "web"
    And the external client routes 172.17.0.0/16 via the Docker host
    When the external client pings "web" 2 times
    Then by Docker version, the last request or ping:
      | docker      | outcome  |
      | 20.10, 26.1 | succeeds |
      | 28, 29      | fails    |
    And by Docker version, these rules counted packets:
      | docker      | table  | rule                                                | packets | bytes |
      | 20.10, 26.1 | nat    | :PREROUTING                                         | 1       | 84    |
      | 20.10, 26.1 | filter | :FORWARD                                            | 1       | 84    |
      | 20.10, 26.1 | filter | -A FORWARD -i docker0 ! -o docker0 -j ACCEPT        | 2       | 168   |
      | 28, 29      | raw    | -A PREROUTING -d 172.17.0.2/32 ! -i docker0 -j DROP | 2       | 168   |
      | 28, 29      | nat    | :PREROUTING                                         | 0       | 0     |
    And the counters match the model
