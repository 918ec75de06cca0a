@issue-20
Feature: An IPv6 host address published for a container without IPv6: docker-proxy alone
  `docker run -p [::]:8080:80` asks for the port on the host's IPv6 addresses only. On a
  network created without `--ipv6` the container has no IPv6 address to translate to, so
  Docker (20.10 and later) lets docker-proxy carry it: the proxy listens on [::]:8080 and
  opens its own IPv4 connection to the container. NAT cannot translate between the two
  families, so no rule is written for the mapping: the ruleset is that of a container
  publishing nothing (Docker 29's nftables backend adds only the forward accept of the
  container's port, as its IPv4 binding would: the last scenario). With the userland proxy
  off there is nothing to carry it: Docker skips the mapping, with an info line in its log,
  and the container starts without it (moby v26.1.5 allocatePortsInternal, v28.5.2
  addPortMappings).

  A compose file writes the mapping the same way (`ports: ["[::]:8080:80"]`, or `host_ip: "::"`
  in long syntax); compose's networks here have no IPv6, so it is always this case.

  The Docker host has fd70::6 on eth0 and the external client fd70::9 on the same LAN
  (src/dind/outside-world-ipv6.ts); the container sees the proxy's connection come from
  its bridge's own address.

  Scenario: docker-proxy on [::] carries the request to the container's IPv4 address
    Given a Docker host with IPv6
    And a bridge network "n4" with subnet 172.30.4.0/24 and gateway 172.30.4.1
    And container "web" on network "n4" publishing [::]:8080:80 serving "hello" over http
    Then docker-proxy listens on [::]:8080
    And the nat table does not contain "--dport 8080"
    And the filter table does not contain "--dport 80"
    When an external client requests http://[fd70::6]:8080/
    Then the request succeeds with body "hello"
    And "web" sees the request come from 172.30.4.1
    And the counters match the model
    And the ruleset matches the model

  Scenario: Without the userland proxy the mapping is skipped and the container starts
    Given a Docker host with IPv6 and daemon options "--userland-proxy=false"
    And a bridge network "n4" with subnet 172.30.4.0/24 and gateway 172.30.4.1
    And container "web" on network "n4" publishing [::]:8080:80 serving "hello" over http
    Then no docker-proxy listens on port 8080
    And the nat table does not contain "--dport 8080"
    When an external client requests http://[fd70::6]:8080/
    Then the request is refused
    And the counters match the model
    And the ruleset matches the model

  Scenario: A compose file publishing on [::] gets the same docker-proxy
    Given a Docker host with IPv6
    And the services of compose file "compose/ipv6-host/compose.yaml"
    Then docker-proxy listens on [::]:8080
    And the nat table does not contain "--dport 8080"
    When an external client requests http://[fd70::6]:8080/
    Then the request succeeds with body "web"
    And the counters match the model
    And the ruleset matches the model

  Scenario Outline: On Docker <docker> the same port published on [::] twice is refused: <refusal>
    `-p 8080:80` binds [::]:8080 already (proxied to the IPv4 address); an explicit `-p
    [::]:8080:80` beside it asks for the same socket again. Before 28 the port allocator
    refuses it; 28 binds a container's mappings that differ only in host address together,
    and the second socket fails to listen. Either way the container does not start.
    Given a Docker host with IPv6
    And a bridge network "n4" with subnet 172.30.4.0/24 and gateway 172.30.4.1
    When I try to run container "web" on network "n4" publishing 8080:80 and [::]:8080:80
    Then docker refuses with "<refusal>"
    And no docker-proxy listens on port 8080
    And the ruleset matches the model

    @docker-before-28
    Examples: before 28
      | docker    | refusal                   |
      | before 28 | port is already allocated |

    @docker-28 @docker-29
    Examples: 28 and later
      | docker      | refusal                                                |
      | 28 or later | failed to listen on TCP socket: address already in use |

  @docker-29
  Scenario: Docker 29's nftables backend adds the forward accept alone; docker-proxy carries the request
    Given a Docker host with IPv6 running Docker 29.7 and daemon options "--firewall-backend=nftables"
    And a bridge network "n4" with subnet 172.30.4.0/24 and gateway 172.30.4.1 named bridge "br4"
    And container "web" on network "n4" publishing [::]:8080:80 serving "hello" over http
    Then docker-proxy listens on [::]:8080
    And the nftables ruleset contains:
      """
      ip docker-bridges filter-forward-in__br4: ip daddr 172.30.4.2 tcp dport 80 counter accept
      """
    When an external client requests http://[fd70::6]:8080/
    Then the request succeeds with body "hello"
    And "web" sees the request come from 172.30.4.1
    And the counters match the model
    And the ruleset matches the model
