@production-bug @moby-45610
Feature: moby#45610 — a neighbour that routes the container subnet via the host reaches every container port
  Reported in moby/moby#45610 (2023): "I published my database with `-p 127.0.0.1:5432:5432`
  so only the host could reach it, yet another machine on the LAN connects to it." That
  machine needs no published port at all: it routes 172.17.0.0/16 via the Docker host's
  LAN address (`ip route add 172.17.0.0/16 via <host>`) and connects to the container's
  own address. The packet arrives on eth0 and is forwarded to docker0, where filter's
  DOCKER chain accepts it: the rule Docker writes for the published port
  (`-d 172.17.0.2/32 ! -i docker0 -o docker0 --dport 80 -j ACCEPT`) names the container
  port but not the host address the port was published on. A port that was never
  published falls through Docker's chains to FORWARD's policy, which is ACCEPT on these
  hosts (the daemon sets it to DROP only when it turns ip_forward on itself).

  Docker 28.0 closed it in the raw table: PREROUTING drops any packet for a container's
  address that does not come in on the container's bridge
  (`-d 172.17.0.2/32 ! -i docker0 -j DROP`, unless the daemon runs with
  `--allow-direct-routing` or the network's gateway mode is `routed`/`nat-unprotected`),
  and a port published on 127.0.0.1 gets `-d 127.0.0.1/32 ! -i lo … -j DROP`.
  Docker 20.10 and 26.1 (and every release before 28.0) let the neighbour in. Docker 29 keeps
  the raw DROPs (its rows say `28, 29`).

  Background:
    Given a Docker host
    And container "db" publishing 127.0.0.1:8080:80 serving "local only" over http
    And container "cache" serving "never published" over http
    And the external client routes 172.17.0.0/16 via the Docker host

  Scenario: The host itself reaches the port published on 127.0.0.1
    When the host requests http://127.0.0.1:8080/
    Then the request succeeds with body "local only"

  Scenario: The neighbour reaches the port published only on 127.0.0.1 (until Docker 28)
    When an external client requests http://db/
    Then by Docker version, the last request or ping:
      | docker     | outcome   | body       |
      | 20.10,26.1 | succeeds  | local only |
      | 28, 29     | times out |            |
    And by Docker version, these rules counted packets:
      | docker     | table  | rule                                                                                  | packets |
      | 20.10,26.1 | filter | -A DOCKER -d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT | 1       |
      | 28, 29     | raw    | -A PREROUTING -d 172.17.0.2/32 ! -i docker0 -j DROP                                   | 3       |
      | 28, 29     | filter | -A DOCKER -d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT | 0       |
    And the counters match the model

  Scenario: The neighbour reaches a port that was never published (until Docker 28)
    When an external client requests http://cache/
    Then by Docker version, the last request or ping:
      | docker     | outcome   | body            |
      | 20.10,26.1 | succeeds  | never published |
      | 28, 29     | times out |                 |
    And by Docker version, these rules counted packets:
      | docker     | table  | rule                                                | packets |
      | 20.10,26.1 | filter | :FORWARD                                            | 1       |
      | 28, 29     | raw    | -A PREROUTING -d 172.17.0.3/32 ! -i docker0 -j DROP | 3       |
    And the counters match the model

  Scenario: The neighbour pings a container (until Docker 28)
    When the external client pings "cache" 2 times
    Then by Docker version, the last request or ping:
      | docker     | outcome  |
      | 20.10,26.1 | succeeds |
      | 28, 29     | fails    |
    And the counters match the model
