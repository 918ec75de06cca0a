@docker-29
Feature: The seeds' answers on Docker 29 with its nftables backend
  With `dockerd --firewall-backend=nftables` Docker 29 writes no iptables rules at all:
  one native table, `ip docker-bridges` (see features/docker29-nftables.feature). The
  seeds' questions get these answers there. A container addressed from outside its bridge
  (another bridge, a neighbour that routes the subnet via the host) is dropped in
  raw-PREROUTING ("DROP DIRECT ACCESS"), before any NAT. A published port is DNATed for
  every request not from its own bridge (`iifname != "test_net" … dnat`), so a container
  on docker0 is translated and forwarded, not served by docker-proxy, and moby#38784
  (no userland proxy, another network) does not happen. Flushing iptables
  (moby#35043) touches nothing of Docker's.

  These run where Docker 29.7 runs: on the model (`--docker-version 29.7`). No Debian
  suite ships Docker 29, so no real Docker 29 daemon checks them here; on
  `--backend twin --docker-version 29.7` they run Docker 29's predicted rules on a real
  kernel (a 28.5 host whose daemon writes no rules, loaded with the model's table), not
  Docker 29's daemon.

  Scenario: A container on docker0 cannot address a container on another bridge
    Given a Docker host running Docker 29.7 with daemon options "--firewall-backend=nftables"
    And a bridge network "test_web" with subnet 172.30.0.0/16 and gateway 172.30.0.1 named bridge "test_web"
    And container "test3" on network "test_web" with ip 172.30.0.2 serving "web" over http
    And container "test1"
    When "test1" pings "test3" 3 times
    Then the ping fails
    And these rules counted packets:
      | table | rule                                                                                                     | packets | bytes |
      |       | ip docker-bridges raw-PREROUTING: ip daddr 172.30.0.2 iifname != "test_web" drop comment "DROP DIRECT ACCESS" | 3       | 252   |
    When "test1" requests http://172.30.0.2/
    Then the request times out
    And the counters match the model

  Scenario: A container on docker0 reaches a port published on another bridge through the DNAT, with or without docker-proxy
    Given a Docker host running Docker 29.7 with daemon options "--firewall-backend=nftables"
    And a bridge network "test_net" with subnet 172.18.0.0/16 and gateway 172.18.0.1 named bridge "test_net"
    And container "nginx-demo" on network "test_net" with ip 172.18.0.66 publishing 8080:80 serving "hello" over http
    And container "box"
    When "box" requests http://<host ip>:8080/
    Then the request succeeds with body "hello"
    And "nginx-demo" sees the request come from 172.18.0.1
    And these rules counted packets:
      | table | rule                                                                                                                     | packets |
      |       | ip docker-bridges nat-prerouting-and-output: iifname != "test_net" tcp dport 8080 dnat to 172.18.0.66:80 comment "DNAT" | 1       |
    When I kill docker-proxy
    And "box" requests http://<host ip>:8080/
    Then the request succeeds with body "hello"
    When "nginx-demo" requests http://<host ip>:8080/
    Then the request is refused
    And the counters match the model

  Scenario: Without the userland proxy a container on another network reaches the published port (moby#38784 does not happen)
    Given a Docker host running Docker 29.7 with daemon options "--firewall-backend=nftables --userland-proxy=false"
    And a bridge network "web_net" with subnet 172.18.0.0/16 and gateway 172.18.0.1 named bridge "web_net"
    And a bridge network "app_net" with subnet 172.19.0.0/16 and gateway 172.19.0.1 named bridge "app_net"
    And container "web" on network "web_net" with ip 172.18.0.2 publishing 8080:80 serving "hello" over http
    And container "app" on network "app_net" with ip 172.19.0.2
    When "app" requests http://<host ip>:8080/
    Then the request succeeds with body "hello"
    And the counters match the model

  Scenario: A neighbour that routes the container subnet via the host reaches no container (moby#45610 stays closed)
    Given a Docker host running Docker 29.7 with daemon options "--firewall-backend=nftables"
    And container "db" publishing 127.0.0.1:8080:80 serving "local only" over http
    And container "cache" serving "never published" over http
    And the external client routes 172.17.0.0/16 via the Docker host
    When the host requests http://127.0.0.1:8080/
    Then the request succeeds with body "local only"
    When an external client requests http://db/
    Then the request times out
    When an external client requests http://cache/
    Then the request times out
    When the external client pings "cache" 2 times
    Then the ping fails
    And the counters match the model

  Scenario: A container on an internal network reaches nothing outside it, and nothing outside reaches it
    Given a Docker host running Docker 29.7 with daemon options "--firewall-backend=nftables"
    And an internal bridge network "back" with subnet 172.30.10.0/24
    And container "api" on network "back" with ip 172.30.10.10
    When "api" pings the external client
    Then the ping fails
    Given the external client routes 172.30.10.0/24 via the Docker host
    When the external client pings "api" 3 times
    Then the ping fails
    And the counters match the model

  Scenario: Flushing iptables (moby#35043) leaves Docker's nftables rules, and everything, working
    Given a Docker host running Docker 29.7 with daemon options "--firewall-backend=nftables"
    And a bridge network "web_net" with subnet 172.18.0.0/16 and gateway 172.18.0.1 named bridge "web_net"
    And container "web" on network "web_net" with ip 172.18.0.2 publishing 8080:80 serving "hello" over http
    And container "other"
    When I run on the host:
      """
      iptables -F
      iptables -X
      iptables -t nat -F
      iptables -t nat -X
      """
    And "web" pings the external client 2 times
    Then the ping succeeds
    When "other" pings "web" 2 times
    Then the ping fails
    When an external client requests http://<host ip>:8080/
    Then the request succeeds with body "hello"
    And the counters match the model
