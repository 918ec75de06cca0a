@seed-000 @seed-004 @groundtruth-e2
Feature: Isolation between bridge networks
  Two bridges on one host are two subnets, and the host routes between them: ip_forward
  is on. What keeps them apart is the filter table. Every forwarded packet goes
  FORWARD → DOCKER-USER (empty, RETURN) → DOCKER-ISOLATION-STAGE-1, which sends
  anything that leaves a Docker bridge for another interface to DOCKER-ISOLATION-STAGE-2,
  where `-o <other bridge> -j DROP` ends it. The client sees a timeout, not a refusal.

  A dropped packet never gets a confirmed conntrack entry, so each retransmitted echo
  request is NEW again and walks nat PREROUTING again: three dropped pings count three
  packets on the nat PREROUTING policy, where three answered pings count one.

  Seed 004 deletes the DROP rules one at a time and finds that deleting only the DROP
  for the destination bridge is not enough: the request gets through, but the reply is
  forwarded from test_web towards docker0 and hits the other DROP. Only with both gone
  does the ping succeed. The request is MASQUERADEd on its way into test_web (the rule
  `-s 172.17.0.0/16 ! -o docker0` matches), so test3 sees the test_web gateway, not
  test1 (seed 002 saw the same with tcpdump).

  Counters are from a real Docker 20.10.24 (ground truth e2); TCP byte counts depend on
  TCP options, so the TCP scenario asserts packets only. Every endpoint ACKs at once
  (routes with `quickack 1`), so test3 ACKs test1's FIN before sending its own: 9
  packets, one more than e2 recorded with delayed ACKs.

  Docker 28 changed all of this: the scenarios tagged `@docker-28` say how, beside the
  seeds' 20.10 and 26.1 facts (tagged `@docker-before-28`). To stop hosts on the LAN from
  routing straight to a container's address (moby#45610), 28.x writes into the raw table
  `-A PREROUTING -d <container>/32 ! -i <its bridge> -j DROP` for every container. The
  raw table comes before conntrack and nat, so a packet from another bridge dies there:
  FORWARD, DOCKER-USER and the isolation chains never see it, and nat PREROUTING counts
  nothing. FORWARD itself is only `-j DOCKER-USER` and `-j DOCKER-FORWARD` now, and the
  DOCKER chain ends each bridge with `! -i <bridge> -o <bridge> -j DROP`. So seed 004's
  experiment no longer opens anything: with both STAGE-2 DROPs deleted the ping still
  fails in raw PREROUTING, and behind it the DOCKER chain's DROP would take the packet.
  The 28.x counters are those of a real Docker 28.5.2 (ground truth 28.5 e2).

  Background:
    Given a Docker host
    And a bridge network "test_web" with subnet 172.30.0.0/16 and gateway 172.30.0.1 named bridge "test_web"
    And container "test1"
    And container "test3" on network "test_web" listening on tcp port 9000

  @docker-before-28
  Scenario: A container on docker0 cannot ping a container on test_web
    When "test1" pings "test3" 3 times
    Then the ping fails
    And these rules counted packets:
      | table  | rule                                                                            | packets | bytes |
      | filter | -A FORWARD -j DOCKER-USER                                                       | 3       | 252   |
      | filter | -A FORWARD -j DOCKER-ISOLATION-STAGE-1                                          | 3       | 252   |
      | filter | -A DOCKER-ISOLATION-STAGE-1 -i docker0 ! -o docker0 -j DOCKER-ISOLATION-STAGE-2 | 3       | 252   |
      | filter | -A DOCKER-USER -j RETURN                                                        | 3       | 252   |
      | nat    | :POSTROUTING                                                                    | 0       | 0     |
    And rule "-A DOCKER-ISOLATION-STAGE-2 -o test_web -j DROP" counted 3 packets and 252 bytes
    And the nat table's PREROUTING policy counted 3 packets and 252 bytes
    And the counters match the model

  @docker-28 @docker-29
  Scenario: On Docker 28 and 29 the raw table drops the ping before FORWARD sees it
    When "test1" pings "test3" 3 times
    Then the ping fails
    And these rules counted packets:
      | table  | rule                                                  | packets | bytes |
      | raw    | -A PREROUTING -d 172.30.0.2/32 ! -i test_web -j DROP  | 3       | 252   |
      | filter | -A FORWARD -j DOCKER-USER                             | 0       | 0     |
      | filter | -A DOCKER-ISOLATION-STAGE-2 -o test_web -j DROP       | 0       | 0     |
      | nat    | :PREROUTING                                           | 0       | 0     |
    And the counters match the model

  @docker-before-28
  Scenario: Nor can test_web reach docker0: the other STAGE-2 rule drops it
    When "test3" pings "test1" 2 times
    Then the ping fails
    And these rules counted packets:
      | table  | rule                                                                              | packets | bytes |
      | filter | -A FORWARD -j DOCKER-USER                                                         | 2       | 168   |
      | filter | -A DOCKER-ISOLATION-STAGE-1 -i test_web ! -o test_web -j DOCKER-ISOLATION-STAGE-2 | 2       | 168   |
      | filter | -A DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP                                    | 2       | 168   |
      | nat    | :PREROUTING                                                                       | 2       | 168   |
    And the counters match the model

  @docker-28 @docker-29
  Scenario: On Docker 28 and 29 test_web cannot reach docker0 either: test1's raw DROP
    When "test3" pings "test1" 2 times
    Then the ping fails
    And these rules counted packets:
      | table  | rule                                                 | packets | bytes |
      | raw    | -A PREROUTING -d 172.17.0.2/32 ! -i docker0 -j DROP  | 2       | 168   |
      | filter | -A FORWARD -j DOCKER-USER                            | 0       | 0     |
      | nat    | :PREROUTING                                          | 0       | 0     |
    And the counters match the model

  @docker-before-28
  Scenario: Deleting only the DROP for test_web lets requests in but drops the replies
    When I run on the host: iptables -D DOCKER-ISOLATION-STAGE-2 -o test_web -j DROP
    And "test1" pings "test3" 3 times
    Then the ping fails
    And these rules counted packets:
      | table  | rule                                                                              | packets | bytes |
      | filter | -A FORWARD -j DOCKER-USER                                                         | 6       | 504   |
      | filter | -A FORWARD -o test_web -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT       | 2       | 168   |
      | filter | -A FORWARD -o test_web -j DOCKER                                                  | 1       | 84    |
      | filter | -A FORWARD -i docker0 ! -o docker0 -j ACCEPT                                      | 1       | 84    |
      | filter | -A DOCKER-ISOLATION-STAGE-1 -i test_web ! -o test_web -j DOCKER-ISOLATION-STAGE-2 | 3       | 252   |
      | filter | -A DOCKER-ISOLATION-STAGE-1 -i docker0 ! -o docker0 -j DOCKER-ISOLATION-STAGE-2   | 3       | 252   |
      | filter | -A DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP                                    | 3       | 252   |
      | filter | -A DOCKER-ISOLATION-STAGE-2 -j RETURN                                             | 3       | 252   |
      | nat    | :PREROUTING                                                                       | 1       | 84    |
      | nat    | -A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE                        | 1       | 84    |
    And the counters match the model

  @docker-before-28
  Scenario: Deleting both DROPs joins the two bridges
    When I run on the host:
      """
      iptables -D DOCKER-ISOLATION-STAGE-2 -o test_web -j DROP
      iptables -D DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP
      """
    And "test1" pings "test3" 3 times
    Then the ping succeeds
    And these rules counted packets:
      | table  | rule                                                                        | packets | bytes |
      | filter | -A FORWARD -j DOCKER-USER                                                   | 6       | 504   |
      | filter | -A FORWARD -o test_web -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT | 2       | 168   |
      | filter | -A FORWARD -o test_web -j DOCKER                                            | 1       | 84    |
      | filter | -A FORWARD -i test_web ! -o test_web -j ACCEPT                              | 3       | 252   |
      | filter | -A FORWARD -i docker0 ! -o docker0 -j ACCEPT                                | 1       | 84    |
      | filter | -A DOCKER-ISOLATION-STAGE-1 -j RETURN                                       | 6       | 504   |
      | filter | -A DOCKER-ISOLATION-STAGE-2 -j RETURN                                       | 6       | 504   |
      | nat    | :PREROUTING                                                                 | 1       | 84    |
      | nat    | -A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE                  | 1       | 84    |
    And the counters match the model

  @docker-28
  Scenario: On Docker 28 deleting both DROPs opens nothing
    When I run on the host:
      """
      iptables -D DOCKER-ISOLATION-STAGE-2 -o test_web -j DROP
      iptables -D DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP
      """
    And "test1" pings "test3" 3 times
    Then the ping fails
    And these rules counted packets:
      | table  | rule                                                  | packets | bytes |
      | raw    | -A PREROUTING -d 172.30.0.2/32 ! -i test_web -j DROP  | 3       | 252   |
      | filter | -A FORWARD -j DOCKER-USER                             | 0       | 0     |
    And the filter table contains:
      """
      -A DOCKER ! -i test_web -o test_web -j DROP
      """
    And the counters match the model

  @docker-28
  Scenario: On Docker 28 a TCP connection across the bridges times out with both DROPs gone
    When I run on the host:
      """
      iptables -D DOCKER-ISOLATION-STAGE-2 -o test_web -j DROP
      iptables -D DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP
      """
    And "test1" sends "hi" to "test3" on tcp port 9000
    Then the request times out
    And the counters match the model

  # Docker 29 writes no DOCKER-ISOLATION-STAGE-1/2 chains (raw PREROUTING already stops
  # direct routing between bridges), so the seeds' experiment, deleting the STAGE-2 DROPs,
  # cannot even be tried: iptables has nothing to delete, and the raw DROP still decides.
  @docker-29
  Scenario: On Docker 29 there are no STAGE-2 DROPs to delete; the raw table keeps the bridges apart
    When I try to run on the host: iptables -D DOCKER-ISOLATION-STAGE-2 -o test_web -j DROP
    Then the host command fails with "does a matching rule exist in that chain"
    And the filter table does not contain "-A DOCKER-FORWARD -j DOCKER-ISOLATION-STAGE-1"
    When "test1" pings "test3" 3 times
    Then the ping fails
    And these rules counted packets:
      | table  | rule                                                  | packets | bytes |
      | raw    | -A PREROUTING -d 172.30.0.2/32 ! -i test_web -j DROP  | 3       | 252   |
      | filter | -A FORWARD -j DOCKER-USER                             | 0       | 0     |
    When "test1" sends "hi" to "test3" on tcp port 9000
    Then the request times out
    And the counters match the model

  @docker-before-28
  Scenario: With both DROPs gone a TCP connection gets through, masqueraded
    When I run on the host:
      """
      iptables -D DOCKER-ISOLATION-STAGE-2 -o test_web -j DROP
      iptables -D DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP
      """
    And "test1" sends "hi" to "test3" on tcp port 9000
    Then the request succeeds
    And "test3" sees the request come from 172.30.0.1
    And these rules counted packets:
      | table  | rule                                                                              | packets |
      | filter | -A FORWARD -j DOCKER-USER                                                         | 9       |
      | filter | -A FORWARD -o test_web -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT       | 4       |
      | filter | -A FORWARD -o test_web -j DOCKER                                                  | 1       |
      | filter | -A FORWARD -i test_web ! -o test_web -j ACCEPT                                    | 4       |
      | filter | -A FORWARD -i docker0 ! -o docker0 -j ACCEPT                                      | 1       |
      | filter | -A DOCKER-ISOLATION-STAGE-1 -i test_web ! -o test_web -j DOCKER-ISOLATION-STAGE-2 | 4       |
      | filter | -A DOCKER-ISOLATION-STAGE-1 -i docker0 ! -o docker0 -j DOCKER-ISOLATION-STAGE-2   | 5       |
      | filter | -A DOCKER-ISOLATION-STAGE-1 -j RETURN                                             | 9       |
      | nat    | :PREROUTING                                                                       | 1       |
      | nat    | -A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE                        | 1       |
    And the counters match the model

  @seed-004
  Scenario: An HTTP request across bridges times out, while the host itself reaches the server
    # test1 holds 172.17.0.2, so ng1 is the next address on docker0.
    Given container "ng1" serving "nginx one" over http
    And a bridge network "bridge1" with subnet 172.18.0.0/16 and gateway 172.18.0.1 named bridge "docker1"
    And container "ng2" on network "bridge1"
    When "ng2" requests http://172.17.0.3/
    Then the request times out
    When the host requests http://172.17.0.3/
    Then the request succeeds with body "nginx one"
    And the counters match the model
