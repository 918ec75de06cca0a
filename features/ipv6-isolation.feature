@issue-20
Feature: Isolation between IPv6 networks
  Two networks created with `--ipv6` get an IPv6 subnet each beside Docker's IPv4 one,
  and Docker writes ip6tables rules for them as it writes iptables rules for IPv4: the
  same chains, in ip6tables' own tables. A counter table names them `ip6 raw`,
  `ip6 filter`, `ip6 nat` (nft's family words); a rule that only IPv6 has
  (`-d fd00:2::2/128`) is found in ip6tables' tables without the word.

  Docker 28 and 29 write ip6tables rules by default. Docker 26.1 writes them only when the
  daemon runs with `--experimental --ip6tables`; this feature starts every version so.

  An ICMPv6 echo request or reply is 104 bytes on the wire (40 bytes of IPv6 header, 8 of
  ICMPv6, 56 of data). The real hosts are made quiet at the source (no router
  solicitations, no duplicate address detection, no unsolicited neighbour advertisements,
  multicast listener reports over before the step), so only the pings count.

  Within one network, a ping is bridged: with bridge-nf-call-ip6tables it walks ip6tables'
  FORWARD like IPv4 does. Across networks, Docker 28's raw table drops the request before
  conntrack, nat and FORWARD see it (`-d <container> ! -i <its bridge> -j DROP`, one rule
  per container address, here per IPv6 address); Docker 26.1 has no such rule and drops
  it in DOCKER-ISOLATION-STAGE-2, as for IPv4.

  Where this runs: the model on 26.1, 28.5 and 29.7; real hosts (twin) on 26.1 and 28.5; on
  29.7, Docker 29's rules on a real kernel, not Docker 29's daemon: a 28.5 host whose daemon
  writes no rules is loaded with the iptables and ip6tables rules the model predicts for
  29.7 (`--backend twin --docker-version 29.7`).

  Background:
    Given a Docker host with IPv6 and daemon options "--experimental --ip6tables"
    And a bridge network "n6a" with subnet 172.30.0.0/24 and IPv6 subnet fd00:1::/64 named bridge "br6a"
    And a bridge network "n6b" with subnet 172.31.0.0/24 and IPv6 subnet fd00:2::/64 named bridge "br6b"
    And container "a1" on network "n6a"
    And container "a2" on network "n6a"
    And container "b1" on network "n6b"

  Scenario Outline: Containers on one IPv6 network ping each other through ip6tables' FORWARD (Docker <docker>)
    Then container "a2" has address fd00:1::3
    When "a1" pings "a2" over IPv6 3 times
    Then the ping succeeds
    And these rules counted packets:
      | table      | rule                                                                           | packets | bytes |
      | ip6 raw    | :PREROUTING                                                                    | 6       | 624   |
      | ip6 filter | -A FORWARD -j DOCKER-USER                                                      | 6       | 624   |
      | ip6 filter | -A DOCKER-CT -o br6a -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT      | 5       | 520   |
      | ip6 filter | -A DOCKER-FORWARD -i br6a -j ACCEPT                                            | 1       | 104   |
      | ip6 nat    | :PREROUTING                                                                    | 1       | 104   |
      | ip6 nat    | :POSTROUTING                                                                   | 1       | 104   |
    And the counters match the model

    @docker-28
    Examples: real hosts and the model
      | docker |
      | 28     |

    @docker-29
    Examples: Docker 29.7's rules on a real kernel, and the model
      | docker |
      | 29     |

  Scenario Outline: On Docker <docker> the raw table drops a ping across IPv6 networks
    When "a1" pings "b1" over IPv6 3 times
    Then the ping fails
    And these rules counted packets:
      | table      | rule                                                  | packets | bytes |
      | ip6 raw    | -A PREROUTING -d fd00:2::2/128 ! -i br6b -j DROP       | 3       | 312   |
      | ip6 raw    | :PREROUTING                                           | 0       | 0     |
      | ip6 filter | -A FORWARD -j DOCKER-USER                             | 0       | 0     |
      | ip6 nat    | :PREROUTING                                           | 0       | 0     |
    And the counters match the model

    @docker-28
    Examples: real hosts and the model
      | docker |
      | 28     |

    @docker-29
    Examples: Docker 29.7's rules on a real kernel, and the model
      | docker |
      | 29     |

  @docker-26.1
  Scenario: On Docker 26.1 a ping across IPv6 networks dies in DOCKER-ISOLATION-STAGE-2
    When "a1" pings "b1" over IPv6 3 times
    Then the ping fails
    And these rules counted packets:
      | table      | rule                                                                    | packets | bytes |
      | ip6 filter | -A FORWARD -j DOCKER-USER                                               | 3       | 312   |
      | ip6 filter | -A DOCKER-ISOLATION-STAGE-1 -i br6a ! -o br6a -j DOCKER-ISOLATION-STAGE-2 | 3       | 312   |
      | ip6 filter | -A DOCKER-ISOLATION-STAGE-2 -o br6b -j DROP                             | 3       | 312   |
      | ip6 nat    | :PREROUTING                                                             | 3       | 312   |
    And the counters match the model

  Scenario Outline: An ip6tables rule typed on the host counts in ip6tables' own tables (Docker <docker>)
    When I run on the host: ip6tables -I DOCKER-USER -s fd00:1::/64 -d fd00:1::/64 -j RETURN
    And "a1" pings "a2" over IPv6 3 times
    Then the ping succeeds
    And rule "-A DOCKER-USER -s fd00:1::/64 -d fd00:1::/64 -j RETURN" in table ip6 filter counted 6 packets and 624 bytes
    And the ip6 filter table contains:
      """
      -A DOCKER-USER -s fd00:1::/64 -d fd00:1::/64 -j RETURN
      """
    And the ruleset matches the model

    @docker-28
    Examples: real hosts and the model
      | docker |
      | 28     |

    @docker-29
    Examples: Docker 29.7's rules on a real kernel, and the model
      | docker |
      | 29     |

    @docker-26.1
    Examples: the model only on 26.1
      | docker |
      | 26.1   |
