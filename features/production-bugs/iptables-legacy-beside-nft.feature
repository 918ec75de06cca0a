@production-bug @docker-library-docker-443 @docker-library-docker-467 @moby-46147
Feature: iptables-legacy and iptables-nft side by side — a rule nobody sees drops the traffic
  Reported in docker-library/docker#443 and #467 (docker:dind) and moby/moby#46147:
  "containers lost network access, yet `iptables-save` shows nothing that drops." The
  host (or the DinD container, or a firewall tool) wrote its rules with
  iptables-legacy, while Docker writes with iptables-nft (or the other way round).
  Both backends hook netfilter: the nf_tables chains of iptables-nft and the x_tables
  tables of iptables-legacy sit at the same hooks with the same priority (filter: 0),
  and a packet must pass both. Each tool lists only its own rules, so `iptables-save`
  (nft) never shows the legacy DROP that decided.

  Which one runs first at a hook is registration order: at equal priority the hook
  registered last runs first. On a fresh DinD host Docker's nft chains exist before the
  first legacy rule, so the legacy filter table registers later and runs first: a
  packet its DROP ends never reaches Docker's nft FORWARD rules, which count nothing
  (measured on a fresh 20.10 host; the twin models this order, and its packet path names
  "iptables-legacy" at the rule that decided). Nothing unregisters a legacy table, so a
  host that used iptables-legacy is never reset for another scenario: nettwin replaces
  it, and every scenario here starts where the order is the fresh host's.

  Background:
    Given a Docker host
    And container "web" publishing 8080:80 serving "hello" over http
    And container "test1"

  Scenario: A DROP in the legacy FORWARD chain cuts the containers off; iptables-save shows nothing
    When I run on the host: iptables-legacy -A FORWARD -j DROP
    Then the filter table does not contain "-A FORWARD -j DROP"
    When "test1" pings the external client 2 times
    Then the ping fails
    When an external client requests http://<host ip>:8080/
    Then the request times out
    And the ruleset matches the model

  Scenario: Containers on one bridge lose each other too; the host's own traffic passes
    br_netfilter sends bridged frames through the FORWARD hook, and so through the legacy
    table as well. The host's own ping goes out through OUTPUT, which the rule leaves alone.

    When I run on the host: iptables-legacy -A FORWARD -j DROP
    And "test1" pings "web" 2 times
    Then the ping fails
    When the host pings "web" 2 times
    Then the ping succeeds
    And the counters match the model

  Scenario: Deleting the legacy rule gives the containers their network back
    When I run on the host:
      """
      iptables-legacy -A FORWARD -j DROP
      iptables-legacy -D FORWARD -j DROP
      """
    And "test1" pings the external client 2 times
    Then the ping succeeds
    And the counters match the model
