Feature: The sentences people reach for: joining networks, stopping containers, refusals
  Scenarios written outside this project reached for these sentences first. Each one
  is a Docker command a reader already knows: `docker network connect` and
  `disconnect`, `docker stop` and `docker start`, `docker network rm` of a network still
  in use, and a URL that names a container, which curl in the container resolves through
  Docker's embedded DNS (127.0.0.11) — on a user-defined network the two share, and
  nowhere else.

  Rules about a network nettwin did not name the bridge of say `<bridge of "back">` and
  `<subnet of "back">`: br-<12 hex of the network id> on the real host, whatever it is.

  Background:
    Given a Docker host
    And a bridge network "front"
    And a bridge network "back"

  Scenario: A container joined to a second network reaches it by name, and loses it when it leaves
    Given container "web" on network "front"
    And container "db" on network "back" serving "rows" over http
    When "web" requests http://db/
    Then the name "db" cannot be resolved
    When I connect container "web" to network "back"
    And "web" requests http://db/
    Then the request succeeds with body "rows"
    And "db" sees the request come from 172.19.0.3
    # Two networks, one default route: libnetwork gives it to the first network by name.
    When "web" pings the external client
    Then the ping succeeds
    And these rules counted packets:
      | table | rule                                                                        | packets |
      | nat   | -A POSTROUTING -s <subnet of "back"> ! -o <bridge of "back"> -j MASQUERADE   | 1       |
      | nat   | -A POSTROUTING -s <subnet of "front"> ! -o <bridge of "front"> -j MASQUERADE | 0       |
    When I disconnect container "web" from network "back"
    And "web" requests http://db/
    Then the name "db" cannot be resolved
    # Its address still routes, through the host, which drops it: Docker 28 in raw
    # PREROUTING (no direct routing to a container from another interface), before that
    # the isolation chains.
    When "web" pings "db" 3 times
    Then the ping fails
    And by Docker version, these rules counted packets:
      | docker      | table  | rule                                                           | packets | bytes |
      | 28, 29      | raw    | -A PREROUTING -d 172.19.0.2/32 ! -i <bridge of "back"> -j DROP | 3       | 252   |
      | 20.10, 26.1 | filter | -A DOCKER-ISOLATION-STAGE-2 -o <bridge of "back"> -j DROP      | 3       | 252   |

  Scenario: A container on the default bridge knows no container names
    Given container "box"
    And container "db" on network "back" serving "rows" over http
    When "box" requests http://db/
    Then the name "db" cannot be resolved

  Scenario: A stopped container takes its port with it; started again, it serves it
    Given container "db" on network "back" publishing 8080:80 serving "rows" over http
    And container "web" on network "back"
    Then the nat table contains "-A DOCKER ! -i <bridge of "back"> -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.19.0.2:80" exactly once
    When I stop container "db"
    Then the nat table does not contain "-A DOCKER ! -i <bridge of "back"> -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.19.0.2:80"
    When an external client requests http://<host ip>:8080/
    Then the request is refused
    # Nobody answers ARP for the address: the pings never leave "web" (ping gives up
    # before the ARP timeout would report "Destination Host Unreachable").
    When "web" pings 172.19.0.2 3 times
    Then the ping fails
    And these rules counted packets:
      | table  | rule        | packets |
      | filter | :FORWARD    | 0       |
      | nat    | :PREROUTING | 0       |
    When I start container "db"
    Then the nat table contains "-A DOCKER ! -i <bridge of "back"> -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.19.0.2:80" exactly once
    When an external client requests http://<host ip>:8080/
    Then the request succeeds with body "rows"
    And "db" sees the request come from 192.168.70.9
    And these rules counted packets:
      | table | rule                                                                                             | packets |
      | nat   | -A DOCKER ! -i <bridge of "back"> -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.19.0.2:80 | 1       |

  @docker-before-29
  Scenario: Docker refuses to remove a network a container is attached to, and nothing changes
    Given container "db" on network "back"
    When I try to remove network "back"
    Then docker refuses with "has active endpoints"
    And the filter table contains "-A DOCKER-ISOLATION-STAGE-2 -o <bridge of "back"> -j DROP" exactly once
    When I run on the host: iptables -I DOCKER-USER -s <subnet of "back"> -j RETURN
    Then the filter table contains "-A DOCKER-USER -s <subnet of "back"> -j RETURN" exactly once

  # Docker 29 writes no isolation chains: the bridge's own DROP in filter DOCKER stands for them.
  @docker-29
  Scenario: On Docker 29 Docker refuses to remove a network a container is attached to, and nothing changes
    Given container "db" on network "back"
    When I try to remove network "back"
    Then docker refuses with "has active endpoints"
    And the filter table contains "-A DOCKER ! -i <bridge of "back"> -o <bridge of "back"> -j DROP" exactly once
    And the raw table contains "-A PREROUTING -d 172.19.0.2/32 ! -i <bridge of "back"> -j DROP" exactly once
    When I run on the host: iptables -I DOCKER-USER -s <subnet of "back"> -j RETURN
    Then the filter table contains "-A DOCKER-USER -s <subnet of "back"> -j RETURN" exactly once
