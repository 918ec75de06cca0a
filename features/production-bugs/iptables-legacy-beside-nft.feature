@production-bug @wip @docker-library-docker-443 @docker-library-docker-467 @moby-46147
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
  "iptables-legacy" at the rule that decided). A host reset keeps the legacy table
  registered while dockerd creates its nft chains anew, so on a reused host nft runs
  first and counts the packets before legacy drops them: the steps that drop therefore
  check the outcome, not the counters.

  Tagged @wip until the twin can know the real registration order: its traffic steps compare
  every counter, and a reused host's order (nft first) differs from a fresh one's
  (legacy first), which the model assumes. Passes on the model for 20.10, 26.1, 28.5.

  Background:
    Given a Docker host
    And container "web" publishing 8080:80 serving "hello" over http
    And container "test1"

  Scenario: A DROP in the legacy FORWARD chain cuts the containers off; iptables-save shows nothing
    When I run on the host: iptables-legacy -A FORWARD -j DROP
    Then the filter table does not contain "-A FORWARD -j DROP"
    And the ruleset matches the model
    When "test1" pings the external client 2 times
    Then the ping fails
    When an external client requests http://<host ip>:8080/
    Then the request times out

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
