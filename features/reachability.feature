@reachability
Feature: Reachability matrices — who reaches whom, on which port, in one table
  People rarely care about one ping; they care about the whole contract of a host: which
  container reaches which, on which port, and what the outside world reaches. `Then the
  reachability is:` states it as a table. The first column lists who sends (a container,
  `the host`, `the external client`, `the neighbour`: features/reachability-neighbour.feature),
  the header lists where to: a container (`web`: a ping), a container's port (`web:80`: a
  TCP handshake; `dns:53/udp`: one datagram), the host's address and a port (`<host
  ip>:8080`, or `the host:8080`), the external client, the neighbour.
  A container is aimed at where its name leads the sender: its address on a network they
  share (what Docker's DNS answers), else its address on its first network.
  A cell says `✓` (delivered) or `✗` (anything else), or precisely how it failed:
  `refused` (a RST or a port unreachable came back), `timeout` (nothing came back),
  `unreachable` (no route, or a host unreachable came back). `-` leaves a pair out.
  UDP cells are `✓` or `timeout`: the sender of a datagram never learns why it was lost.

  Every pair is probed in one step. The model predicts each cell and names the rule that
  decided it; on a real host the probes run four at a time (ping -c 1, `nc -z`, one
  datagram) and on twin each cell is also compared with the model's. A failure prints the
  whole matrix with the differing cells marked, and for each the rule that decided it in
  the model and what the real host did; the report holds every cell's packet path. The
  step asserts no counters, and it zeroes them when it is done: a counter step after it
  needs a traffic step of its own.

  The cells are the same on Docker 20.10, 26.1, 28.5 and 29.7 for this host, but the
  rules behind them are not: a container on "back" that pings "web" is dropped by
  DOCKER-ISOLATION-STAGE-2 before 28, and in the raw table's PREROUTING from 28 on
  (`-d 172.18.0.2/32 ! -i <bridge of "front"> -j DROP`) — the report names the rule per
  version. The port published on 127.0.0.1 only is refused on the host's LAN address.

  Background:
    Given a bridge network "front" with subnet 172.18.0.0/16 and gateway 172.18.0.1
    And a bridge network "back" with subnet 172.19.0.0/16 and gateway 172.19.0.1
    And container "web" on network "front" publishing 8080:80,127.0.0.1:8081:80 serving "web" over http
    And container "client" on network "front"
    And container "api" on network "back" serving "api" over http
    And container "dns" on network "back" listening on udp port 53

  Scenario: One network's containers reach each other; other networks reach only the published port
    Then the reachability is:
      | from → to           | web         | web:80      | api:80      | dns:53/udp | <host ip>:8080 | <host ip>:8081 | 127.0.0.1:8081 | the external client |
      | client              | ✓           | ✓           | timeout     | timeout    | ✓              | refused        | -              | ✓                   |
      | api                 | timeout     | timeout     | ✓           | ✓          | ✓              | refused        | -              | ✓                   |
      | the host            | ✓           | ✓           | ✓           | ✓          | ✓              | refused        | ✓              | ✓                   |
      | the external client | unreachable | unreachable | unreachable | timeout    | ✓              | refused        | -              | -                   |

  # moby#45610 and moby#49498: a LAN whose router sends the container subnets to the Docker
  # host (a VPN, Tailscale's subnet routes, a static route). Before 28 it reaches every
  # container address and port, published or not: FORWARD lets the packets through.
  @docker-before-28
  Scenario: A LAN that routes the container subnet via the host reaches every container (before Docker 28)
    Given the external client routes 172.18.0.0/16 via the Docker host
    Then the reachability is:
      | from → to           | web | web:80 | client | api:80      | <host ip>:8080 |
      | the external client | ✓   | ✓      | ✓      | unreachable | ✓              |

  # Docker 28.0 drops such packets in the raw table, before conntrack and nat:
  # `-A PREROUTING -d 172.18.0.2/32 ! -i <bridge> -j DROP` for every container. What worked
  # for years times out (moby#49498: "28.0 broke access to containers from my LAN");
  # the published port still works, since raw sees it addressed to the host.
  @docker-28 @docker-29
  Scenario: Docker 28's raw PREROUTING drops cut the routed LAN off the containers
    Given the external client routes 172.18.0.0/16 via the Docker host
    Then the reachability is:
      | from → to           | web     | web:80  | client  | api:80      | <host ip>:8080 |
      | the external client | timeout | timeout | timeout | unreachable | ✓              |

  # A container on another network asks the host's address for the published port. Before
  # 29 the nat DOCKER chain RETURNs packets from every Docker bridge (`-i <bridge> -j
  # RETURN`), so the request is not translated: docker-proxy on the host answers it. Kill
  # the proxy and it is refused. Docker 29 writes no such RETURN: the request is translated
  # and forwarded to "front", where the port's ACCEPT lets it in (and no isolation chain
  # stands in the way), so it needs no proxy. From "front" itself it still does, in 29 too.
  @docker-before-29
  Scenario: Without docker-proxy, other networks lose the published port (before Docker 29)
    When I kill docker-proxy for port 8080
    Then the reachability is:
      | from → to           | web:80      | <host ip>:8080 |
      | client              | ✓           | refused        |
      | api                 | timeout     | refused        |
      | the host            | ✓           | ✓              |
      | the external client | unreachable | ✓              |

  @docker-29
  Scenario: Without docker-proxy, other networks keep the published port (Docker 29)
    When I kill docker-proxy for port 8080
    Then the reachability is:
      | from → to           | web:80      | <host ip>:8080 |
      | client              | ✓           | refused        |
      | api                 | timeout     | ✓              |
      | the host            | ✓           | ✓              |
      | the external client | unreachable | ✓              |

  # What an upgrade changes, before it is made: `Then upgrading to Docker V changes the
  # reachability:` replays this scenario's Docker actions on two models (this host's
  # version and V), probes the same cells on both (every container to every other one's
  # address and served ports and to every published port; the host and the external
  # client to every published port; with a routed LAN, the external client to every
  # container) and lists the cells whose verdict differs, each with the deciding rule on
  # both sides. It runs on the model only, on every backend: no Docker 28 or 29 engine
  # runs beside this host.
  @docker-before-28
  Scenario: Upgrading to Docker 28 cuts the routed LAN off the containers
    Given the external client routes 172.18.0.0/16 via the Docker host
    Then upgrading to Docker 28.5 changes the reachability:
      | from                | to     | before | after   |
      | the external client | web:80 | ✓      | timeout |
      | the external client | client | ✓      | timeout |

  @docker-before-29
  Scenario: Upgrading to Docker 29 lets other networks reach a published port without docker-proxy
    When I kill docker-proxy for port 8080
    Then upgrading to Docker 29.7 changes the reachability:
      | from | to             | before  | after |
      | api  | <host ip>:8080 | refused | ✓     |
      | dns  | <host ip>:8080 | refused | ✓     |

  Scenario: Without a routed LAN or a killed proxy, this host's contract is the same on Docker 29.7
    Then upgrading to Docker 29.7 does not change the reachability
