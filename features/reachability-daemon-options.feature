@reachability
Feature: Reachability under daemon options — what a setting or an upgrade changes in the contract
  The same stack as features/reachability.feature (a published "web" on "front", "api" on
  "back"), on daemons started with options that change who reaches a published port or a
  container address. Each scenario states one Docker version range's truth; together they
  are the table of what an upgrade changes.

  # --userland-proxy=false: no docker-proxy; the host's own requests are translated in nat
  # OUTPUT and hairpinned. A container on another network is translated in PREROUTING and
  # forwarded towards "front" — where, before 29, DOCKER-ISOLATION-STAGE-1/2 drop it.
  @docker-before-29
  Scenario: Without the userland proxy, other networks cannot reach a published port (before Docker 29)
    Given a Docker host with daemon options "--userland-proxy=false"
    And a bridge network "front" with subnet 172.18.0.0/16 and gateway 172.18.0.1
    And a bridge network "back" with subnet 172.19.0.0/16 and gateway 172.19.0.1
    And container "web" on network "front" publishing 8080:80 serving "web" over http
    And container "client" on network "front"
    And container "api" on network "back" serving "api" over http
    Then the reachability is:
      | from → to           | web:80      | <host ip>:8080 | api:80      |
      | client              | ✓           | ✓              | timeout     |
      | api                 | timeout     | timeout        | ✓           |
      | the host            | ✓           | ✓              | ✓           |
      | the external client | unreachable | ✓              | unreachable |

  # Docker 29 removed the isolation chains: the translated request is forwarded between the
  # bridges and accepted by the port's rule in the DOCKER chain. Direct traffic between the
  # networks is still dropped (raw PREROUTING, and DOCKER's `! -i <bridge> -o <bridge> -j DROP`).
  @docker-29
  Scenario: Without the userland proxy, other networks reach a published port (Docker 29)
    Given a Docker host with daemon options "--userland-proxy=false"
    And a bridge network "front" with subnet 172.18.0.0/16 and gateway 172.18.0.1
    And a bridge network "back" with subnet 172.19.0.0/16 and gateway 172.19.0.1
    And container "web" on network "front" publishing 8080:80 serving "web" over http
    And container "client" on network "front"
    And container "api" on network "back" serving "api" over http
    Then the reachability is:
      | from → to           | web:80      | <host ip>:8080 | api:80      |
      | client              | ✓           | ✓              | timeout     |
      | api                 | timeout     | ✓              | ✓           |
      | the host            | ✓           | ✓              | ✓           |
      | the external client | unreachable | ✓              | unreachable |

  # moby#49498's remedy since 28.2: `--allow-direct-routing` leaves out the raw PREROUTING
  # drops. The routed LAN reaches the container's published port again by its own address;
  # a port that was never published, and a ping, stop at the DOCKER chain's
  # `! -i <bridge> -o <bridge> -j DROP` (28 and 29 filter what 20.10 let through).
  @docker-28 @docker-29
  Scenario: --allow-direct-routing lets a routed LAN reach the published container port only
    Given a Docker host with daemon options "--allow-direct-routing"
    And a bridge network "front" with subnet 172.18.0.0/16 and gateway 172.18.0.1
    And container "web" on network "front" publishing 8080:80 serving "web" over http on port 80
    And the external client routes 172.18.0.0/16 via the Docker host
    Then the reachability is:
      | from → to           | web     | web:80 | web:81  | <host ip>:8080 |
      | the external client | timeout | ✓      | timeout | ✓              |
