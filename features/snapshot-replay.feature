@snapshot
Feature: Replaying a snapshot of a real Docker host
  `nettwin snapshot --out host.json`, run as root on a Docker host, records its rules,
  interfaces, routes, sysctls, Docker networks, containers and docker-proxy listeners.
  `Given a host like the one in snapshot "host.json"` rebuilds that host: the model
  loads it; on a real backend the rules are restored, the bridges and addresses are
  created, and every running container is a network namespace behind its bridge. The
  containers keep their names, so steps speak of them as on the recorded host.

  This snapshot was taken on a real Docker 20.10 host with two networks, frontend (web,
  publishing 8080) and backend (api, db); fixtures/snapshots/README.md records what
  really happened there.

  Background:
    Given a host like the one in snapshot "fixtures/snapshots/two-networks-20.10.json"

  Scenario: Containers on the same network reach each other
    When "api" pings "db" 3 times
    Then the ping succeeds
    And the counters match the model

  Scenario: A container cannot reach a container on another network
    When "api" pings "web" 3 times
    Then the ping fails
    And these rules counted packets:
      | table  | rule                                                   | packets | bytes |
      | filter | -A DOCKER-ISOLATION-STAGE-2 -o br-718fdc2eeb7b -j DROP | 3       | 252   |
    And the counters match the model
