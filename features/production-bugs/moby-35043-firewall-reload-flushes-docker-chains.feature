@production-bug @moby-35043 @moby-50443
Feature: moby#35043 / moby#50443 — a firewall reload that flushes the tables removes Docker's chains
  Reported in moby/moby#35043 and many duplicates: "after `iptables -F` (or restarting my
  firewall script, `netfilter-persistent reload`, `ufw reload` on some setups)
  containers lose internet access and published ports behave oddly until Docker is
  restarted." A reload that flushes every rule (`iptables -F`) and deletes every user
  chain (`iptables -X`), in filter and nat, takes Docker's chains with it: DOCKER,
  DOCKER-USER, the isolation chains, the FORWARD jumps, and nat's DNAT and MASQUERADE.

  What breaks, on these hosts (FORWARD policy ACCEPT, the userland proxy on):
  - Egress: nothing rewrites a container's source any more, so its ping leaves with
    172.18.0.3, which the outside machine cannot answer (it has no route back).
  - Isolation: nothing separates the bridges any more, so a container on another
    network (docker0) reaches web — on 20.10 and 26.1. Docker 28's raw-table rules
    (`-d 172.18.0.2/32 ! -i web_net -j DROP`) are not in filter or nat: the flush does
    not touch them, and they still keep other bridges out.
  - A published port still answers: without the DNAT the request is delivered to the
    host, where docker-proxy listens on 0.0.0.0:8080 and forwards it. The container now
    sees the connection come from its gateway (docker-proxy), not from the client.

  Docker does not notice a flush: it rewrites its rules when it starts, and (with
  firewalld running) when firewalld announces a reload over D-Bus — moby#50443, in
  28.3.3 and later, made that reload restore the per-container rules too. A plain
  `iptables -F` sends no such signal, so 28.5 does nothing by itself here (there is no
  firewalld on these hosts). What brings it back is restarting the daemon; containers
  without a restart policy stop with it and are started again.

  "other" sits on the default bridge: with one user-defined network the order in which a
  restarting daemon restores its networks (Go map order) cannot change the ruleset.

  Background:
    Given a Docker host
    And a bridge network "web_net" with subnet 172.18.0.0/16 and gateway 172.18.0.1 named bridge "web_net"
    And container "web" on network "web_net" with ip 172.18.0.2 publishing 8080:80 serving "hello" over http
    And container "app" on network "web_net" with ip 172.18.0.3
    And container "other"

  Scenario: Before the reload: egress is masqueraded and the networks are isolated
    When "app" pings the external client 2 times
    Then the ping succeeds
    And the external client sees the ping come from 192.168.70.6
    When "other" pings "web" 2 times
    Then the ping fails
    And the counters match the model

  Scenario: A flush removes Docker's chains: egress and isolation break, the published port goes through docker-proxy
    When I run on the host:
      """
      iptables -F
      iptables -X
      iptables -t nat -F
      iptables -t nat -X
      """
    Then the nat table does not contain "-A POSTROUTING -s 172.18.0.0/16 ! -o web_net -j MASQUERADE"
    And the filter table does not contain "-A FORWARD -j DOCKER-USER"
    When "app" pings the external client 2 times
    Then the ping fails
    When "other" pings "web" 2 times
    Then by Docker version, the last request or ping:
      | docker     | outcome  |
      | 20.10,26.1 | succeeds |
      | 28, 29     | fails    |
    When an external client requests http://<host ip>:8080/
    Then the request succeeds with body "hello"
    And the counters match the model
    And the ruleset matches the model

  Scenario: Restarting the daemon brings Docker's rules back
    When I run on the host:
      """
      iptables -F
      iptables -X
      iptables -t nat -F
      iptables -t nat -X
      """
    And the Docker daemon restarts
    And I start container "web"
    And I start container "app"
    And I start container "other"
    Then the nat table contains:
      """
      -A POSTROUTING -s 172.18.0.0/16 ! -o web_net -j MASQUERADE
      """
    And the filter table contains:
      """
      -A FORWARD -j DOCKER-USER
      """
    When "app" pings the external client 2 times
    Then the ping succeeds
    And the external client sees the ping come from 192.168.70.6
    When "other" pings "web" 2 times
    Then the ping fails
    When an external client requests http://<host ip>:8080/
    Then the request succeeds with body "hello"
    And the counters match the model
    And the ruleset matches the model
