@reachability
Feature: Reachability of a routing neighbour — a LAN machine that sends the container subnets to the host
  `the neighbour` is a machine on the Docker host's LAN (192.168.70.10, beside the external
  client .9) whose routes send the container subnets to the host: a LAN router's static
  route, a VPN or Tailscale's subnet routes (moby#45610, moby#49498). It needs no step to
  set it up: it is there on every host, as a row and as a column of `Then the
  reachability is:`. As a row it aims at containers by their own addresses and at the
  host's published ports; as a column it answers a ping (and, since it routes the subnets
  back, even an unmasqueraded container's). The external client and the neighbour meet on
  the LAN, past the host: that pair is written `-`.

  Before Docker 28 the neighbour reaches every container address and port, published or
  not: the packet comes in on eth0 and FORWARD lets it through (the DOCKER chain's ACCEPT
  for a published port, FORWARD's ACCEPT policy for the rest). Docker 28.0 drops such
  packets in the raw table, before conntrack and nat (`-A PREROUTING -d 172.18.0.2/32 !
  -i <bridge> -j DROP` for every container): what the LAN reached for years times out,
  while the published port, addressed to the host, still answers.

  Background:
    Given a bridge network "front" with subnet 172.18.0.0/16 and gateway 172.18.0.1
    And a bridge network "back" with subnet 172.19.0.0/16 and gateway 172.19.0.1
    And container "web" on network "front" publishing 8080:80,127.0.0.1:8081:80 serving "web" over http
    And container "client" on network "front"
    And container "api" on network "back" serving "api" over http

  @docker-before-28
  Scenario: The neighbour reaches every container, published or not (before Docker 28)
    Then the reachability is:
      | from → to           | web | web:80 | api:80      | <host ip>:8080 | <host ip>:8081 | the neighbour |
      | client              | ✓   | ✓      | timeout     | ✓              | refused        | ✓             |
      | the host            | ✓   | ✓      | ✓           | ✓              | refused        | ✓             |
      | the neighbour       | ✓   | ✓      | ✓           | ✓              | refused        | -             |
      | the external client | unreachable | unreachable | unreachable | ✓      | refused        | -             |

  @docker-28 @docker-29
  Scenario: Docker 28's raw PREROUTING drops cut the neighbour off the containers
    Then the reachability is:
      | from → to           | web     | web:80  | api:80      | <host ip>:8080 | <host ip>:8081 | the neighbour |
      | client              | ✓       | ✓       | timeout     | ✓              | refused        | ✓             |
      | the host            | ✓       | ✓       | ✓           | ✓              | refused        | ✓             |
      | the neighbour       | timeout | timeout | timeout     | ✓              | refused        | -             |
      | the external client | unreachable | unreachable | unreachable | ✓      | refused        | -             |

  # The upgrade step probes the neighbour's cells when its table names the neighbour.
  @docker-before-28
  Scenario: Upgrading to Docker 28 cuts the neighbour off every container
    Then upgrading to Docker 28.5 changes the reachability:
      | from          | to     | before | after   |
      | the neighbour | web:80 | ✓      | timeout |
      | the neighbour | api:80 | ✓      | timeout |
      | the neighbour | client | ✓      | timeout |

  # The neighbour as a destination: a network that does not masquerade sends its packets
  # out with the container's address. The external client has no route back and never
  # answers; the neighbour routes the subnet back via the host, and before Docker 28 its
  # replies come through. From 28 on the raw table's drop for the container's address
  # (`-d 172.31.5.2/32 ! -i <bridge> -j DROP`, before conntrack) eats the replies too.
  @docker-before-28
  Scenario: Without masquerading only the neighbour answers a container (before Docker 28)
    Given the services of compose file "compose/unmasqueraded/compose.yaml"
    Then the reachability is:
      | from → to     | app:80 | the external client | the neighbour |
      | app           | -      | timeout             | ✓             |
      | the neighbour | ✓      | -                   | -             |

  @docker-28 @docker-29
  Scenario: Without masquerading, Docker 28's raw drops cut the neighbour's replies off
    Given the services of compose file "compose/unmasqueraded/compose.yaml"
    Then the reachability is:
      | from → to     | app:80  | the external client | the neighbour |
      | app           | -       | timeout             | timeout       |
      | the neighbour | timeout | -                   | -             |
