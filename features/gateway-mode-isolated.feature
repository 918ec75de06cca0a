@docker-28 @docker-29
Feature: Gateway mode isolated — an internal network whose bridge has no address
  Docker 28.0 added a fourth gateway mode, `isolated`
  (`-o com.docker.network.bridge.gateway_mode_ipv4=isolated`, and `_ipv6`), for internal
  networks only. An internal network already has no way out: no MASQUERADE, DROPs for
  anything leaving or entering its subnet, and since 25.0 no default route in its
  containers. Its bridge still holds the gateway address, though, so the host itself has a
  route to every container and talks to them. `isolated` takes that address away: the
  daemon reserves no gateway (IPAM hands the subnet's first address to the first
  container) and puts no IPv4 address on the bridge, so the host has no route to the
  subnet: its ping fails at once ("Network is unreachable", these hosts have no default
  route) and no rule counts. Containers on the network still reach each other: their
  frames go from port to port of the bridge, and br_netfilter still shows them to FORWARD.

  The firewall rules are an internal network's, unchanged: what changes is routing, which
  no rule counts. On a network that is not internal Docker refuses the mode; before 28.0
  (26.1 here) the bridge driver skips the option it does not know and the network is an
  ordinary internal one.

  Over IPv6 (`gateway_mode_ipv6=isolated`) the same holds, and the kernel shows one more
  thing: an internal network's ip6tables rules hold no NAT target and no conntrack match, so
  nothing asks for IPv6 connection tracking and it does not run. The bridged ping walks
  filter FORWARD, but ip6 nat PREROUTING, whose chain exists, counts nothing: without a
  conntrack entry the nat hook has nothing to bind (measured on 28.5: `conntrack -L -f ipv6`
  stays empty).

  Scenario: The host reaches a container on an internal network through the bridge's address
    Given a Docker host
    And an internal bridge network "vault" with subnet 172.30.20.0/24
    And container "a1" on network "vault"
    When the host pings "a1" 2 times
    Then the ping succeeds
    And the counters match the model

  Scenario: With gateway mode isolated the host has no route to the containers, which still reach each other
    Given a Docker host
    And an internal bridge network "vault" with subnet 172.30.20.0/24 with IPv4 gateway mode isolated
    And container "a1" on network "vault"
    And container "b1" on network "vault"
    Then container "a1" has address 172.30.20.1
    When "a1" pings "b1" 2 times
    Then the ping succeeds
    When the host pings "b1"
    Then the ping fails
    And the ruleset matches the model
    And the counters match the model

  Scenario: An isolated network given a gateway keeps that address for no one, and its bridge still holds none
    Given a Docker host
    And an internal bridge network "vault" with subnet 172.30.20.0/24 and gateway 172.30.20.1 with IPv4 gateway mode isolated
    And container "a1" on network "vault"
    Then container "a1" has address 172.30.20.2
    When the host pings 172.30.20.1
    Then the ping fails
    And the counters match the model

  Scenario: Docker refuses gateway mode isolated on a network that is not internal
    Given a Docker host
    When I try to create a bridge network "open" with IPv4 gateway mode isolated
    Then docker refuses with "gateway mode 'isolated' can only be used for an internal network"

  Scenario: With IPv6 gateway mode isolated the containers ping each other over IPv6, and the host reaches none
    Given a Docker host with IPv6
    And an internal bridge network "vault6" with subnet 172.30.21.0/24 and IPv6 subnet fd00:21::/64 with IPv6 gateway mode isolated
    And container "a1" on network "vault6"
    And container "b1" on network "vault6"
    Then container "a1" has address fd00:21::1
    When "a1" pings "b1" over IPv6 2 times
    Then the ping succeeds
    And these rules counted packets:
      | table      | rule                      | packets |
      | ip6 filter | -A FORWARD -j DOCKER-USER | 4       |
      | ip6 nat    | :PREROUTING               | 0       |
    When the host pings fd00:21::2
    Then the ping fails
    And the counters match the model
