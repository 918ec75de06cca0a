@issue-20
Feature: Publishing a port on an IPv6 network: DNAT in ip6tables, docker-proxy on [::]
  The IPv6 counterpart of the published-port experiments (seed 004,
  features/published-ports.feature). On a network created with `--ipv6`, `docker run -p
  8080:80` binds the port for both families: iptables' DNAT to the container's IPv4
  address as before, and in ip6tables' nat DOCKER chain a DNAT to its IPv6 address
  (`--to-destination [fd00:1::2]:80`, bracketed as net.JoinHostPort writes it), with the
  filter DOCKER rule that lets it through FORWARD; docker-proxy listens on `[::]:8080`
  beside `0.0.0.0:8080`. Docker 28 adds `! -s fe80::/10` to the DNAT: a request from a
  link-local address is not translated.

  The Docker host has fd70::6/64 on eth0 beside 192.168.70.6, and the external client
  fd70::9 on the same LAN (src/dind/outside-world-ipv6.ts). As over IPv4, an external
  client is served by the DNAT: raw and nat see the request with the host's address,
  and after nat PREROUTING it is forwarded to the container. A container on another
  network that asks the host's IPv6 address is not translated (`-i <its bridge> -j
  RETURN`): docker-proxy on [::] answers and opens a connection of its own.

  Docker 26.1 writes these rules only with `--experimental --ip6tables`, and this feature
  starts every version so. Its FORWARD chain holds the per-bridge rules itself (no
  DOCKER-FORWARD), as for IPv4 before 28.

  TCP over IPv6 carries 20 bytes more header per segment than over IPv4 (a SYN is 80
  bytes, a bare ACK 72); the packets are those of IPv4, since every endpoint ACKs at once
  on its IPv6 routes too (`quickack 1`, src/dind/quickack.ts).

  Where this runs: the model on 26.1, 28.5 and 29.7; real hosts (twin) on 26.1 and 28.5,
  and on 29.7 Docker 29's rules as the model predicts them, loaded into a real kernel.
  Docker 29 writes no `-i <bridge> -j RETURN`, so the container on another network would
  be translated there (as over IPv4); that scenario is not written for 29 yet.

  Background:
    Given a Docker host with IPv6 and daemon options "--experimental --ip6tables"
    And a bridge network "n6" with subnet 172.30.0.0/24 and IPv6 subnet fd00:1::/64 named bridge "br6"
    And a bridge network "n6b" with subnet 172.31.0.0/24 and IPv6 subnet fd00:2::/64 named bridge "br6b"
    And container "web" on network "n6" publishing 8080:80 serving "hello" over http
    And container "box" on network "n6"
    And container "far" on network "n6b"

  Scenario Outline: Docker <docker> writes the DNAT in ip6tables and docker-proxy listens on [::]
    Then container "web" has address fd00:1::2
    And the ip6 nat table contains:
      """
      -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
      -A DOCKER ! -s fe80::/10 ! -i br6 -p tcp -m tcp --dport 8080 -j DNAT --to-destination [fd00:1::2]:80
      """
    And the ip6 filter table contains:
      """
      -A DOCKER -d fd00:1::2/128 ! -i br6 -o br6 -p tcp -m tcp --dport 80 -j ACCEPT
      """
    And docker-proxy listens on [::]:8080
    And docker-proxy listens on 0.0.0.0:8080
    And the ruleset matches the model

    @docker-28
    Examples: real hosts and the model
      | docker |
      | 28     |

    @docker-29
    Examples: Docker 29's rules on a real kernel and the model
      | docker |
      | 29     |

  Scenario Outline: On Docker <docker> an external client is served over IPv6 through DNAT and DOCKER-FORWARD
    When an external client requests http://[fd70::6]:8080/
    Then the request succeeds with body "hello"
    And "web" sees the request come from fd70::9
    And these rules counted packets:
      | table      | rule                                                                                                 | packets |
      | ip6 raw    | :PREROUTING                                                                                          | 11      |
      | ip6 filter | -A FORWARD -j DOCKER-USER                                                                            | 11      |
      | ip6 filter | -A DOCKER-CT -o br6 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT                             | 5       |
      | ip6 filter | -A DOCKER-BRIDGE -o br6 -j DOCKER                                                                    | 1       |
      | ip6 filter | -A DOCKER -d fd00:1::2/128 ! -i br6 -o br6 -p tcp -m tcp --dport 80 -j ACCEPT                        | 1       |
      | ip6 filter | -A DOCKER-FORWARD -i br6 -j ACCEPT                                                                   | 5       |
      | ip6 nat    | -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER                                                 | 1       |
      | ip6 nat    | -A DOCKER ! -s fe80::/10 ! -i br6 -p tcp -m tcp --dport 8080 -j DNAT --to-destination [fd00:1::2]:80 | 1       |
      | ip6 nat    | :PREROUTING                                                                                          | 0       |
      | ip6 nat    | :POSTROUTING                                                                                         | 1       |
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
  Scenario: On Docker 26.1 an external client is served over IPv6 through DNAT and FORWARD
    When an external client requests http://[fd70::6]:8080/
    Then the request succeeds with body "hello"
    And these rules counted packets:
      | table      | rule                                                                                    | packets |
      | ip6 filter | -A FORWARD -j DOCKER-USER                                                               | 11      |
      | ip6 filter | -A FORWARD -o br6 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT                  | 5       |
      | ip6 filter | -A FORWARD -o br6 -j DOCKER                                                             | 1       |
      | ip6 filter | -A DOCKER -d fd00:1::2/128 ! -i br6 -o br6 -p tcp -m tcp --dport 80 -j ACCEPT           | 1       |
      | ip6 filter | -A FORWARD -i br6 ! -o br6 -j ACCEPT                                                    | 5       |
      | ip6 nat    | -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER                                    | 1       |
      | ip6 nat    | -A DOCKER ! -i br6 -p tcp -m tcp --dport 8080 -j DNAT --to-destination [fd00:1::2]:80   | 1       |
      | ip6 nat    | :POSTROUTING                                                                            | 1       |
    And the counters match the model

  Scenario Outline: On Docker <docker> a container on another IPv6 network reaches the port through docker-proxy on [::]
    When "far" requests http://[fd70::6]:8080/
    Then the request succeeds with body "hello"
    And these rules counted packets:
      | table      | rule                                                 | packets |
      | ip6 nat    | :PREROUTING                                          | 1       |
      | ip6 nat    | -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER | 1       |
      | ip6 nat    | -A DOCKER -i br6b -j RETURN                          | 1       |
      | ip6 nat    | :OUTPUT                                              | 1       |
      | ip6 nat    | :POSTROUTING                                         | 1       |
      | ip6 filter | -A FORWARD -j DOCKER-USER                            | 0       |
    And the counters match the model

    @docker-28
    Examples: real hosts and the model
      | docker |
      | 28     |

    @docker-26.1
    Examples: real hosts and the model on 26.1
      | docker |
      | 26.1   |

  Scenario Outline: On Docker <docker> a container requests another over IPv6 on their network, bridged through FORWARD
    When "box" requests http://[fd00:1::2]/
    Then the request succeeds with body "hello"
    And these rules counted packets:
      | table      | rule                                                                      | packets |
      | ip6 filter | -A FORWARD -j DOCKER-USER                                                 | 11      |
      | ip6 filter | -A DOCKER-CT -o br6 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT  | 10      |
      | ip6 filter | -A DOCKER-FORWARD -i br6 -j ACCEPT                                        | 1       |
      | ip6 nat    | :PREROUTING                                                               | 1       |
      | ip6 nat    | :POSTROUTING                                                              | 1       |
    And the counters match the model

    @docker-28
    Examples: real hosts and the model
      | docker |
      | 28     |

    @docker-29
    Examples: Docker 29's rules on a real kernel and the model
      | docker |
      | 29     |

  Scenario Outline: On Docker <docker>, killing docker-proxy does not affect an external client over IPv6
    When I kill docker-proxy
    Then no docker-proxy listens on port 8080
    When an external client requests http://[fd70::6]:8080/
    Then the request succeeds with body "hello"
    And these rules counted packets:
      | table      | rule                                                                          | packets |
      | ip6 filter | -A FORWARD -j DOCKER-USER                                                     | 11      |
      | ip6 filter | -A DOCKER -d fd00:1::2/128 ! -i br6 -o br6 -p tcp -m tcp --dport 80 -j ACCEPT | 1       |
      | ip6 nat    | :POSTROUTING                                                                  | 1       |
    And the counters match the model

    @docker-28
    Examples: real hosts and the model
      | docker |
      | 28     |

    @docker-26.1
    Examples: real hosts and the model on 26.1
      | docker |
      | 26.1   |

  @docker-26.1
  Scenario: Docker 26.1 writes the DNAT in ip6tables without the link-local exception
    Then the ip6 nat table contains:
      """
      -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
      -A DOCKER ! -i br6 -p tcp -m tcp --dport 8080 -j DNAT --to-destination [fd00:1::2]:80
      """
    And the ip6 filter table contains:
      """
      -A DOCKER -d fd00:1::2/128 ! -i br6 -o br6 -p tcp -m tcp --dport 80 -j ACCEPT
      """
    And docker-proxy listens on [::]:8080
    And the ruleset matches the model
