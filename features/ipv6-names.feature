@issue-20
Feature: Names over IPv6: Docker's embedded DNS answers AAAA
  On a user-defined network created with `--ipv6`, Docker's embedded DNS (127.0.0.11)
  answers a container's name with an AAAA record too: `ping -6 web` in another container
  of the network asks for it and pings the container's IPv6 address. The ping is bridged,
  so with bridge-nf-call-ip6tables it walks ip6tables' FORWARD like a ping by address.
  The DNS query itself stays in the container (the resolver listens in its namespace).

  A container on a network without IPv6 gets no AAAA record: `ping -6` has no address to
  ping: iputils says "Address family for hostname not supported" (the name has an A record only).

  Where this runs: the model on 26.1, 28.5 and 29.7; real hosts (twin) on 26.1 and 28.5,
  and on 29.7 Docker 29's rules as the model predicts them, loaded into a real kernel.

  Background:
    Given a Docker host with IPv6 and daemon options "--experimental --ip6tables"
    And a bridge network "n6" with subnet 172.30.0.0/24 and IPv6 subnet fd00:1::/64 named bridge "br6"
    And container "web" on network "n6"
    And container "box" on network "n6"

  Scenario Outline: A container pings another by name over IPv6 (Docker <docker>)
    When "box" pings "web" by name over IPv6 3 times
    Then the ping succeeds
    And these rules counted packets:
      | table      | rule                      | packets | bytes |
      | ip6 filter | -A FORWARD -j DOCKER-USER | 6       | 624   |
      | ip6 nat    | :PREROUTING               | 1       | 104   |
      | ip6 nat    | :POSTROUTING              | 1       | 104   |
    And the counters match the model

    @docker-28
    Examples: real hosts and the model
      | docker |
      | 28     |

    @docker-26.1
    Examples: real hosts and the model on 26.1
      | docker |
      | 26.1   |

    @docker-29
    Examples: Docker 29's rules on a real kernel and the model
      | docker |
      | 29     |

  Scenario Outline: No AAAA record for a container on a network without IPv6 (Docker <docker>)
    Given a bridge network "v4only" with subnet 172.31.0.0/24 named bridge "br4"
    And container "plain" on network "v4only"
    And container "asker" on network "v4only"
    When "asker" pings "plain" by name over IPv6
    Then the name "plain" cannot be resolved

    @docker-28
    Examples: real hosts and the model
      | docker |
      | 28     |

    @docker-29
    Examples: Docker 29's rules on a real kernel and the model
      | docker |
      | 29     |
