@issue-20
Feature: Leaving the host over IPv6: NAT66 with ip6tables' MASQUERADE
  The IPv6 counterpart of seeds 000 and 002 (features/egress-masquerade.feature). A network
  created with `--ipv6` is NATed over IPv6 as over IPv4: Docker's default gateway mode for
  IPv6 is `nat`, and it writes `-s <IPv6 subnet> ! -o <bridge> -j MASQUERADE` in ip6tables'
  nat POSTROUTING beside the IPv4 rule in iptables'. A container's packet to a machine on
  the LAN leaves with the host's IPv6 address (fd70::6); conntrack remembers the
  translation, undoes it on the reply, and the reply is accepted by the RELATED,ESTABLISHED
  rule. Only the first packet of a flow passes through nat: one MASQUERADE for three echo
  requests.

  The external client has fd70::9 beside 192.168.70.9 on the host's LAN
  (src/dind/outside-world-ipv6.ts); `pings the external client over IPv6` pings that
  address. An ICMPv6 echo request or reply is 104 bytes on the wire.

  Docker 26.1 writes ip6tables rules only with `--experimental --ip6tables`; this feature
  starts every version so. Its FORWARD chain holds the per-bridge rules itself, as for IPv4.

  Where this runs: the model on 26.1, 28.5 and 29.7; real hosts (twin) on 26.1 and 28.5; on
  29.7, Docker 29's rules as the model predicts them, loaded into a real 28.5 kernel.

  Background:
    Given a Docker host with IPv6 and daemon options "--experimental --ip6tables"
    And a bridge network "n6" with subnet 172.30.0.0/24 and IPv6 subnet fd00:1::/64 named bridge "br6"
    And container "a1" on network "n6"

  Scenario Outline: On Docker <docker> a container's ping to the LAN leaves with the host's IPv6 address
    When "a1" pings the external client over IPv6 3 times
    Then the ping succeeds
    And the external client sees the ping come from fd70::6
    And these rules counted packets:
      | table      | rule                                                                      | packets | bytes |
      | ip6 raw    | :PREROUTING                                                               | 6       | 624   |
      | ip6 filter | -A FORWARD -j DOCKER-USER                                                 | 6       | 624   |
      | ip6 filter | -A DOCKER-FORWARD -i br6 -j ACCEPT                                        | 3       | 312   |
      | ip6 filter | -A DOCKER-CT -o br6 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT  | 3       | 312   |
      | ip6 nat    | :PREROUTING                                                               | 1       | 104   |
      | ip6 nat    | -A POSTROUTING -s fd00:1::/64 ! -o br6 -j MASQUERADE                      | 1       | 104   |
      | ip6 nat    | :POSTROUTING                                                              | 0       | 0     |
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
  Scenario: On Docker 26.1 a container's ping to the LAN leaves with the host's IPv6 address
    When "a1" pings the external client over IPv6 3 times
    Then the ping succeeds
    And the external client sees the ping come from fd70::6
    And these rules counted packets:
      | table      | rule                                                                    | packets | bytes |
      | ip6 filter | -A FORWARD -j DOCKER-USER                                               | 6       | 624   |
      | ip6 filter | -A FORWARD -i br6 ! -o br6 -j ACCEPT                                    | 3       | 312   |
      | ip6 filter | -A FORWARD -o br6 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT  | 3       | 312   |
      | ip6 nat    | :PREROUTING                                                             | 1       | 104   |
      | ip6 nat    | -A POSTROUTING -s fd00:1::/64 ! -o br6 -j MASQUERADE                    | 1       | 104   |
      | ip6 nat    | :POSTROUTING                                                            | 0       | 0     |
    And the counters match the model

  Scenario Outline: Over IPv4 the same container leaves with 192.168.70.6: one translation per family (Docker <docker>)
    When "a1" pings the external client 3 times
    Then the ping succeeds
    And the external client sees the ping come from 192.168.70.6
    And rule "-A POSTROUTING -s 172.30.0.0/24 ! -o br6 -j MASQUERADE" in table nat counted 1 packets and 84 bytes
    And rule "-A POSTROUTING -s fd00:1::/64 ! -o br6 -j MASQUERADE" in table ip6 nat counted 0 packets and 0 bytes
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
