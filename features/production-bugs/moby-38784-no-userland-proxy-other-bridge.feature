@production-bug @moby-38784
Feature: moby#38784 — without the userland proxy, a container on another network cannot reach a published port
  Reported in moby/moby#38784: "with `--userland-proxy=false`, a container cannot
  connect to a port another container publishes, through the host's address, when the
  two are on different networks; with the proxy it works."

  With the proxy, the nat DOCKER chain RETURNs what comes in on a Docker bridge
  (`-A DOCKER -i <bridge> -j RETURN`): the request is not translated, it is delivered to
  the host (INPUT), docker-proxy accepts it and opens its own connection to the
  container from the host. Without the proxy those RETURNs are gone (hairpin mode), so
  the request is translated to the container's address in PREROUTING and then
  forwarded from one bridge to the other, where Docker's isolation chains drop it
  (`-A DOCKER-ISOLATION-STAGE-2 -o <bridge> -j DROP`). The client sees a timeout.

  It still holds on every engine here: 20.10, 26.1 and 28.5 (run on twin) all time out,
  the three SYNs translated by DNAT and dropped by STAGE-2. A container on the server's
  own network is not affected: its request is translated too, but stays on one bridge.

  Docker 29 removed the isolation chains (raw PREROUTING already stops traffic addressed
  to a container from outside its bridge, and a translated request carried the host's
  address there): the translated request is forwarded and accepted by the port's filter
  DOCKER rule, so on 29 the bug is gone (scenario tagged `@docker-29`).

  Scenario: With the userland proxy, a container on another network reaches the published port
    Given a Docker host
    And a bridge network "web_net" with subnet 172.18.0.0/16 and gateway 172.18.0.1 named bridge "web_net"
    And a bridge network "app_net" with subnet 172.19.0.0/16 and gateway 172.19.0.1 named bridge "app_net"
    And container "web" on network "web_net" with ip 172.18.0.2 publishing 8080:80 serving "hello" over http
    And container "app" on network "app_net" with ip 172.19.0.2
    When "app" requests http://<host ip>:8080/
    Then the request succeeds with body "hello"
    And the counters match the model

  @docker-before-29
  Scenario: Without the userland proxy, the same request is translated, forwarded and dropped
    Given a Docker host with daemon options "--userland-proxy=false"
    And a bridge network "web_net" with subnet 172.18.0.0/16 and gateway 172.18.0.1 named bridge "web_net"
    And a bridge network "app_net" with subnet 172.19.0.0/16 and gateway 172.19.0.1 named bridge "app_net"
    And container "web" on network "web_net" with ip 172.18.0.2 publishing 8080:80 serving "hello" over http
    And container "app" on network "app_net" with ip 172.19.0.2
    When "app" requests http://<host ip>:8080/
    Then the request times out
    And these rules counted packets:
      | table  | rule                                                                                     | packets |
      | nat    | -A DOCKER -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.18.0.2:80              | 3       |
      | filter | -A DOCKER-ISOLATION-STAGE-2 -o web_net -j DROP                                           | 3       |
    And the counters match the model

  Scenario: Without the userland proxy, a container on the same network as the server still reaches it
    Given a Docker host with daemon options "--userland-proxy=false"
    And a bridge network "web_net" with subnet 172.18.0.0/16 and gateway 172.18.0.1 named bridge "web_net"
    And a bridge network "app_net" with subnet 172.19.0.0/16 and gateway 172.19.0.1 named bridge "app_net"
    And container "web" on network "web_net" with ip 172.18.0.2 publishing 8080:80 serving "hello" over http
    And container "app" on network "app_net" with ip 172.19.0.2
    And container "neighbour" on network "web_net" with ip 172.18.0.3
    When "neighbour" requests http://<host ip>:8080/
    Then the request succeeds with body "hello"
    And the counters match the model

  @docker-29
  Scenario: On Docker 29, without the userland proxy, the request from another network is translated and served
    Given a Docker host with daemon options "--userland-proxy=false"
    And a bridge network "web_net" with subnet 172.18.0.0/16 and gateway 172.18.0.1 named bridge "web_net"
    And a bridge network "app_net" with subnet 172.19.0.0/16 and gateway 172.19.0.1 named bridge "app_net"
    And container "web" on network "web_net" with ip 172.18.0.2 publishing 8080:80 serving "hello" over http
    And container "app" on network "app_net" with ip 172.19.0.2
    When "app" requests http://<host ip>:8080/
    Then the request succeeds with body "hello"
    And these rules counted packets:
      | table  | rule                                                                                    | packets |
      | raw    | -A PREROUTING -d 172.18.0.2/32 ! -i web_net -j DROP                                     | 0       |
      | nat    | -A DOCKER -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.18.0.2:80             | 1       |
      | filter | -A DOCKER -d 172.18.0.2/32 ! -i web_net -o web_net -p tcp -m tcp --dport 80 -j ACCEPT   | 1       |
    And the counters match the model
