@seed-000 @seed-004 @groundtruth-e3
Feature: Publishing a port: DNAT for the outside, docker-proxy for the host and the hairpin
  `docker run -p 8080:80` does two things. It writes a DNAT rule in the nat DOCKER chain
  (`! -i test_net -p tcp --dport 8080 -j DNAT --to-destination 172.18.0.66:80`) and a
  filter DOCKER rule that lets the translated packets through FORWARD; and it starts a
  docker-proxy process listening on 0.0.0.0:8080.

  Seed 004 asks which of the two carries the traffic. From outside, the DNAT does: the
  request is translated in PREROUTING and forwarded, so killing docker-proxy changes
  nothing for an external client. From a container, the nat DOCKER chain starts with
  `-i docker0 -j RETURN` (one per bridge), so a container that asks the host's address
  is not translated; its request is delivered locally to docker-proxy, which opens a
  new connection to the container (nat OUTPUT and POSTROUTING count it). Kill the
  proxy and that request is refused — curl exits 7, as in the article.

  Two details of the real engine differ from the articles. Seed 004 sees filter INPUT
  count when an external client connects and explains it as "docker0 to the container";
  on iptables-nft (Debian's 1.8.9) the built-in INPUT chain does not exist until a rule
  or a policy is set, so it counts nothing at all. And seed 004 cannot explain why nat
  PREROUTING's DOCKER rule did not count more after the kill: only the first packet of a
  connection traverses nat, so one request counts one packet there.

  The host itself asking 127.0.0.1:8080 is not translated either (the OUTPUT rule
  excludes 127.0.0.0/8), so it too needs docker-proxy; asking the host's own address
  is translated by the OUTPUT DOCKER rule and works without the proxy.

  Counters are those of a real Docker 20.10.24 (ground truth e3), but for one packet: the
  server answers in one segment and every endpoint ACKs at once (routes with
  `quickack 1`), where e3's busybox sent headers and body apart and the client ACKed
  both with one. The external client is a machine on the host's network (the host is
  192.168.70.6). TCP byte counts depend on TCP options, so packets are asserted.

  Docker 28 (scenarios tagged `@docker-28`, beside 20.10's and 26.1's tagged
  `@docker-before-28`) writes the same DNAT and the same filter DOCKER ACCEPT, but
  FORWARD reaches them another way: FORWARD → DOCKER-USER, then DOCKER-FORWARD →
  DOCKER-CT (the conntrack ACCEPT for the replies' direction), DOCKER-ISOLATION-STAGE-1,
  DOCKER-BRIDGE (`-o test_net -j DOCKER`), where the port's ACCEPT stands above the
  bridge's `! -i test_net -o test_net -j DROP`. Its new raw PREROUTING rule `-d
  172.18.0.66/32 ! -i test_net -j DROP`, which blocks direct routing to the container
  (moby#45610), does not stop the published port: raw comes before nat, so the request
  still carries the host's address there and is translated only afterwards.

  Docker 29 (scenarios tagged `@docker-29`) writes no `-A DOCKER -i <bridge> -j RETURN`
  in nat and no isolation chains. A container on another bridge that asks the host's
  address for the port now matches the DNAT (`! -i test_net`): it is translated,
  forwarded to test_net and masqueraded there, and needs no docker-proxy. Only a request
  from the published container's own bridge (and the host's 127.0.0.1) still goes
  through docker-proxy.

  Background:
    Given a Docker host
    And a bridge network "test_net" with subnet 172.18.0.0/16 and gateway 172.18.0.1 named bridge "test_net"
    And container "nginx-demo" on network "test_net" with ip 172.18.0.66 publishing 8080:80 serving "hello" over http
    And container "box"

  Scenario: Docker writes the DNAT and the FORWARD accept, and starts docker-proxy
    Then the nat table contains:
      """
      -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
      -A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER
      -A DOCKER ! -i test_net -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.18.0.66:80
      """
    And the filter table contains:
      """
      -A DOCKER -d 172.18.0.66/32 ! -i test_net -o test_net -p tcp -m tcp --dport 80 -j ACCEPT
      """
    And docker-proxy listens on 0.0.0.0:8080
    And the ruleset matches the model

  @docker-before-28
  Scenario: An external client is served through DNAT and FORWARD
    When an external client requests http://192.168.70.6:8080/
    Then the request succeeds with body "hello"
    And these rules counted packets:
      | table  | rule                                                                                       | packets |
      | filter | -A FORWARD -j DOCKER-USER                                                                  | 11      |
      | filter | -A FORWARD -o test_net -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT                | 5       |
      | filter | -A FORWARD -o test_net -j DOCKER                                                           | 1       |
      | filter | -A FORWARD -i test_net ! -o test_net -j ACCEPT                                             | 5       |
      | filter | -A DOCKER -d 172.18.0.66/32 ! -i test_net -o test_net -p tcp -m tcp --dport 80 -j ACCEPT   | 1       |
      | filter | -A DOCKER-ISOLATION-STAGE-1 -i test_net ! -o test_net -j DOCKER-ISOLATION-STAGE-2          | 5       |
      | filter | -A DOCKER-ISOLATION-STAGE-2 -j RETURN                                                      | 5       |
      | filter | :INPUT                                                                                     | 0       |
      | nat    | -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER                                       | 1       |
      | nat    | -A DOCKER ! -i test_net -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.18.0.66:80 | 1       |
      | nat    | :PREROUTING                                                                                | 0       |
      | nat    | :POSTROUTING                                                                               | 1       |
    And the counters match the model

  @docker-28 @docker-29
  Scenario: On Docker 28 and 29 an external client is served through DNAT and DOCKER-FORWARD
    When an external client requests http://192.168.70.6:8080/
    Then the request succeeds with body "hello"
    And these rules counted packets:
      | table  | rule                                                                                       | packets |
      | raw    | -A PREROUTING -d 172.18.0.66/32 ! -i test_net -j DROP                                      | 0       |
      | filter | -A FORWARD -j DOCKER-USER                                                                  | 11      |
      | filter | -A FORWARD -j DOCKER-FORWARD                                                               | 11      |
      | filter | -A DOCKER-CT -o test_net -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT              | 5       |
      | filter | -A DOCKER-BRIDGE -o test_net -j DOCKER                                                     | 1       |
      | filter | -A DOCKER -d 172.18.0.66/32 ! -i test_net -o test_net -p tcp -m tcp --dport 80 -j ACCEPT   | 1       |
      | filter | -A DOCKER ! -i test_net -o test_net -j DROP                                                | 0       |
      | filter | -A DOCKER-FORWARD -i test_net -j ACCEPT                                                    | 5       |
      | filter | :INPUT                                                                                     | 0       |
      | nat    | -A DOCKER ! -i test_net -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.18.0.66:80 | 1       |
      | nat    | :POSTROUTING                                                                               | 1       |
    And the counters match the model

  @docker-before-29
  Scenario: A container on docker0 reaches the published port through docker-proxy (hairpin)
    # <host ip> is the Docker host's own address on eth0 (here 192.168.70.6).
    When "box" requests http://<host ip>:8080/
    Then the request succeeds with body "hello"
    And these rules counted packets:
      | table  | rule                                                 | packets |
      | nat    | :PREROUTING                                          | 1       |
      | nat    | -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER | 1       |
      | nat    | -A DOCKER -i docker0 -j RETURN                       | 1       |
      | nat    | :OUTPUT                                              | 1       |
      | nat    | :POSTROUTING                                         | 1       |
      | filter | -A FORWARD -j DOCKER-USER                            | 0       |
    And the counters match the model

  @docker-before-29
  Scenario: The docker0 gateway address works the same way
    When "box" requests http://172.17.0.1:8080/
    Then the request succeeds with body "hello"
    And these rules counted packets:
      | table | rule                                                 | packets |
      | nat   | :PREROUTING                                          | 1       |
      | nat   | -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER | 1       |
      | nat   | -A DOCKER -i docker0 -j RETURN                       | 1       |
      | nat   | :OUTPUT                                              | 1       |
      | nat   | :POSTROUTING                                         | 1       |
    And the counters match the model

  @docker-before-29
  Scenario: The published container reaches itself through the host's address
    When "nginx-demo" requests http://192.168.70.6:8080/
    Then the request succeeds with body "hello"
    And these rules counted packets:
      | table | rule                                                 | packets |
      | nat   | :PREROUTING                                          | 1       |
      | nat   | -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER | 1       |
      | nat   | -A DOCKER -i test_net -j RETURN                      | 1       |
      | nat   | :OUTPUT                                              | 1       |
      | nat   | :POSTROUTING                                         | 1       |
    And the counters match the model

  Scenario: Killing docker-proxy does not affect an external client
    When I kill docker-proxy
    Then no docker-proxy listens on port 8080
    When an external client requests http://192.168.70.6:8080/
    Then the request succeeds with body "hello"
    And these rules counted packets:
      | table  | rule                                                                                       | packets |
      | filter | -A FORWARD -j DOCKER-USER                                                                  | 11      |
      | filter | -A DOCKER -d 172.18.0.66/32 ! -i test_net -o test_net -p tcp -m tcp --dport 80 -j ACCEPT   | 1       |
      | nat    | -A DOCKER ! -i test_net -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.18.0.66:80 | 1       |
      | nat    | :POSTROUTING                                                                               | 1       |
    And the counters match the model

  @docker-before-29
  Scenario: Without docker-proxy the hairpin from a container is refused
    When I kill docker-proxy
    And "box" requests http://192.168.70.6:8080/
    Then the request is refused
    And these rules counted packets:
      | table | rule                                                 | packets |
      | nat   | :PREROUTING                                          | 1       |
      | nat   | -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER | 1       |
      | nat   | -A DOCKER -i docker0 -j RETURN                       | 1       |
      | nat   | :OUTPUT                                              | 0       |
      | nat   | :POSTROUTING                                         | 0       |
    And the counters match the model

  Scenario: Without docker-proxy the host cannot use 127.0.0.1, but its own address works
    When I kill docker-proxy
    And the host requests http://127.0.0.1:8080/
    Then the request is refused
    And these rules counted packets:
      | table | rule                                                              | packets |
      | nat   | :OUTPUT                                                           | 1       |
      | nat   | :POSTROUTING                                                      | 1       |
      | nat   | -A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER | 0       |
    When the host requests http://192.168.70.6:8080/
    Then the request succeeds with body "hello"
    And these rules counted packets:
      | table | rule                                                                                       | packets |
      | nat   | -A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER                          | 1       |
      | nat   | -A DOCKER ! -i test_net -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.18.0.66:80 | 1       |
      | nat   | :OUTPUT                                                                                    | 0       |
      | nat   | :POSTROUTING                                                                               | 1       |
    And the counters match the model

  @seed-000
  Scenario: With DNAT bypassed, docker-proxy alone still serves the outside, until it is killed
    When I run on the host: iptables -t nat -I DOCKER 1 -p tcp -j RETURN
    And an external client requests http://192.168.70.6:8080/
    Then the request succeeds with body "hello"
    When I kill docker-proxy
    And an external client requests http://192.168.70.6:8080/
    Then the request is refused
    And the counters match the model

  @seed-004
  Scenario: Restarting the container brings docker-proxy back
    When I kill docker-proxy
    And I restart container "nginx-demo"
    Then docker-proxy listens on 0.0.0.0:8080
    When "box" requests http://192.168.70.6:8080/
    Then the request succeeds with body "hello"
    And the counters match the model

  @seed-004 @docker-before-29
  Scenario: A port published on docker0 gets the same pair of rules, written for docker0
    # box holds 172.17.0.2, so ng1 is the next address on docker0.
    Given container "ng1" publishing 8001:80 serving "nginx one" over http
    Then the nat table contains:
      """
      -A DOCKER -i docker0 -j RETURN
      -A DOCKER ! -i docker0 -p tcp -m tcp --dport 8001 -j DNAT --to-destination 172.17.0.3:80
      """
    And the filter table contains:
      """
      -A DOCKER -d 172.17.0.3/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT
      """
    And docker-proxy listens on 0.0.0.0:8001
    When an external client requests http://192.168.70.6:8001/
    Then the request succeeds with body "nginx one"
    When "ng1" requests http://192.168.70.6:8001/
    Then the request succeeds with body "nginx one"
    And the counters match the model

  @docker-29
  Scenario: On Docker 29 a container on docker0 is translated by the DNAT, not served by docker-proxy
    When "box" requests http://<host ip>:8080/
    Then the request succeeds with body "hello"
    And "nginx-demo" sees the request come from 172.18.0.1
    And these rules counted packets:
      | table  | rule                                                                                       | packets |
      | nat    | -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER                                       | 1       |
      | nat    | -A DOCKER ! -i test_net -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.18.0.66:80 | 1       |
      | nat    | -A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE                                 | 1       |
      | nat    | :OUTPUT                                                                                    | 0       |
      | filter | -A DOCKER -d 172.18.0.66/32 ! -i test_net -o test_net -p tcp -m tcp --dport 80 -j ACCEPT   | 1       |
    When "box" requests http://172.17.0.1:8080/
    Then the request succeeds with body "hello"
    And these rules counted packets:
      | table  | rule                                                                                       | packets |
      | nat    | -A DOCKER ! -i test_net -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.18.0.66:80 | 1       |
      | nat    | :OUTPUT                                                                                    | 0       |
    And the counters match the model

  @docker-29
  Scenario: On Docker 29 the published container still reaches itself through docker-proxy
    When "nginx-demo" requests http://192.168.70.6:8080/
    Then the request succeeds with body "hello"
    And these rules counted packets:
      | table | rule                                                 | packets |
      | nat   | :PREROUTING                                          | 1       |
      | nat   | -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER | 1       |
      | nat   | :OUTPUT                                              | 1       |
      | nat   | :POSTROUTING                                         | 1       |
    And the counters match the model

  @docker-29
  Scenario: On Docker 29 killing docker-proxy leaves the hairpin from docker0 working, not from test_net
    When I kill docker-proxy
    And "box" requests http://192.168.70.6:8080/
    Then the request succeeds with body "hello"
    When "nginx-demo" requests http://192.168.70.6:8080/
    Then the request is refused
    And these rules counted packets:
      | table | rule                                                 | packets |
      | nat   | :PREROUTING                                          | 1       |
      | nat   | -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER | 1       |
      | nat   | :OUTPUT                                              | 0       |
    And the counters match the model

  @seed-004 @docker-29
  Scenario: On Docker 29 a port published on docker0 gets its DNAT and ACCEPT, and no nat RETURN
    Given container "ng1" publishing 8001:80 serving "nginx one" over http
    Then the nat table contains:
      """
      -A DOCKER ! -i docker0 -p tcp -m tcp --dport 8001 -j DNAT --to-destination 172.17.0.3:80
      """
    And the nat table does not contain "-A DOCKER -i docker0 -j RETURN"
    And the filter table contains:
      """
      -A DOCKER -d 172.17.0.3/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT
      """
    And docker-proxy listens on 0.0.0.0:8001
    When an external client requests http://192.168.70.6:8001/
    Then the request succeeds with body "nginx one"
    When "ng1" requests http://192.168.70.6:8001/
    Then the request succeeds with body "nginx one"
    And the counters match the model
