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

  The expected listings below are copied from a real Docker 20.10.24 (ground truth e1;
  26.1 writes the same) and a real Docker 28.5.2 (its golden rulesets), in iptables-save
  order; other rules may sit between the listed ones. A rule about a network whose bridge
  Docker named says `<bridge of "quiet">` and `<subnet of "quiet">`.

  Docker 28 rewrote the filter rules (the scenario tagged `@docker-28`): FORWARD only
  jumps to DOCKER-USER and DOCKER-FORWARD, and DOCKER-FORWARD goes through DOCKER-CT (the
  conntrack ACCEPT), DOCKER-ISOLATION-STAGE-1 and DOCKER-BRIDGE before it accepts what
  leaves docker0. The DOCKER chain ends docker0 with `! -i docker0 -o docker0 -j DROP`,
  and no chain ends with a RETURN any more. icc=false is a DROP in DOCKER-FORWARD. Once
  containers run, 28.x also writes the raw table (see cross-bridge-isolation.feature).

  @docker-before-28
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

  @docker-28
  Scenario: On Docker 28 a fresh daemon hooks DOCKER-USER and DOCKER-FORWARD into FORWARD
    Given a Docker host
    Then the filter table contains:
      """
      -A FORWARD -j DOCKER-USER
      -A FORWARD -j DOCKER-FORWARD
      -A DOCKER ! -i docker0 -o docker0 -j DROP
      -A DOCKER-BRIDGE -o docker0 -j DOCKER
      -A DOCKER-CT -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
      -A DOCKER-FORWARD -j DOCKER-CT
      -A DOCKER-FORWARD -j DOCKER-ISOLATION-STAGE-1
      -A DOCKER-FORWARD -j DOCKER-BRIDGE
      -A DOCKER-FORWARD -i docker0 -j ACCEPT
      -A DOCKER-ISOLATION-STAGE-1 -i docker0 ! -o docker0 -j DOCKER-ISOLATION-STAGE-2
      -A DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP
      """
    And the filter table does not contain "-A FORWARD -j DOCKER-ISOLATION-STAGE-1"
    And the filter table does not contain "-A DOCKER-USER -j RETURN"
    And the nat table contains:
      """
      -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
      -A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER
      -A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE
      -A DOCKER -i docker0 -j RETURN
      """
    And the filter table's FORWARD policy is ACCEPT
    And the ruleset matches the model

  @docker-29
  Scenario: On Docker 29 a fresh daemon writes no isolation chains and no nat RETURN
    Given a Docker host
    Then the filter table contains:
      """
      -A FORWARD -j DOCKER-USER
      -A FORWARD -j DOCKER-FORWARD
      -A DOCKER ! -i docker0 -o docker0 -j DROP
      -A DOCKER-BRIDGE -o docker0 -j DOCKER
      -A DOCKER-CT -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
      -A DOCKER-FORWARD -j DOCKER-CT
      -A DOCKER-FORWARD -j DOCKER-INTERNAL
      -A DOCKER-FORWARD -j DOCKER-BRIDGE
      -A DOCKER-FORWARD -i docker0 -j ACCEPT
      """
    And the filter table does not contain "-A DOCKER-FORWARD -j DOCKER-ISOLATION-STAGE-1"
    And the filter table does not contain "-A DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP"
    And the nat table contains:
      """
      -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
      -A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER
      -A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE
      """
    And the nat table does not contain "-A DOCKER -i docker0 -j RETURN"
    And the filter table's FORWARD policy is ACCEPT
    And the ruleset matches the model

  Scenario: An internal network keeps its containers in and adds no MASQUERADE
    Given a Docker host
    And an internal bridge network "backend"
    And container "db" on network "backend"
    And container "app" on network "backend"
    And container "test1"
    When "app" pings "db"
    Then the ping succeeds
    When "app" pings "test1"
    Then the ping fails
    And the nat table does not contain "-A POSTROUTING -s <subnet of "backend"> ! -o <bridge of "backend"> -j MASQUERADE"
    And the ruleset matches the model
    And the counters match the model

  Scenario: icc disabled on a network stops its containers talking to each other
    Given a Docker host
    And a bridge network "quiet" with icc disabled
    And container "talker" on network "quiet"
    And container "listener" on network "quiet"
    When "talker" pings "listener" 2 times
    Then the ping fails
    And the filter table does not contain "-A FORWARD -i <bridge of "quiet"> -o <bridge of "quiet"> -j ACCEPT"
    And the ruleset matches the model
    And the counters match the model

  @docker-28 @docker-29
  Scenario: On Docker 28 and 29 icc disabled is a DROP in DOCKER-FORWARD
    Given a Docker host
    And a bridge network "quiet" with icc disabled
    Then the filter table contains:
      """
      -A DOCKER-FORWARD -i <bridge of "quiet"> -o <bridge of "quiet"> -j DROP
      -A DOCKER-FORWARD -i <bridge of "quiet"> ! -o <bridge of "quiet"> -j ACCEPT
      """
    And the ruleset matches the model

  Scenario: The daemon option --icc=false does the same on docker0
    Given a Docker host with daemon options "--icc=false"
    And container "test1"
    And container "test2"
    When "test1" pings "test2" 2 times
    Then the ping fails
    And the filter table does not contain "-A FORWARD -i docker0 -o docker0 -j ACCEPT"
    And the ruleset matches the model
    And the counters match the model

  Scenario: Without the userland proxy, published ports work by NAT alone
    Given a Docker host with daemon options "--userland-proxy=false"
    And a bridge network "test_net"
    And container "nginx-demo" on network "test_net" publishing 8080:80 serving "hello" over http
    Then no docker-proxy listens on port 8080
    When an external client requests http://192.168.70.6:8080/
    Then the request succeeds with body "hello"
    When "nginx-demo" requests http://192.168.70.6:8080/
    Then the request succeeds with body "hello"
    And the counters match the model
    And the ruleset matches the model
