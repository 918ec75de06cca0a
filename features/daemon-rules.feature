@seed-003 @seed-004 @groundtruth-e1
Feature: The rules a Docker daemon installs, and what network options change
  Before any container runs, a starting daemon touches two tables only (seed 004: raw
  and mangle do not change). In nat it hooks a DOCKER chain into PREROUTING and OUTPUT
  for packets addressed to a local address, and masquerades what leaves docker0's
  subnet for another interface. In filter it hooks DOCKER-USER, DOCKER-ISOLATION-STAGE-1
  and the docker0 rules into FORWARD. Seed 004 reads the empty chains right: DOCKER-USER
  only RETURNs, and STAGE-1 → STAGE-2 is a round trip that does nothing until a second
  bridge exists.

  The FORWARD policy depends on the host: Docker sets it to DROP only when it has to turn
  ip_forward on itself. The recording was made on a host where forwarding was already
  on, so FORWARD stayed ACCEPT there.

  Seed 003 describes an older daemon (one DOCKER-ISOLATION chain, no STAGE-1/STAGE-2);
  that layout is in legacy-isolation.feature. Its reading of the code still holds for
  20.10: an internal network gets isolation rules and no MASQUERADE, and icc=false turns
  the same-bridge ACCEPT into a DROP.

  On Docker 25 and later (26.1 here) a container on internal networks only gets no
  default route at all: its ping to test1 fails inside the container with "Network is
  unreachable" and no rule counts, where 20.10 forwards it and STAGE-1 drops it. The
  scenario holds on both; the model knows which one it is.

  The expected listings below are copied from a real Docker 20.10.24 (ground truth e1),
  in iptables-save order; other rules may sit between the listed ones.

  Scenario: A fresh daemon hooks its chains into FORWARD and nat
    Given a Docker host
    Then the filter table contains:
      """
      -A FORWARD -j DOCKER-USER
      -A FORWARD -j DOCKER-ISOLATION-STAGE-1
      -A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
      -A FORWARD -o docker0 -j DOCKER
      -A FORWARD -i docker0 ! -o docker0 -j ACCEPT
      -A FORWARD -i docker0 -o docker0 -j ACCEPT
      -A DOCKER-ISOLATION-STAGE-1 -i docker0 ! -o docker0 -j DOCKER-ISOLATION-STAGE-2
      -A DOCKER-ISOLATION-STAGE-1 -j RETURN
      -A DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP
      -A DOCKER-ISOLATION-STAGE-2 -j RETURN
      -A DOCKER-USER -j RETURN
      """
    And the nat table contains:
      """
      -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
      -A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER
      -A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE
      -A DOCKER -i docker0 -j RETURN
      """
    And the filter table's FORWARD policy is ACCEPT
    And the ruleset matches the model

  Scenario: An internal network keeps its containers in and adds no MASQUERADE
    Given a Docker host
    And an internal bridge network "backend" with subnet 172.25.0.0/16 named bridge "backend"
    And container "db" on network "backend"
    And container "app" on network "backend"
    And container "test1"
    When "app" pings "db"
    Then the ping succeeds
    And the counters match the model
    When "app" pings "test1"
    Then the ping fails
    And the counters match the model
    And the nat table does not contain "-A POSTROUTING -s 172.25.0.0/16 ! -o backend -j MASQUERADE"
    And the ruleset matches the model

  Scenario: icc disabled on a network stops its containers talking to each other
    Given a Docker host
    And a bridge network "quiet" with subnet 172.26.0.0/16 named bridge "quiet" with icc disabled
    And container "talker" on network "quiet"
    And container "listener" on network "quiet"
    When "talker" pings "listener" 2 times
    Then the ping fails
    And the counters match the model
    And the filter table does not contain "-A FORWARD -i quiet -o quiet -j ACCEPT"
    And the ruleset matches the model

  Scenario: The daemon option --icc=false does the same on docker0
    Given a Docker host with daemon options "--icc=false"
    And container "test1"
    And container "test2"
    When "test1" pings "test2" 2 times
    Then the ping fails
    And the counters match the model
    And the filter table does not contain "-A FORWARD -i docker0 -o docker0 -j ACCEPT"
    And the ruleset matches the model

  Scenario: Without the userland proxy, published ports work by NAT alone
    Given a Docker host with daemon options "--userland-proxy=false"
    And a bridge network "test_net" with subnet 172.18.0.0/16 and gateway 172.18.0.1 named bridge "test_net"
    And container "nginx-demo" on network "test_net" with ip 172.18.0.66 publishing 8080:80 serving "hello" over http
    Then no docker-proxy listens on port 8080
    And the ruleset matches the model
    When an external client requests http://192.168.70.6:8080/
    Then the request succeeds with body "hello"
    And the counters match the model
    When "nginx-demo" requests http://192.168.70.6:8080/
    Then the request succeeds with body "hello"
    And the counters match the model
