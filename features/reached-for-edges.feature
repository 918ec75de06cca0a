Feature: Edges that scenarios written outside the project ran into
  A server with `--network host` lives in the host's own network namespace: it answers
  on the host's addresses, and its requests never cross a bridge. A container with
  `--network none` has a loopback and nothing else: anything but itself is "Network is
  unreachable", and not one packet reaches the host. And once iptables-nft has made a
  built-in chain for Docker (Docker 28's raw PREROUTING), the chain stays in the kernel
  when its rules go — after a daemon restart too — and its policy goes on counting,
  until the chain itself is deleted (`iptables -X`).

  Scenario: A server in the host's network namespace answers with its body
    Given a Docker host
    And container "web" with network host serving "from the host" over http on port 8081
    And container "box"
    When an external client requests http://<host ip>:8081/
    Then the request succeeds with body "from the host"
    When "box" requests http://172.17.0.1:8081/
    Then the request succeeds with body "from the host"

  Scenario: A container with no network reaches nothing but its own loopback
    Given a Docker host
    And container "alone" with network none
    When "alone" pings 192.168.70.9 3 times
    Then the ping fails
    And by Docker version, the last request or ping:
      | docker          | outcome        |
      | 20.10, 26.1, 28, 29 | is unreachable |
    And these rules counted packets:
      | table  | rule        | packets |
      | filter | :FORWARD    | 0       |
      | nat    | :PREROUTING | 0       |
    When "alone" requests http://192.168.70.9/
    Then the request fails as unreachable
    And by Docker version, the last request or ping:
      | docker          | outcome        |
      | 20.10, 26.1, 28, 29 | is unreachable |
    When "alone" pings 127.0.0.1 2 times
    Then the ping succeeds

  @docker-28 @docker-29
  Scenario: After a daemon restart with no container running, raw PREROUTING still counts
    Given a Docker host
    And container "web" publishing 8080:80 serving "hi" over http
    When the Docker daemon restarts
    Then the raw table does not contain "-A PREROUTING -d 172.17.0.2/32 ! -i docker0 -j DROP"
    When an external client requests http://<host ip>:8080/
    Then the request is refused
    And these rules counted packets:
      | table | rule        | packets |
      | raw   | :PREROUTING | 1       |

  Scenario: A built-in chain that once held a rule goes on counting until it is deleted
    Given a Docker host
    When the external client pings 192.168.70.6
    Then the ping succeeds
    And these rules counted packets:
      | table  | rule    | packets |
      | filter | :INPUT  | 0       |
    When I run on the host:
      """
      iptables -I INPUT -s 10.9.9.9/32 -j DROP
      iptables -D INPUT -s 10.9.9.9/32 -j DROP
      """
    And the external client pings 192.168.70.6
    Then the ping succeeds
    And these rules counted packets:
      | table  | rule    | packets | bytes |
      | filter | :INPUT  | 1       | 84    |
    # Deleting the (empty, ACCEPT) chain itself takes it out of the kernel: -X INPUT, or
    # a table-wide -X (nothing counts on filter FORWARD after moby-35043's -F and -X).
    When I run on the host: iptables -X INPUT
    And the external client pings 192.168.70.6
    Then the ping succeeds
    And these rules counted packets:
      | table  | rule    | packets |
      | filter | :INPUT  | 0       |
