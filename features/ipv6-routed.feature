@issue-20
Feature: A container reached directly from the LAN over IPv6: gateway_mode_ipv6=routed
  IPv6 subnets are often global or routed by the LAN's router, and NAT66 is then in the way.
  `docker network create --ipv6 -o com.docker.network.bridge.gateway_mode_ipv6=routed`
  (27.0+) asks Docker not to NAT the network's IPv6 traffic: no MASQUERADE in ip6tables'
  nat POSTROUTING and no DNAT for its published ports. A machine that routes the subnet via
  the Docker host's IPv6 address reaches the containers at their own addresses. The filter
  rules still decide what gets in: the DOCKER chain accepts ICMPv6 to the bridge
  (`-o <bridge> -p ipv6-icmp -j ACCEPT`), a published port's container port
  (`-p 8080:80` opens port 80 of the container, no host port), and drops the rest
  (`! -i <bridge> -o <bridge> -j DROP`). Docker 28's raw PREROUTING drops (`-d <container>
  ! -i <bridge> -j DROP`) are not written for a routed network: packets from the LAN reach
  the filter table. A container's own packets to the LAN keep its address, and the LAN
  answers along its route back. ip6tables' nat POSTROUTING then holds no rule at all, so
  iptables-nft never registers it in the kernel and it counts nothing (iptables' nat
  POSTROUTING, with the IPv4 MASQUERADE, does: each family registers its own chains).

  Docker 26.1 has no gateway modes: its bridge driver skips option keys it does not know
  (moby v26.1.5 bridge_linux.go), so the same network is NATed as ever. Routed to it from
  the LAN, only the container's published port is let through (FORWARD's `-o <bridge> -j
  DOCKER`), the rest meets ip6tables' FORWARD DROP policy, and a container's packets leave
  with the host's address.

  The external client routes fd00:1::/64 via the Docker host's fd70::6 (`ip -6 route
  replace fd00:1::/64 via fd70::6`, src/backends/dind-traffic.ts). Docker 26.1 writes
  ip6tables rules only with `--experimental --ip6tables`; this feature starts every version so.

  Where this runs: the model on 26.1, 28.5 and 29.7; real hosts (twin) on 26.1 and 28.5; on
  29.7, Docker 29's rules as the model predicts them, loaded into a real 28.5 kernel.

  Background:
    Given a Docker host with IPv6 and daemon options "--experimental --ip6tables"
    And a bridge network "r6" with subnet 172.30.0.0/24 and IPv6 subnet fd00:1::/64 named bridge "br6r" with IPv6 gateway mode routed
    And container "web" on network "r6" publishing 8080:80 serving "hello" over http
    And container "box" on network "r6" serving "other" over http
    And the external client routes fd00:1::/64 via the Docker host

  Scenario Outline: Docker <docker> writes no NAT66 for a routed network, only the DOCKER chain's filter
    Then the ip6 filter table contains:
      """
      -A DOCKER -d fd00:1::2/128 ! -i br6r -o br6r -p tcp -m tcp --dport 80 -j ACCEPT
      -A DOCKER -o br6r -p ipv6-icmp -j ACCEPT
      -A DOCKER ! -i br6r -o br6r -j DROP
      """
    And the ip6 nat table does not contain "-A POSTROUTING -s fd00:1::/64 ! -o br6r -j MASQUERADE"
    And the ip6 nat table does not contain "-A DOCKER ! -s fe80::/10 ! -i br6r -p tcp -m tcp --dport 8080 -j DNAT --to-destination [fd00:1::2]:80"
    And the ip6 raw table does not contain "-A PREROUTING -d fd00:1::2/128 ! -i br6r -j DROP"
    And the nat table contains:
      """
      -A POSTROUTING -s 172.30.0.0/24 ! -o br6r -j MASQUERADE
      """
    And the ruleset matches the model

    @docker-28
    Examples: real hosts and the model
      | docker |
      | 28     |

    @docker-29
    Examples: Docker 29's rules on a real kernel and the model
      | docker |
      | 29     |

  Scenario Outline: On Docker <docker> the LAN pings a container on a routed IPv6 network at its own address
    When the external client pings "web" over IPv6 3 times
    Then the ping succeeds
    And "web" sees the ping come from fd70::9
    And these rules counted packets:
      | table      | rule                                                                       | packets | bytes |
      | ip6 filter | -A FORWARD -j DOCKER-USER                                                  | 6       | 624   |
      | ip6 filter | -A DOCKER -o br6r -p ipv6-icmp -j ACCEPT                                   | 1       | 104   |
      | ip6 filter | -A DOCKER-CT -o br6r -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT  | 2       | 208   |
      | ip6 nat    | :PREROUTING                                                                | 1       | 104   |
      | ip6 nat    | :POSTROUTING                                                               | 0       | 0     |
    And the counters match the model

    @docker-28
    Examples: real hosts and the model
      | docker |
      | 28     |

    @docker-29
    Examples: Docker 29's rules on a real kernel and the model
      | docker |
      | 29     |

  @docker-26.1
  Scenario: On Docker 26.1 the option does nothing: the LAN's ping dies in FORWARD's DROP policy
    When the external client pings "web" over IPv6 3 times
    Then the ping fails
    And these rules counted packets:
      | table      | rule                         | packets | bytes |
      | ip6 filter | :FORWARD                     | 3       | 312   |
      | ip6 filter | -A FORWARD -o br6r -j DOCKER | 3       | 312   |
    And the counters match the model

  Scenario Outline: On Docker <docker> the LAN reaches a published container port directly, without NAT
    When an external client requests http://[fd00:1::2]/
    Then the request succeeds with body "hello"
    And "web" sees the request come from fd70::9
    And these rules counted packets:
      | table      | rule                                                                           | packets |
      | ip6 filter | -A FORWARD -j DOCKER-USER                                                      | 11      |
      | ip6 filter | -A DOCKER -d fd00:1::2/128 ! -i br6r -o br6r -p tcp -m tcp --dport 80 -j ACCEPT | 1       |
      | ip6 nat    | :PREROUTING                                                                    | 1       |
    And by Docker version, these rules counted packets:
      | docker | table   | rule         | packets |
      | 28, 29 | ip6 nat | :POSTROUTING | 0       |
      | 26.1   | ip6 nat | :POSTROUTING | 1       |
    And the counters match the model

    @docker-28
    Examples: real hosts and the model
      | docker |
      | 28     |

    @docker-29
    Examples: Docker 29's rules on a real kernel and the model
      | docker |
      | 29     |

    @docker-26.1
    Examples: real hosts and the model on 26.1 (the DOCKER chain's rule for the published port)
      | docker |
      | 26.1   |

  Scenario Outline: On Docker <docker> a port nobody published stays closed to the LAN
    When an external client requests http://[fd00:1::3]/
    Then the request times out
    And by Docker version, these rules counted packets:
      | docker | table      | rule                                   | packets |
      | 28, 29 | ip6 filter | -A DOCKER ! -i br6r -o br6r -j DROP    | 3       |
      | 26.1   | ip6 filter | -A FORWARD -o br6r -j DOCKER           | 3       |
      | 26.1   | ip6 filter | :FORWARD                               | 3       |
    And the counters match the model

    @docker-28
    Examples: real hosts and the model
      | docker |
      | 28     |

    @docker-29
    Examples: Docker 29's rules on a real kernel and the model
      | docker |
      | 29     |

    @docker-26.1
    Examples: real hosts and the model on 26.1
      | docker |
      | 26.1   |

  Scenario Outline: On Docker <docker> a container's ping to the LAN keeps its own IPv6 address
    When "box" pings the external client over IPv6 3 times
    Then the ping succeeds
    And the external client sees the ping come from fd00:1::3
    And these rules counted packets:
      | table      | rule                      | packets | bytes |
      | ip6 filter | -A FORWARD -j DOCKER-USER | 6       | 624   |
      | ip6 nat    | :POSTROUTING              | 0       | 0     |
    And the counters match the model

    @docker-28
    Examples: real hosts and the model
      | docker |
      | 28     |

    @docker-29
    Examples: Docker 29's rules on a real kernel and the model
      | docker |
      | 29     |

  @docker-26.1
  Scenario: On Docker 26.1 a container's ping to the LAN is masqueraded as ever
    When "box" pings the external client over IPv6 3 times
    Then the ping succeeds
    And the external client sees the ping come from fd70::6
    And these rules counted packets:
      | table      | rule                                                  | packets | bytes |
      | ip6 nat    | -A POSTROUTING -s fd00:1::/64 ! -o br6r -j MASQUERADE | 1       | 104   |
      | ip6 nat    | :POSTROUTING                                          | 0       | 0     |
    And the counters match the model
