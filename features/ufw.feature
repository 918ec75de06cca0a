@ufw
Feature: ufw beside Docker: a denied port that still answers, and the fixes people use
  The most reported Docker firewall surprise (moby#4737, moby#22054, docker/for-linux#690):
  `ufw default deny incoming` and even `ufw deny 8080` do not stop a published port. ufw
  hooks its chains into INPUT, OUTPUT and FORWARD (ufw-before-*, ufw-user-*, ufw-after-*…),
  but a request for a published port is translated in nat PREROUTING (DNAT to the
  container) before any filtering, so it is forwarded, not delivered to the host: it never
  meets INPUT, and in FORWARD Docker's own rules, which come first, accept it before
  FORWARD reaches ufw's jumps (appended when ufw was enabled).

  What ufw writes is Debian's ufw 0.36.2: `ufw --force enable` runs ufw-init, which loads
  before.rules, after.rules and user.rules; `ufw deny 8080` appends a tcp and a udp rule
  to ufw-user-input. The model runs the same commands (src/netfilter/ufw, replayed against
  recordings of real hosts in fixtures/ufw), and on twin every host command is checked
  against the real host's iptables-save.

  The fixes people reach for, and what each counts:
  - Publishing on 127.0.0.1 only: the DNAT rule then matches only that destination, so a
    request for the host's LAN address is not translated; it goes to INPUT, where ufw's
    `deny 8080` rule drops each SYN. The host itself still reaches the port.
  - The ufw-docker pattern (github.com/chaifeng/ufw-docker): DOCKER-USER, the chain Docker
    leaves to the administrator at the top of FORWARD, jumps to ufw-user-forward and then
    drops new TCP connections to private addresses; `ufw route allow …` rules decide which
    containers answer. (Its after.rules also return early for traffic from private
    networks, 10/8, 172.16/12 and 192.168/16, which would let this LAN's client
    192.168.70.9 through; the scenarios leave that rule out to show the drop.)
  - `ufw route deny` alone changes nothing for a published port: it lands in
    ufw-user-forward, which FORWARD reaches only after Docker's accept. Behind the
    pattern's jump it is met first, and it drops.

  The external client is 192.168.70.9 on the host's LAN; the host is 192.168.70.6.

  Scenario: ufw denies incoming and denies the port, and the published port still answers
    Given container "web" publishing 8080:80 serving "hello" over http
    When I run on the host:
      """
      ufw default deny incoming
      ufw deny 8080
      ufw --force enable
      """
    Then the filter table's INPUT policy is DROP
    And the filter table contains:
      """
      -A INPUT -j ufw-before-input
      -A ufw-user-input -p tcp -m tcp --dport 8080 -j DROP
      -A ufw-user-input -p udp -m udp --dport 8080 -j DROP
      """
    When an external client requests http://192.168.70.6:8080/
    Then the request succeeds with body "hello"
    And these rules counted packets:
      | table  | rule                                                                                   | packets |
      | nat    | -A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80 | 1       |
      | filter | -A FORWARD -j DOCKER-USER                                                              | 11      |
      | filter | -A INPUT -j ufw-before-logging-input                                                   | 0       |
      | filter | -A FORWARD -j ufw-before-logging-forward                                               | 0       |
      | filter | -A ufw-user-input -p tcp -m tcp --dport 8080 -j DROP                                   | 0       |

  Scenario: Publishing on 127.0.0.1 keeps the port to the host, and ufw's rule counts the SYNs
    Given container "admin" publishing 127.0.0.1:8080:80 serving "admin" over http
    When I run on the host:
      """
      ufw deny 8080
      ufw --force enable
      """
    And an external client requests http://192.168.70.6:8080/
    Then the request times out
    And these rules counted packets:
      | table  | rule                                                                                                  | packets |
      | nat    | -A DOCKER -d 127.0.0.1/32 ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80 | 0       |
      | filter | -A ufw-user-input -p tcp -m tcp --dport 8080 -j DROP                                                  | 3       |
      | filter | -A FORWARD -j DOCKER-USER                                                                             | 0       |
    When the host requests http://127.0.0.1:8080/
    Then the request succeeds with body "admin"

  Scenario: ufw route deny alone does not stop a published port
    Given container "web" publishing 8080:80 serving "hello" over http
    When I run on the host:
      """
      ufw --force enable
      ufw route deny proto tcp from any to 172.17.0.2 port 80
      """
    Then the filter table contains:
      """
      -A ufw-user-forward -d 172.17.0.2/32 -p tcp -m tcp --dport 80 -j DROP
      """
    When an external client requests http://192.168.70.6:8080/
    Then the request succeeds with body "hello"
    And these rules counted packets:
      | table  | rule                                                                 | packets |
      | filter | -A FORWARD -j DOCKER-USER                                            | 11      |
      | filter | -A FORWARD -j ufw-before-forward                                     | 0       |
      | filter | -A ufw-user-forward -d 172.17.0.2/32 -p tcp -m tcp --dport 80 -j DROP | 0       |

  Scenario: Behind the ufw-docker jump, ufw route deny drops the published port's SYNs
    Given container "web" publishing 8080:80 serving "hello" over http
    When I run on the host:
      """
      ufw --force enable
      iptables -I DOCKER-USER 1 -j ufw-user-forward
      ufw route deny proto tcp from any to 172.17.0.2 port 80
      """
    And an external client requests http://192.168.70.6:8080/
    Then the request times out
    And these rules counted packets:
      | table  | rule                                                                 | packets |
      | filter | -A FORWARD -j DOCKER-USER                                            | 3       |
      | filter | -A DOCKER-USER -j ufw-user-forward                                   | 3       |
      | filter | -A ufw-user-forward -d 172.17.0.2/32 -p tcp -m tcp --dport 80 -j DROP | 3       |

  Scenario: The ufw-docker pattern drops new connections to containers until ufw route allows one
    Given container "web" publishing 8080:80 serving "hello" over http
    And container "other" publishing 9090:80 serving "other" over http
    When I run on the host:
      """
      ufw --force enable
      iptables -N ufw-docker-logging-deny
      iptables -A ufw-docker-logging-deny -m limit --limit 3/min --limit-burst 10 -j LOG --log-prefix "[UFW DOCKER BLOCK] "
      iptables -A ufw-docker-logging-deny -j DROP
      iptables -I DOCKER-USER 1 -j ufw-user-forward
      iptables -I DOCKER-USER 2 -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -d 172.16.0.0/12 -j ufw-docker-logging-deny
      """
    And an external client requests http://192.168.70.6:8080/
    Then the request times out
    And these rules counted packets:
      | table  | rule                                                                                              | packets |
      | filter | -A DOCKER-USER -d 172.16.0.0/12 -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -j ufw-docker-logging-deny | 3       |
      | filter | -A ufw-docker-logging-deny -j DROP                                                                | 3       |
    When I run on the host: ufw route allow proto tcp from any to 172.17.0.2 port 80
    And an external client requests http://192.168.70.6:8080/
    Then the request succeeds with body "hello"
    And these rules counted packets:
      | table  | rule                                                                   | packets |
      | filter | -A ufw-user-forward -d 172.17.0.2/32 -p tcp -m tcp --dport 80 -j ACCEPT | 6       |
      | filter | -A ufw-docker-logging-deny -j DROP                                     | 0       |
    When an external client requests http://192.168.70.6:9090/
    Then the request times out

  Scenario: ufw disable leaves its jumps and sets FORWARD's policy to ACCEPT
    Given container "web" publishing 8080:80 serving "hello" over http
    When I run on the host: ufw --force enable
    Then the filter table's FORWARD policy is DROP
    When I run on the host: ufw disable
    Then the filter table's FORWARD policy is ACCEPT
    And the filter table contains:
      """
      -A FORWARD -j ufw-before-logging-forward
      """
    And the filter table does not contain "-A ufw-before-input -j ufw-user-input"

  Scenario: ufw enabled at boot, before dockerd: Docker's FORWARD rules still come first
    Given a Docker host with ufw
    And container "web" publishing 8080:80 serving "hello" over http
    When I run on the host: ufw deny 8080
    Then the filter table's INPUT policy is DROP
    When an external client requests http://192.168.70.6:8080/
    Then the request succeeds with body "hello"
    And these rules counted packets:
      | table  | rule                                                 | packets |
      | filter | -A FORWARD -j DOCKER-USER                            | 11      |
      | filter | -A FORWARD -j ufw-before-logging-forward             | 0       |
      | filter | -A ufw-user-input -p tcp -m tcp --dport 8080 -j DROP | 0       |
